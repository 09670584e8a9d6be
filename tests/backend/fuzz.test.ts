import { tableFromIPC } from 'apache-arrow';
import * as path from 'node:path';

import type { ResourceResponseSender } from '../../src/backend/handlers/types';
import type {
  CallResourceResponse,
  DataQuery,
  PluginContext,
  QueryDataRequest,
} from '../../src/backend/protocol/messages';
import { QUERY_FROM, QUERY_TO } from '../prometheus/fixture';
import { FuzzSource } from './fuzzInputs';
import { useLiveBackend } from './liveBackend';
import { testPluginContext } from './pluginContext';

// A seeded fuzz run over the real QueryData and CallResource handlers (real Prometheus with the
// backfilled fixture, real SQLite store): random and mutated query JSON, time ranges, paths,
// methods, roles and bodies. Every call must resolve (no throw) with a well-formed answer:
// QueryData one response per refId with a status and, for errors, a message and an errorSource;
// frames that decode as Arrow; CallResource a status, a JSON content type and a JSON body that
// carries `error` or `message` when it is an error. VIGIL_FUZZ_CASES / VIGIL_FUZZ_SEED scale and
// vary the run by hand, VIGIL_FUZZ_REPORT prints the answers' distribution and VIGIL_FUZZ_SLOW=<ms>
// the requests slower than that (bench/README.md); CI runs the defaults.

// QueryData requests (1-3 queries each; many train models, so they are the slow part) and, five
// times as many, resource calls.
const CASES = Number(process.env.VIGIL_FUZZ_CASES ?? 300);
const RESOURCE_CASES = 5 * CASES;
const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? 20240101);

jest.setTimeout(Math.max(120_000, CASES * 500));

const live = useLiveBackend('fuzz');

function pluginContext(role: string | undefined): PluginContext {
  return testPluginContext({
    uid: 'ds-fuzz',
    role,
    login: 'fuzz',
    // Small limits keep odd ranges cheap (and exercise the limit path).
    jsonData: {
      prometheusUrl: live.prom.url,
      modelStorePath: path.join(live.dir, 'models.db'),
      maxPointsPerQuery: 200_000,
      timeout: 10,
    },
  });
}

const VALID_QUERIES: unknown[] = [
  {
    expr: 'vigil_load',
    model: 'seasonal',
    outputs: ['value', 'expected', 'band', 'score'],
    options: { trainingWindow: '2d', seasonality: 'daily' },
  },
  { expr: 'vigil_odd', model: 'zscore', outputs: ['score', 'anomalies'], options: { trainingWindow: '1d' } },
  {
    schemaVersion: 1,
    expr: 'vigil_load{instance="b"}',
    model: 'adaptive',
    options: { sensitivity: 0.7, direction: 'above', trainingWindow: '1d', minAbsDeviation: 2 },
    legendFormat: '{{instance}}',
  },
  { expr: 'sum(vigil_load)', model: 'ets', step: '5m', options: { trainingWindow: '2d', seasonality: 'none' } },
  {
    queryType: 'backtest',
    expr: 'vigil_load',
    model: 'zscore',
    thresholds: [{ severity: 'warning', score: 1 }],
    for: '5m',
    refitEvery: '1d',
    options: { trainingWindow: '1d' },
  },
  { expr: 'vigil_load', sensitivity: 3, trainingWindowDays: 2, showBand: true }, // an older query model
];

const VALID_BODIES: unknown[] = [
  { version: 1 },
  {},
  { expr: 'vigil_load', model: 'zscore', options: { trainingWindow: '1d' } },
  {
    query: {
      expr: 'vigil_load',
      model: 'zscore',
      options: { trainingWindow: '1d' },
      thresholds: [{ severity: 'critical', score: 2 }],
      for: '0s',
      refitEvery: '1d',
    },
    fromMs: QUERY_FROM,
    toMs: QUERY_TO,
  },
];

const SEGMENTS = [
  'models',
  'prometheus',
  'labels',
  'label',
  'instance',
  '__name__',
  'values',
  'series',
  'metadata',
  'ping',
  'pin',
  'unpin',
  'rollback',
  'train',
  'backtest',
  'jobs',
  '',
  '.',
  '..',
  '%',
  '%2F',
  '%E0%A4%A',
  '%00',
  '💥',
  'x'.repeat(5000),
  '{instance="a"}',
];

const PARAMS = ['match[]', 'start', 'end', 'limit', 'offset', 'prefix', 'metric', 'version', '', '%', 'x'];

function dataQuery(f: FuzzSource, refId: string): DataQuery {
  const model = f.chance(0.1) ? f.value() : f.chance(0.25) ? f.pick(VALID_QUERIES) : f.mutate(f.pick(VALID_QUERIES));
  let from = QUERY_FROM;
  let to = QUERY_TO;
  if (f.chance(0.15)) {
    [from, to] = f.pick([
      [to, from],
      [from, from],
      [0, 0],
      [-1e15, 1e15],
      [1e16, 1e16 + 1],
      [NaN, to],
      [from, Infinity],
      [QUERY_FROM - 30 * 864e5, QUERY_TO],
    ]);
  }
  return {
    refId,
    maxDataPoints: f.chance(0.8) ? 1000 : f.pick([0, 1, -5, 43_200, 1e9, 2 ** 53]),
    intervalMS: f.chance(0.8) ? 60_000 : f.pick([0, 1, -1, 15_000, 1e12]),
    timeRange: { fromEpochMS: from, toEpochMS: to },
    json: f.text(model),
    queryType: f.chance(0.9) ? '' : f.pick(['anomaly', 'backtest', 'timeseries', '💥', ' ']),
  };
}

function describeCase(seed: number, index: number, what: Record<string, unknown> | DataQuery[]): string {
  // Buffers shown as their text (JSON.stringify would call Buffer.toJSON before any replacer).
  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8').slice(0, 500) : v);
  const shown = Array.isArray(what)
    ? what.map((q) => ({ ...q, json: text(q.json) }))
    : Object.fromEntries(Object.entries(what).map(([k, v]) => [k, text(v)]));
  return `seed ${seed} case ${index}: ${JSON.stringify(shown).slice(0, 2000)}`;
}

describe(`fuzz: ${CASES} QueryData requests and ${RESOURCE_CASES} resource calls (seed ${SEED})`, () => {
  it('QueryData: every refId answered, well formed, never a throw', async () => {
    const f = new FuzzSource(SEED);
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const n = 1 + f.int(3);
      const queries = Array.from({ length: n }, (_, k) =>
        dataQuery(f, f.chance(0.95) ? `R${k}` : f.pick(['', '💥', ' ']))
      );
      const refIds = [...new Set(queries.map((q) => q.refId))];
      const req: QueryDataRequest = {
        pluginContext: pluginContext('Viewer'),
        headers: f.chance(0.2) ? { FromAlert: f.pick(['true', 'TRUE', 'false', '']) } : {},
        queries,
        format: 0,
      };
      let responses;
      const started = performance.now();
      try {
        responses = (await live.handlers.queryData(req, live.ctx)).responses;
        const ms = performance.now() - started;
        if (process.env.VIGIL_FUZZ_SLOW && ms > Number(process.env.VIGIL_FUZZ_SLOW)) {
          process.stderr.write(`${Math.round(ms)} ms: ${describeCase(SEED, i, queries)}\n`);
        }
      } catch (e) {
        throw new Error(`queryData threw ${String(e)} on ${describeCase(SEED, i, queries)}`);
      }
      try {
        expect(Object.keys(responses).sort()).toEqual(refIds.sort());
        for (const r of Object.values(responses)) {
          const status = r.status ?? 200;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(Number.isInteger(status) && status >= 200 && status < 600).toBe(true);
          if (status === 200) {
            expect(r.error).toBeUndefined();
            expect(Array.isArray(r.frames) && r.frames.length > 0).toBe(true);
            for (const bytes of r.frames!) {
              const table = tableFromIPC(bytes);
              const meta = JSON.parse(table.schema.metadata.get('meta') ?? '{}');
              // Series frames are data plane time series; a backtest adds its would-be alerts as annotations.
              if (meta.dataTopic !== 'annotations') {
                expect(meta.type).toBe('timeseries-multi');
              }
            }
          } else {
            expect(typeof r.error === 'string' && r.error.length > 0).toBe(true);
            expect(['plugin', 'downstream']).toContain(r.errorSource);
          }
        }
      } catch (e) {
        throw new Error(`${(e as Error).message}\non ${describeCase(SEED, i, queries)}`);
      }
    }
    report('QueryData statuses', statuses);
    // The run reached the scoring path, not only the validator.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(CASES / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 20);
  });

  it('CallResource: one JSON answer per call, never a throw', async () => {
    const f = new FuzzSource(SEED + 1);
    const list = await call('GET', 'models', '', 'Viewer');
    const keys = ((list.json as { items?: Array<{ key: string }> }).items ?? []).map((i) => encodeURIComponent(i.key));
    const codes = new Map<number, number>();
    for (let i = 0; i < RESOURCE_CASES; i++) {
      const segments = Array.from({ length: 1 + f.int(4) }, () =>
        keys.length > 0 && f.chance(0.2) ? f.pick(keys) : f.pick(SEGMENTS)
      );
      if (f.chance(0.5)) {
        segments[0] = f.pick(['models', 'prometheus', 'backtest', 'ping']);
      }
      let p = segments.join('/');
      if (f.chance(0.1)) {
        p = f.pick(['/', '//', '']) + p + f.pick(['/', '//', '']);
      }
      const query = Array.from({ length: f.int(4) }, () => {
        const v = f.scalar();
        const text = typeof v === 'string' ? v.slice(0, 2000) : String(v);
        // Raw now and then: '%' alone, spaces and '&' are what broken clients send.
        return `${f.pick(PARAMS)}=${f.chance(0.2) ? text : percentEncode(text)}`;
      }).join('&');
      const method = f.pick([
        'GET',
        'GET',
        'POST',
        'POST',
        'PUT',
        'DELETE',
        'PATCH',
        'HEAD',
        'OPTIONS',
        'get',
        '',
        'BREW',
      ]);
      const body = f.chance(0.3) ? Buffer.alloc(0) : f.text(f.chance(0.7) ? f.mutate(f.pick(VALID_BODIES)) : f.value());
      const role = f.pick(['Viewer', 'Editor', 'Admin', 'Admin', '', 'admin', 'None', undefined]);
      const res = await call(method, p, query, role, body).catch((e: unknown) => {
        throw new Error(
          `callResource threw ${String(e)} on ${describeCase(SEED + 1, i, { method, p, query, role, body })}`
        );
      });
      codes.set(res.code, (codes.get(res.code) ?? 0) + 1);
      try {
        expect(Number.isInteger(res.code) && res.code >= 100 && res.code < 600).toBe(true);
        expect(res.contentType).toBe('application/json');
        if (res.code >= 400) {
          const j = res.json as { error?: unknown; message?: unknown };
          expect(typeof j.error === 'string' || typeof j.message === 'string').toBe(true);
        }
      } catch (e) {
        throw new Error(`${(e as Error).message}\non ${describeCase(SEED + 1, i, { method, p, query, role, body })}`);
      }
    }
    report('CallResource codes', codes);
    expect(codes.get(200) ?? 0).toBeGreaterThan(0);
    expect(codes.get(404) ?? 0).toBeGreaterThan(0);
    expect(codes.get(400) ?? 0).toBeGreaterThan(0);
  });
});

/** With VIGIL_FUZZ_REPORT set, the answers' distribution on stderr (for the by-hand runs). */
function report(what: string, counts: Map<number, number>): void {
  if (process.env.VIGIL_FUZZ_REPORT) {
    const sorted = [...counts].sort((a, b) => a[0] - b[0]).map(([k, n]) => `${k}: ${n}`);
    process.stderr.write(`${what} (seed ${SEED}): ${sorted.join(', ')}\n`);
  }
}

/** Every UTF-8 byte as %XX (encodeURIComponent throws on lone surrogates). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

async function call(
  method: string,
  p: string,
  query: string,
  role: string | undefined,
  body: Buffer = Buffer.alloc(0)
): Promise<{ code: number; contentType: string; json: unknown }> {
  const messages: CallResourceResponse[] = [];
  const sender: ResourceResponseSender = {
    send: async (m) => void messages.push(m),
    get started() {
      return messages.length > 0;
    },
  };
  await live.handlers.callResource(
    {
      pluginContext: pluginContext(role),
      path: p,
      method,
      url: `/api/datasources/uid/ds-fuzz/resources/${p}${query ? `?${query}` : ''}`,
      headers: {},
      body,
    },
    sender,
    live.ctx
  );
  if (messages.length === 0) {
    throw new Error(`no answer to ${method} /${p}`);
  }
  const headers = messages[0].headers ?? {};
  const ct = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const text = messages.map((m) => Buffer.from(m.body ?? '').toString('utf8')).join('');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} /${p}: ${messages[0].code} body is not JSON: ${text.slice(0, 200)}`);
  }
  return { code: messages[0].code ?? 200, contentType: Array.isArray(ct) ? ct[0] : (ct ?? ''), json };
}
