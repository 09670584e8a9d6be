import { tableFromIPC } from 'apache-arrow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { createHandlers, type Handlers } from '../../src/backend/handlers';
import { frameBytes } from '../../src/backend/handlers/responseBudget';
import type { CallContext } from '../../src/backend/handlers/types';
import { createLogger } from '../../src/backend/log';
import { parseExposition, sampleValue } from '../../src/backend/exposition';
import { MetricsRegistry, registerProcessMetrics } from '../../src/backend/metrics';
import {
  HealthStatus,
  type DataQuery,
  type DataResponse,
  type PluginContext,
  type QueryDataRequest,
} from '../../src/backend/protocol/messages';
import { SqliteModelStore } from '../../src/store';
import { fixtureFamilies, QUERY_FROM, QUERY_TO, SPIKE_AT } from '../prometheus/fixture';
import { freePort, RunningPrometheus, startPrometheus } from '../prometheus/server';
import { testPluginContext } from './pluginContext';

// The real QueryData and CheckHealth handlers against a real Prometheus (Debian package) holding
// promtool-backfilled data (tests/prometheus/fixture.ts) and a real SQLite model store.

jest.setTimeout(120_000);

let prom: RunningPrometheus;
let dir: string;
let handlers: Handlers;
const registry = new MetricsRegistry();
let updated = 1;
const logs: string[] = [];
const ctx: CallContext = {
  signal: new AbortController().signal,
  logger: createLogger({ write: (line: string) => void logs.push(line) }),
};

beforeAll(async () => {
  prom = await startPrometheus({ families: fixtureFamilies(), scrapeIntervalS: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-handlers-'));
  registerProcessMetrics(registry);
  handlers = createHandlers({ registry, version: 'test' });
});

afterAll(async () => {
  await handlers?.close();
  await prom?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function pluginContext(jsonData: Record<string, unknown> = {}, secure: Record<string, string> = {}): PluginContext {
  return testPluginContext({
    uid: 'ds-test',
    jsonData: { prometheusUrl: prom.url, modelStorePath: path.join(dir, 'models.db'), ...jsonData },
    decryptedSecureJsonData: secure,
    lastUpdatedMS: updated++,
  });
}

function query(refId: string, model: unknown, range = { fromEpochMS: QUERY_FROM, toEpochMS: QUERY_TO }): DataQuery {
  return {
    refId,
    maxDataPoints: 1000,
    intervalMS: 60_000,
    timeRange: range,
    json: Buffer.from(typeof model === 'string' ? model : JSON.stringify({ refId, ...(model as object) })),
    queryType: '',
  };
}

const anomaly = (expr: string, extra: Record<string, unknown> = {}) => ({
  expr,
  model: 'seasonal',
  outputs: ['value', 'expected', 'band', 'score'],
  options: { trainingWindow: '2d', seasonality: 'daily' },
  ...extra,
});

async function run(
  queries: DataQuery[],
  headers: Record<string, string> = {},
  pc = pluginContext()
): Promise<Record<string, DataResponse>> {
  const req: QueryDataRequest = { pluginContext: pc, headers, queries, format: 0 };
  return (await handlers.queryData(req, ctx)).responses;
}

/** The series of a value+score answer as frameBytes counts them (the value frames' time columns). */
function decodedSeries(r: DataResponse): Array<{ series: { t: ArrayLike<number> }; from: number }> {
  return decode(r.frames)
    .filter((f) => f.fields[1].name !== 'score')
    .map((f) => ({ series: { t: f.fields[0].values as number[] }, from: 0 }));
}

interface Decoded {
  meta: { type?: string; notices?: Array<{ severity: string; text: string }>; executedQueryString?: string };
  fields: Array<{ name: string; labels?: Record<string, string>; values: Array<number | null> }>;
}

function decode(frames: Uint8Array[] | undefined): Decoded[] {
  return (frames ?? []).map((bytes) => {
    const table = tableFromIPC(bytes);
    return {
      meta: JSON.parse(table.schema.metadata.get('meta') ?? '{}'),
      fields: table.schema.fields.map((f, i) => {
        const col = table.getChildAt(i)!;
        const values: Array<number | null> = [];
        for (let k = 0; k < col.length; k++) {
          const x = col.get(k);
          values.push(x === null ? null : Number(x));
        }
        const labels = f.metadata.get('labels');
        return { name: f.name, values, ...(labels && { labels: JSON.parse(labels) }) };
      }),
    };
  });
}

describe('QueryData against a real Prometheus', () => {
  it('as a panel: trains, saves and returns value, expected, lower, upper and score per series', async () => {
    const res = (await run([query('A', anomaly('vigil_load'))])).A;
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(200);
    const frames = decode(res.frames);
    expect(frames).toHaveLength(2 * 5);
    const names = frames.map((f) => f.fields[1].name);
    expect(names.sort()).toEqual([
      'expected',
      'expected',
      'lower',
      'lower',
      'score',
      'score',
      'upper',
      'upper',
      'value',
      'value',
    ]);
    for (const f of frames) {
      expect(f.meta.type).toBe('timeseries-multi');
      expect(f.fields[0].name).toBe('Time');
      expect(f.fields[1].labels).toMatchObject({ __name__: 'vigil_load', job: 'vigil' });
      expect(f.fields[0].values[0]).toBe(QUERY_FROM); // the requested range only, context cut off
      expect(f.fields[0].values).toHaveLength(721);
    }
    expect(frames[0].meta.notices?.map((n) => n.text).join('\n')).toMatch(/trained a model now for 2 of 2 series/);

    // The spike on instance b scores above 1; the quiet instance a stays (almost) inside the band.
    const score = (instance: string) =>
      frames.find((f) => f.fields[1].name === 'score' && f.fields[1].labels?.instance === instance)!.fields;
    const b = score('b');
    const at = b[0].values.indexOf(SPIKE_AT);
    expect(b[1].values[at]).toBeGreaterThan(1);
    const a = score('a')[1].values.filter((x): x is number => x !== null);
    expect(a.length).toBeGreaterThan(700);
    expect(a.filter((x) => x > 1).length).toBeLessThan(10);

    // Saved: one version per series in the store.
    const store = SqliteModelStore.open(path.join(dir, 'models.db'));
    try {
      const page = await store.list({ prefix: 'ds-test/' });
      expect(page.total).toBe(2);
    } finally {
      await store.close();
    }

    // The second run scores with the stored models: no training.
    const again = decode((await run([query('A', anomaly('vigil_load'))])).A.frames);
    expect(again[0].meta.notices?.map((n) => n.text).join('\n') ?? '').not.toMatch(/trained/);
    const b2 = again.find((f) => f.fields[1].name === 'score' && f.fields[1].labels?.instance === 'b')!;
    expect(b2.fields[1].values).toEqual(b[1].values);
  });

  it('as an alert (FromAlert header, any case): score frames only, stored models', async () => {
    const res = (await run([query('A', anomaly('vigil_load'))], { fromalert: 'TRUE' })).A;
    expect(res.status).toBe(200);
    const frames = decode(res.frames);
    expect(frames.map((f) => f.fields[1].name)).toEqual(['score', 'score']);
    expect(frames[0].meta.notices ?? []).toEqual([]);
  });

  it('as an alert with no stored model: a cold-start model, not saved, said in a notice', async () => {
    const expr = 'vigil_load * 2';
    const res = (await run([query('A', anomaly(expr))], { FromAlert: 'true' })).A;
    expect(res.status).toBe(200);
    const frames = decode(res.frames);
    expect(frames.map((f) => f.fields[1].name)).toEqual(['score', 'score']);
    expect(frames[0].meta.notices?.[0]).toMatchObject({ severity: 'warning' });
    expect(frames[0].meta.notices?.[0].text).toMatch(/cold-start model .* for 2 of 2 series/);
    const b = frames.find((f) => f.fields[1].labels?.instance === 'b')!;
    expect(b.fields[1].values[b.fields[0].values.indexOf(SPIKE_AT)]).toBeGreaterThan(1);
    const store = SqliteModelStore.open(path.join(dir, 'models.db'));
    try {
      expect((await store.list({ prefix: 'ds-test/' })).total).toBe(2); // still only the panel's two
    } finally {
      await store.close();
    }
  });

  it('runs several queries of one request and answers each refId', async () => {
    const res = await run([
      query('A', anomaly('vigil_load{instance="a"}', { outputs: ['score'] })),
      query('B', anomaly('vigil_load{instance="b"}', { outputs: ['anomalies'] })),
      query('C', anomaly('vigil_load', { model: 'zscore', outputs: ['value'] })),
    ]);
    expect(Object.keys(res).sort()).toEqual(['A', 'B', 'C']);
    expect(decode(res.A.frames).map((f) => f.fields[1].name)).toEqual(['score']);
    const anomalies = decode(res.B.frames)[0].fields;
    expect(anomalies[1].name).toBe('anomalies');
    expect(anomalies[1].values[anomalies[0].values.indexOf(SPIKE_AT)]).toBeGreaterThan(200);
    expect(decode(res.C.frames)).toHaveLength(2);
  });

  it('caps the bytes of one answer: the query that does not fit gets a clear 400, the others their frames', async () => {
    const q = (refId: string) => query(refId, anomaly('vigil_load', { outputs: ['value', 'score'] }));
    const one = (await run([q('A')])).A;
    const size = one.frames!.reduce((n, f) => n + f.length, 0);
    // The same handlers with room for one such answer and a half: of two, one is refused.
    const limit = Math.round(1.5 * size);
    const small = createHandlers({
      registry: new MetricsRegistry(),
      version: 'test',
      query: { responseLimitBytes: limit },
    });
    try {
      const req: QueryDataRequest = {
        pluginContext: pluginContext(),
        headers: {},
        queries: [q('A'), q('B')],
        format: 0,
      };
      const res = (await small.queryData(req, ctx)).responses;
      const ok = [res.A, res.B].filter((r) => r.status === 200);
      const refused = [res.A, res.B].filter((r) => r.status !== 200);
      expect(ok).toHaveLength(1);
      expect(decode(ok[0].frames)).toHaveLength(4);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ status: 400, errorSource: 'plugin' });
      expect(refused[0].error).toMatch(/^answer too large: .* other queries of the request, .* fewer series/);
      expect(refused[0].frames ?? []).toEqual([]);
      // The estimate the budget reserves is close to what the frames take.
      expect(size).toBeGreaterThan(0.8 * frameBytes(decodedSeries(one), 2));
      expect(size).toBeLessThan(1.2 * frameBytes(decodedSeries(one), 2));
    } finally {
      await small.close();
    }
  });

  it('names series with legendFormat', async () => {
    const res = (
      await run([query('A', anomaly('vigil_load', { legendFormat: '{{instance}}', outputs: ['value', 'score'] }))])
    ).A;
    const tables = (res.frames ?? []).map((b) => tableFromIPC(b));
    const names = tables.map((t) => JSON.parse(t.schema.fields[1].metadata.get('config')!).displayNameFromDS).sort();
    expect(names).toEqual(['a', 'a score', 'b', 'b score']);
  });

  it('an empty result is a data plane no-data frame', async () => {
    const res = (await run([query('A', anomaly('vigil_nothing_here'))])).A;
    expect(res.status).toBe(200);
    const frames = decode(res.frames);
    expect(frames).toHaveLength(1);
    expect(frames[0].fields).toEqual([]);
    expect(frames[0].meta.type).toBe('timeseries-multi');
  });

  it("invalid PromQL: 400, errorSource downstream, Prometheus' message", async () => {
    const res = (await run([query('A', anomaly('sum(vigil_load'))])).A;
    expect(res.status).toBe(400);
    expect(res.errorSource).toBe('downstream');
    expect(res.error).toMatch(/Prometheus rejected the query: .*parse error/);
    expect(res.frames).toBeUndefined();
  });

  it('malformed query JSON and invalid fields: 400 with the reasons', async () => {
    const res = await run([
      query('A', '{"expr": '),
      query('B', { expr: 'up', model: 'magic', options: { sensitivity: 7 } }),
      query('C', '[1,2]'),
    ]);
    expect(res.A).toMatchObject({ status: 400, errorSource: 'plugin' });
    expect(res.A.error).toMatch(/not valid JSON/);
    expect(res.B).toMatchObject({ status: 400, errorSource: 'plugin' });
    expect(res.B.error).toMatch(/model: unknown model "magic"/);
    expect(res.B.error).toMatch(/options.sensitivity/);
    expect(res.C.error).toMatch(/JSON object/);
  });

  it('Prometheus down: 502 downstream with a clear message, and the next query still works', async () => {
    const port = await freePort();
    const pc = pluginContext({ prometheusUrl: `http://127.0.0.1:${port}` }, { bearerToken: 's3cret' });
    const res = (await run([query('A', anomaly('vigil_load'))], {}, pc)).A;
    expect(res.status).toBe(502);
    expect(res.errorSource).toBe('downstream');
    expect(res.error).toMatch(new RegExp(`Prometheus at http://127.0.0.1:${port} is not reachable \\(ECONNREFUSED\\)`));
    expect((await run([query('A', anomaly('vigil_load'))])).A.status).toBe(200);
  });

  it('no data source settings or no Prometheus URL: 400 with what to configure', async () => {
    const pc = pluginContext({ prometheusUrl: '' });
    const res = (await run([query('A', anomaly('up'))], {}, pc)).A;
    expect(res).toMatchObject({ status: 400, errorSource: 'plugin' });
    expect(res.error).toMatch(/no Prometheus URL/);
  });
});

describe('CheckHealth', () => {
  const health = (pc: PluginContext) => handlers.checkHealth({ pluginContext: pc, headers: {} }, ctx);

  it('OK with the Prometheus version and a writable store', async () => {
    const res = await health(pluginContext());
    expect(res.status).toBe(HealthStatus.OK);
    expect(res.message).toContain(`Prometheus ${prom.version}`);
    expect(res.message).toMatch(/model store .* is writable/);
    const details = JSON.parse(Buffer.from(res.jsonDetails!).toString());
    expect(details.prometheus).toMatchObject({ ok: true, version: prom.version });
  });

  it('ERROR when Prometheus is down, saying so', async () => {
    const port = await freePort();
    const res = await health(pluginContext({ prometheusUrl: `http://127.0.0.1:${port}` }));
    expect(res.status).toBe(HealthStatus.ERROR);
    expect(res.message).toMatch(/Prometheus at http:\/\/127.0.0.1:\d+ .*not reachable/);
    // The URL is named once, not once per layer.
    expect(res.message.match(/127\.0\.0\.1/g)).toHaveLength(1);
    expect(res.message).not.toMatch(/model store/);
  });

  it('ERROR when the model store cannot be written', async () => {
    const res = await health(pluginContext({ modelStorePath: '/dev/null/vigil/models.db' }));
    expect(res.status).toBe(HealthStatus.ERROR);
    expect(res.message).toMatch(/^model store \/dev\/null\/vigil\/models.db/);
  });

  it('ERROR for settings that cannot work (bad URL)', async () => {
    const res = await health(pluginContext({ prometheusUrl: 'ftp://x' }));
    expect(res.status).toBe(HealthStatus.ERROR);
    expect(res.message).toMatch(/only http and https/);
  });
});

describe('CollectMetrics', () => {
  const collect = async () => {
    const res = await handlers.collectMetrics({ pluginContext: pluginContext() }, ctx);
    return parseExposition(Buffer.from(res.prometheus).toString('utf8'));
  };
  const value = (f: ReturnType<typeof parseExposition>, name: string, labels: Record<string, string>) =>
    sampleValue(f, name, labels) ?? 0;

  it('QueryData moves the score, training, query and error metrics; the store gauges follow', async () => {
    const before = await collect();
    const res = await run([
      query('A', anomaly('vigil_load + 0')), // new expression: two trainings, two saved versions
      query('B', anomaly('sum(vigil_load')), // Prometheus rejects it
      query('C', { expr: 'up', model: 'magic' }), // invalid model
    ]);
    expect(res.A.status).toBe(200);
    expect(res.B.status).toBe(400);
    expect(res.C.status).toBe(400);
    const after = await collect();
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);

    // 2 series x 721 points in the requested range, all scored; the spike on b is anomalous.
    const scored = delta('vigil_scored_points_total', { kind: 'seasonal' });
    expect(scored).toBeGreaterThan(1400);
    expect(scored).toBeLessThanOrEqual(2 * 721);
    expect(delta('vigil_score_count', { kind: 'seasonal' })).toBe(scored);
    expect(delta('vigil_score_bucket', { kind: 'seasonal', le: '+Inf' })).toBe(scored);
    const anomalous = delta('vigil_anomalous_points_total', { kind: 'seasonal' });
    expect(anomalous).toBeGreaterThanOrEqual(1);
    expect(anomalous).toBeLessThan(scored / 10);
    expect(anomalous).toBe(scored - delta('vigil_score_bucket', { kind: 'seasonal', le: '1' }));

    expect(delta('vigil_trainings_total', { kind: 'seasonal', result: 'saved' })).toBe(2);
    expect(delta('vigil_model_versions_total', { kind: 'seasonal' })).toBe(2);
    expect(delta('vigil_training_duration_seconds_count', { kind: 'seasonal' })).toBe(2);
    expect(delta('vigil_query_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(delta('vigil_query_duration_seconds_count', { outcome: 'error' })).toBe(2);
    expect(delta('vigil_errors_total', { kind: 'prometheus' })).toBe(1);
    expect(delta('vigil_errors_total', { kind: 'validation' })).toBe(1);
    expect(delta('vigil_errors_total', { kind: 'internal' })).toBe(0);

    // The store gauges come from the store's listing: the two new models are in it, with a young age.
    const store = SqliteModelStore.open(path.join(dir, 'models.db'));
    let listed: Awaited<ReturnType<typeof store.list>>;
    try {
      listed = await store.list({ limit: 10_000 });
    } finally {
      await store.close();
    }
    const models = [...after.get('vigil_models')!.samples].reduce((n, s) => n + s.value, 0);
    expect(models).toBe(listed.total);
    expect(models - [...before.get('vigil_models')!.samples].reduce((n, s) => n + s.value, 0)).toBe(2);
    const versions = [...after.get('vigil_model_versions')!.samples].reduce((n, s) => n + s.value, 0);
    expect(versions).toBe(listed.items.reduce((n, i) => n + i.versionCount, 0));
    const ages = after.get('vigil_model_age_seconds')!.samples.filter((s) => s.name.endsWith('_count'));
    expect(ages.reduce((n, s) => n + s.value, 0)).toBe(models);
    const young = after
      .get('vigil_model_age_seconds')!
      .samples.filter((s) => s.name.endsWith('_bucket') && s.labels.le === '60');
    expect(young.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(2);

    // The process and request metrics are still there.
    expect(value(after, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
  });

  it('an alert evaluation counts its scores and no training', async () => {
    const before = await collect();
    const res = (await run([query('A', anomaly('vigil_load'))], { FromAlert: 'true' })).A;
    expect(res.status).toBe(200);
    const after = await collect();
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('vigil_scored_points_total', { kind: 'seasonal' })).toBeGreaterThan(1400);
    expect(delta('vigil_trainings_total', { kind: 'seasonal', result: 'saved' })).toBe(0);
  });
});

test('no secret reaches the logs (a failed query with a bearer token was logged)', () => {
  expect(logs.join('\n')).toMatch(/query failed/);
  expect(logs.join('\n')).not.toMatch(/s3cret/);
});
