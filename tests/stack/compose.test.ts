/**
 * docker-compose.yml and prometheus/prometheus.yml, checked without a Docker engine (none runs
 * here): services and their order, pinned images, bind mounts that exist, the plugin where Grafana
 * looks for it and allowed unsigned, the demo commands parsed by the real CLI flag parser, and the
 * Prometheus config by promtool.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from '../../src/cli/args';
import { DEMO_METRICS_FLAGS } from '../../src/cli/commands/demoMetrics';
import { SERVE_FLAGS } from '../../src/cli/commands/serve';
import { parseExporterConfig } from '../../src/cli/serve/config';
import { PROMTOOL_BIN, requirePrometheusBinaries } from '../prometheus/server';
import { asList, asObj, COMPOSE_FILE, hostPath, mounts, type Obj, PROVISIONING, readYaml, ROOT } from './files';

const compose = asObj(readYaml(COMPOSE_FILE), 'compose');
const services = asObj(compose.services, 'services');
const service = (name: string) => asObj(services[name], name);
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8')) as Record<string, unknown>;
const APP_ID = readJson('src/plugin.json').id as string;
const DS_ID = readJson('src/datasource/plugin.json').id as string;
const PLUGIN_DIR = `/var/lib/grafana/plugins/${APP_ID}`;

const SERVICE_KEYS = [
  'image',
  'command',
  'entrypoint',
  'environment',
  'ports',
  'volumes',
  'depends_on',
  'healthcheck',
  'restart',
  'user',
  'init',
];

function dependsOn(s: Obj): Record<string, string> {
  const d = s.depends_on ?? {};
  return Object.fromEntries(Object.entries(asObj(d, 'depends_on')).map(([k, v]) => [k, String(asObj(v, k).condition)]));
}

/** The `vigil` arguments of a service that runs the CLI (`node /app/bin/vigil.js ...`). */
function vigilArgs(s: Obj): string[] {
  const cmd = asList(s.command, 'command').map(String);
  expect(cmd.slice(0, 2)).toEqual(['node', '/app/bin/vigil.js']);
  return cmd.slice(2);
}

describe('docker-compose.yml', () => {
  it('has the stack services, each with known keys and a pinned image', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'demo-history',
        'demo-metrics',
        'grafana',
        'node-exporter',
        'prometheus',
        'prometheus-backfill',
        'vigil-serve',
      ].sort()
    );
    for (const [name, raw] of Object.entries(services)) {
      const s = asObj(raw, name);
      expect(Object.keys(s).filter((k) => !SERVICE_KEYS.includes(k))).toEqual([]);
      // Official images, pinned to a version (no floating latest / major-only tags).
      expect(String(s.image)).toMatch(
        /^(grafana\/grafana|prom\/prometheus|prom\/node-exporter|node):v?\d+\.\d+\.\d+(-[a-z]+)?$/
      );
    }
  });

  it('runs the Grafana -ubuntu image (glibc for the backend executable) matching @grafana/* major.minor', () => {
    const image = String(service('grafana').image);
    expect(image).toMatch(/-ubuntu$/);
    const sdk = (readJson('package.json').dependencies as Record<string, string>)['@grafana/data'];
    expect(image.split(':')[1].split('.').slice(0, 2)).toEqual(sdk.split('.').slice(0, 2));
  });

  it('mounts the built plugin where Grafana looks for plugins, and allows both unsigned ids', () => {
    const grafana = service('grafana');
    const plugin = mounts(grafana).find((m) => m.target === PLUGIN_DIR);
    expect(plugin).toMatchObject({ source: './dist', readOnly: true, bind: true });
    const allowed = String(asObj(grafana.environment, 'environment').GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).split(
      ','
    );
    expect(allowed.sort()).toEqual([APP_ID, DS_ID].sort());
    // The build writes plugin.json files into dist/ at these places (webpack copies src/**/plugin.json).
    expect(fs.existsSync(path.join(ROOT, 'src/plugin.json'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'src/datasource/plugin.json'))).toBe(true);
  });

  it('points every bind mount at a file or directory of the repository (build outputs aside)', () => {
    const built = new Set(['./dist', './dist-cli']); // written by `npm run stack` before `docker compose up`
    const volumes = Object.keys(asObj(compose.volumes, 'volumes'));
    for (const [name, raw] of Object.entries(services)) {
      for (const m of mounts(asObj(raw, name))) {
        expect(m.target.startsWith('/')).toBe(true);
        if (!m.bind) {
          expect(volumes).toContain(m.source);
        } else if (!built.has(m.source)) {
          expect(fs.existsSync(path.join(ROOT, m.source))).toBe(true);
        }
      }
    }
    const defaultHome = String(asObj(service('grafana').environment, 'env').GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    expect(fs.existsSync(hostPath(service('grafana'), defaultHome)!)).toBe(true);
  });

  it('orders start-up: history, then backfill, then Prometheus; the demo service after its anchor', () => {
    for (const [name, raw] of Object.entries(services)) {
      for (const dep of Object.keys(dependsOn(asObj(raw, name)))) {
        expect(Object.keys(services)).toContain(dep);
      }
    }
    expect(dependsOn(service('prometheus'))).toEqual({ 'prometheus-backfill': 'service_completed_successfully' });
    expect(dependsOn(service('prometheus-backfill'))).toEqual({ 'demo-history': 'service_completed_successfully' });
    expect(dependsOn(service('demo-metrics'))).toEqual({ 'demo-history': 'service_completed_successfully' });
    expect(Object.keys(dependsOn(service('grafana'))).sort()).toEqual(['demo-metrics', 'prometheus']);
    expect(service('demo-metrics').healthcheck).toBeDefined();
  });

  it('runs the demo commands with flags the CLI accepts, sharing the anchor and the history file', () => {
    const history = parseArgs(vigilArgs(service('demo-history')), DEMO_METRICS_FLAGS);
    const serve = parseArgs(vigilArgs(service('demo-metrics')), DEMO_METRICS_FLAGS);
    expect(history.positional).toEqual(['demo-metrics', 'backfill']);
    expect(serve.positional).toEqual(['demo-metrics', 'serve']);
    expect(serve.flags.get('anchor-file')).toBe(history.flags.get('anchor-file'));
    // promtool reads the file the history service wrote, from the same volume.
    const backfill = asList(service('prometheus-backfill').command, 'command').join(' ');
    expect(backfill).toContain(
      `create-blocks-from openmetrics --max-block-duration=24h ${String(history.flags.get('out'))} /prometheus`
    );
    const volumeOf = (s: Obj, file: string) => mounts(s).find((m) => file.startsWith(m.target + '/'))?.source;
    const out = String(history.flags.get('out'));
    expect(volumeOf(service('prometheus-backfill'), out)).toBe(volumeOf(service('demo-history'), out));
    expect(volumeOf(service('demo-metrics'), out)).toBe(volumeOf(service('demo-history'), out));
    // The CLI the services run is the one `npm run build:cli` writes, beside its launcher.
    for (const name of ['demo-history', 'demo-metrics', 'vigil-serve']) {
      expect(hostPath(service(name), '/app/bin/vigil.js')).toBe(path.join(ROOT, 'bin/vigil.js'));
      expect(hostPath(service(name), '/app/dist-cli/vigil.js')).toBe(path.join(ROOT, 'dist-cli/vigil.js'));
    }
  });

  it('keeps Prometheus on the backfilled volume with a retention longer than the history', () => {
    const prom = service('prometheus');
    const cmd = asList(prom.command, 'command').map(String);
    expect(cmd).toContain('--storage.tsdb.path=/prometheus');
    expect(mounts(prom).find((m) => m.target === '/prometheus')?.source).toBe(
      mounts(service('prometheus-backfill')).find((m) => m.target === '/prometheus')?.source
    );
    const days = Number(parseArgs(vigilArgs(service('demo-history')), DEMO_METRICS_FLAGS).flags.get('days') ?? '14');
    const retention = cmd.find((a) => a.startsWith('--storage.tsdb.retention.time='))!.split('=')[1];
    expect(Number(/^(\d+)d$/.exec(retention)![1])).toBeGreaterThan(days);
    const config = cmd.find((a) => a.startsWith('--config.file='))!.split('=')[1];
    expect(hostPath(prom, config)).toBe(path.join(ROOT, 'prometheus/prometheus.yml'));
  });
});

describe('prometheus/prometheus.yml', () => {
  const config = asObj(readYaml(path.join(ROOT, 'prometheus/prometheus.yml')), 'prometheus.yml');
  const jobs = asList(config.scrape_configs, 'scrape_configs').map((j) => asObj(j, 'job'));

  it('passes promtool check config', () => {
    requirePrometheusBinaries();
    const out = execFileSync(PROMTOOL_BIN, ['check', 'config', path.join(ROOT, 'prometheus/prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/SUCCESS/);
  });

  it("runs `vigil serve` with a configuration it accepts, against the stack's Prometheus", () => {
    const args = parseArgs(vigilArgs(service('vigil-serve')), SERVE_FLAGS);
    expect(args.positional).toEqual(['serve']);
    const file = String(args.flags.get('config'));
    const config = parseExporterConfig(fs.readFileSync(hostPath(service('vigil-serve'), file)!, 'utf8'), file);
    expect(config.prometheus.url).toBe('http://prometheus:9090');
    // The store lives on the service's own volume, so models survive a restart.
    const volume = mounts(service('vigil-serve')).find((m) => config.storePath.startsWith(m.target + '/'));
    expect(volume).toMatchObject({ bind: false, readOnly: false });
    expect(Object.keys(asObj(compose.volumes, 'volumes'))).toContain(volume!.source);
    // Its queries are the provisioned alert rules' (the same series, model and options).
    const rules = asObj(readYaml(path.join(PROVISIONING, 'alerting/rules.yaml')), 'rules');
    const ruleExprs = asList(rules.groups, 'groups').flatMap((g) =>
      asList(asObj(g, 'group').rules, 'rules').flatMap((r) =>
        asList(asObj(r, 'rule').data, 'data').map((d) => asObj(asObj(d, 'd').model, 'model').expr)
      )
    );
    for (const q of config.queries) {
      expect(ruleExprs).toContain(q.valid.query.expr);
    }
  });

  it('scrapes the demo service (its own labels honoured), node-exporter, vigil serve and itself, at their compose ports', () => {
    expect(jobs.map((j) => j.job_name).sort()).toEqual(['demo', 'node', 'prometheus', 'vigil-serve']);
    const listen = String(parseArgs(vigilArgs(service('vigil-serve')), SERVE_FLAGS).flags.get('listen'));
    expect(
      jobs
        .filter((j) => j.job_name === 'vigil-serve')
        .flatMap((j) => asList(j.static_configs, 's').flatMap((c) => asList(asObj(c, 'c').targets, 't')))
    ).toEqual([`vigil-serve:${listen.split(':')[1]}`]);
    expect(jobs.find((j) => j.job_name === 'vigil-serve')!.honor_labels).toBe(true);
    const targets = (job: string) =>
      jobs
        .filter((j) => j.job_name === job)
        .flatMap((j) => asList(j.static_configs, 'static_configs').flatMap((c) => asList(asObj(c, 'c').targets, 't')))
        .map(String);
    expect(targets('prometheus')).toEqual(['localhost:9090']);
    expect(targets('node')).toEqual(['node-exporter:9100']);
    const serve = parseArgs(vigilArgs(service('demo-metrics')), DEMO_METRICS_FLAGS);
    expect(targets('demo')).toEqual([`demo-metrics:${String(serve.flags.get('port'))}`]);
    expect(jobs.find((j) => j.job_name === 'demo')!.honor_labels).toBe(true);
  });
});

describe('npm run stack', () => {
  it('builds the plugin, the single-executable backend and the CLI before docker compose up', () => {
    const scripts = readJson('package.json').scripts as Record<string, string>;
    expect(scripts.stack).toBe('bash scripts/stack.sh');
    const sh = fs.readFileSync(path.join(ROOT, 'scripts/stack.sh'), 'utf8');
    const order = [
      'npm run --silent build',
      'scripts/build-backend.mjs',
      'npm run --silent build:cli',
      'exec docker compose up',
    ];
    const at = order.map((s) => sh.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    execFileSync('bash', ['-n', path.join(ROOT, 'scripts/stack.sh')]);
  });
});
