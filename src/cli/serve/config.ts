/**
 * The `vigil serve` exporter's configuration file (JSON): where Prometheus is, where models are
 * stored, how often to score, and the queries, each written as in a Vigil panel (expr, model,
 * step, options). Every query is checked by the same validation as a panel's, and every problem
 * is reported at once with where it is in the file.
 *
 *   {
 *     "prometheus": { "url": "http://localhost:9090", "timeout": "30s",
 *                     "headers": { "X-Scope-OrgID": "team-a" }, "bearerTokenFile": "/run/secrets/token" },
 *     "store": "vigil-models.db",
 *     "interval": "1m",
 *     "retrainEvery": "6h",
 *     "queries": [
 *       { "name": "checkout_latency", "expr": "histogram_quantile(0.99, ...)", "model": "auto",
 *         "step": "1m", "options": { "trainingWindow": "14d", "sensitivity": 3 } }
 *     ]
 *   }
 */
import { parseDuration } from '../../query/duration';
import { parseRetrainEvery } from '../../query/settings';
import { validateQuery, type ValidQuery } from '../../query/validate';

export interface ExporterQuery {
  /** Unique in the file; the `vigil_query` label of every sample the query gives. */
  name: string;
  valid: ValidQuery;
  stepMs: number;
}

export interface ExporterConfig {
  prometheus: { url: string; timeoutMs: number; headers: Record<string, string>; bearerTokenFile?: string };
  storePath: string;
  intervalMs: number;
  /** 0: never retrain (a model is trained once per series). */
  retrainEveryMs: number;
  queries: ExporterQuery[];
}

export class ConfigError extends Error {}

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TOP_KEYS = ['prometheus', 'store', 'interval', 'retrainEvery', 'queries'];
const QUERY_KEYS = ['name', 'expr', 'model', 'step', 'options'];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the file's text; throws ConfigError listing every problem. */
export function parseExporterConfig(text: string, file = 'config'): ExporterConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObj(raw)) {
    throw new ConfigError(`${file}: the configuration must be a JSON object`);
  }
  unknownKeys(raw, TOP_KEYS, '', problem);

  const prom = isObj(raw.prometheus) ? raw.prometheus : {};
  if (!isObj(raw.prometheus)) {
    problem('prometheus', 'an object with at least "url" is required');
  }
  unknownKeys(prom, ['url', 'timeout', 'headers', 'bearerTokenFile'], 'prometheus.', problem);
  const url = typeof prom.url === 'string' ? prom.url.trim() : '';
  if (isObj(raw.prometheus) && !/^https?:\/\/\S+$/.test(url)) {
    problem('prometheus.url', 'a URL such as http://localhost:9090 is required');
  }
  const timeoutMs = duration(prom.timeout, '30s', 'prometheus.timeout', problem);
  const headers: Record<string, string> = {};
  if (prom.headers !== undefined) {
    if (!isObj(prom.headers)) {
      problem('prometheus.headers', 'an object of header names to values');
    } else {
      for (const [k, v] of Object.entries(prom.headers)) {
        if (typeof v !== 'string') {
          problem(`prometheus.headers.${k}`, 'must be a string');
        } else {
          headers[k] = v;
        }
      }
    }
  }
  if (prom.bearerTokenFile !== undefined && typeof prom.bearerTokenFile !== 'string') {
    problem('prometheus.bearerTokenFile', 'a path to a file holding the token');
  }

  if (raw.store !== undefined && (typeof raw.store !== 'string' || raw.store.trim() === '')) {
    problem('store', 'a path to the SQLite model store');
  }
  const intervalMs = duration(raw.interval, '1m', 'interval', problem);
  // The same rules as the data source's retrainEvery: a duration, "0"/"off", blank for the default.
  const retrain = parseRetrainEvery(raw.retrainEvery);
  if (!retrain.ok) {
    problem('retrainEvery', retrain.error);
  }
  const retrainEveryMs = retrain.ok ? retrain.ms : 0;

  const queries: ExporterQuery[] = [];
  if (!Array.isArray(raw.queries) || raw.queries.length === 0) {
    problem('queries', 'a non-empty list of queries');
  } else {
    const names = new Set<string>();
    raw.queries.forEach((q, i) => {
      const where = `queries[${i}]`;
      if (!isObj(q)) {
        problem(where, 'must be an object with name, expr, model, step and options');
        return;
      }
      unknownKeys(q, QUERY_KEYS, `${where}.`, problem);
      const name = typeof q.name === 'string' ? q.name : '';
      if (!NAME_RE.test(name)) {
        problem(`${where}.name`, 'required: letters, digits and underscores, not starting with a digit');
      } else if (names.has(name)) {
        problem(`${where}.name`, `${name} is used twice`);
      }
      names.add(name);
      const step = q.step ?? raw.interval ?? '1m';
      const v = validateQuery({ refId: name || `Q${i}`, expr: q.expr, model: q.model, step, options: q.options ?? {} });
      if (!v.ok) {
        v.errors.forEach((e) => problem(`${where}${e.field ? `.${e.field}` : ''}`, e.message));
        return;
      }
      if (v.stepMs === undefined) {
        problem(`${where}.step`, 'a step such as 1m is required');
        return;
      }
      queries.push({ name, valid: v, stepMs: v.stepMs });
    });
  }
  if (problems.length > 0) {
    throw new ConfigError(`${file} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
  return {
    prometheus: {
      url,
      timeoutMs,
      headers,
      ...(typeof prom.bearerTokenFile === 'string' && { bearerTokenFile: prom.bearerTokenFile }),
    },
    storePath: typeof raw.store === 'string' ? raw.store : 'vigil-models.db',
    intervalMs,
    retrainEveryMs,
    queries,
  };
}

function unknownKeys(o: Obj, known: string[], prefix: string, problem: (where: string, what: string) => void): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) {
      problem(`${prefix}${k}`, `unknown key (known: ${known.join(', ')})`);
    }
  }
}

function duration(v: unknown, fallback: string, where: string, problem: (where: string, what: string) => void): number {
  const text = v === undefined ? fallback : v;
  if (typeof text !== 'string') {
    problem(where, 'a duration such as 1m or 24h');
    return parseDuration(fallback);
  }
  try {
    const ms = parseDuration(text);
    if (!(ms > 0)) {
      throw new Error('it must be above 0');
    }
    return ms;
  } catch (e) {
    problem(where, `${JSON.stringify(text)} is not a duration (${(e as Error).message})`);
    return parseDuration(fallback);
  }
}
