/**
 * The stack's files as the tests read them: provisioning YAML and dashboard JSON, the compose file,
 * and how a path inside a container maps back to the repository through compose's bind mounts.
 */
import * as fs from 'fs';
import * as path from 'path';
import YAML from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
export const PROVISIONING = path.join(ROOT, 'provisioning');

/** Strict YAML: duplicate keys and syntax errors throw (Grafana refuses both at start-up). */
export function readYaml(file: string): unknown {
  return YAML.parse(fs.readFileSync(file, 'utf8'), { strict: true, uniqueKeys: true, prettyErrors: true });
}

/** Files of one provisioning kind, as Grafana picks them (*.yaml / *.yml, not recursive). */
export function provisioningFiles(kind: 'datasources' | 'plugins' | 'dashboards' | 'alerting'): string[] {
  const dir = path.join(PROVISIONING, kind);
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export type Obj = Record<string, unknown>;

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function asObj(x: unknown, where: string): Obj {
  if (!isObj(x)) {
    throw new Error(`${where}: expected a mapping, got ${JSON.stringify(x)}`);
  }
  return x;
}

export function asList(x: unknown, where: string): unknown[] {
  if (!Array.isArray(x)) {
    throw new Error(`${where}: expected a list, got ${JSON.stringify(x)}`);
  }
  return x;
}

/**
 * Keys Grafana's decoder does not know are silently ignored (a misspelt `orgID` becomes the
 * default), so every mapping is checked against the keys its Go struct reads.
 */
export function unknownKeys(o: Obj, known: readonly string[]): string[] {
  return Object.keys(o).filter((k) => !known.includes(k));
}

export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
  /** A bind mount of a repository path (as opposed to a named volume). */
  bind: boolean;
}

/** Short-syntax volume entries (`./dist:/var/lib/...:ro`, `name:/path`). */
export function mounts(service: Obj): Mount[] {
  return asList(service.volumes ?? [], 'volumes').map((v) => {
    if (typeof v !== 'string') {
      throw new Error(`use the short volume syntax, got ${JSON.stringify(v)}`);
    }
    const [source, target, mode] = v.split(':');
    return { source, target, readOnly: mode === 'ro', bind: /^[./]/.test(source) };
  });
}

/** The repository path behind a path inside a container, through its bind mounts (longest target wins). */
export function hostPath(service: Obj, containerPath: string): string | undefined {
  const hit = mounts(service)
    .filter((m) => m.bind && (containerPath === m.target || containerPath.startsWith(m.target + '/')))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return hit && path.join(ROOT, hit.source, containerPath.slice(hit.target.length));
}
