import { tableFromIPC } from 'apache-arrow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { parseExposition, sampleValue } from '../../src/backend/exposition';
import { createHandlers, type Handlers } from '../../src/backend/handlers';
import { ALERTS_FRAME_NAME } from '../../src/backend/handlers/backtestQuery';
import { keyFor, keyParts } from '../../src/service/seriesModels';
import { RetrainScheduler } from '../../src/backend/handlers/retrain';
import type { CallContext } from '../../src/backend/handlers/types';
import { createLogger } from '../../src/backend/log';
import { MetricsRegistry } from '../../src/backend/metrics';
import type { CallResourceResponse, DataQuery, PluginContext } from '../../src/backend/protocol/messages';
import { resolveOptions } from '../../src/model';
import type { BacktestAnswer, Job, JobAnswer, JobListAnswer, ModelAnswer } from '../../src/query/api';
import { seriesKey, SqliteModelStore } from '../../src/store';
import { trainTestModel } from '../../src/store/testing';
import { DAY_MS, fixtureFamilies, QUERY_FROM, QUERY_TO, SPIKE_AT } from '../prometheus/fixture';
import { startPrometheus, type RunningPrometheus } from '../prometheus/server';
import { testPluginContext } from './pluginContext';

// Trainings as background jobs (POST /models/<key>/train, GET /jobs), the backtest route and
// backtest queries, and scheduled retraining, through the real handlers against a real Prometheus
// (promtool-backfilled fixture) and a real SQLite store. The fixture lies in 2024, so the handlers'
// data clock is pinned to the end of the fixture's query range; model ages use the real clock.

jest.setTimeout(120_000);

let prom: RunningPrometheus;
let dir: string;
let handlers: Handlers;
const registry = new MetricsRegistry();
const logs: string[] = [];
const ctx: CallContext = { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }) };
const UID = 'ds-train';

beforeAll(async () => {
  prom = await startPrometheus({ families: fixtureFamilies(), scrapeIntervalS: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-training-'));
  handlers = createHandlers({
    registry,
    version: 'test',
    retrain: false,
    dataNow: () => QUERY_TO,
    logger: createLogger({ write: (line) => void logs.push(line) }),
  });
});

afterAll(async () => {
  await handlers?.close();
  await prom?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

function pluginContext(role = 'Editor', jsonData: Record<string, unknown> = {}): PluginContext {
  return testPluginContext({
    uid: UID,
    role,
    jsonData: { prometheusUrl: prom.url, modelStorePath: path.join(dir, 'models.db'), ...jsonData },
  });
}

async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  body: unknown = undefined,
  role = 'Editor'
): Promise<{ code: number; json: T & { error?: string } }> {
  const messages: CallResourceResponse[] = [];
  await handlers.callResource(
    {
      pluginContext: pluginContext(role),
      path: url.split('?')[0],
      method,
      url: '/' + url,
      headers: {},
      body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
    },
    {
      send: async (m) => void messages.push(m),
      get started() {
        return messages.length > 0;
      },
    },
    ctx
  );
  return { code: messages[0].code ?? 0, json: JSON.parse(Buffer.from(messages[0].body ?? '').toString('utf8')) };
}

const anomaly = {
  expr: 'vigil_load',
  model: 'seasonal',
  outputs: ['score'],
  options: { trainingWindow: '2d', seasonality: 'daily' },
};

function dataQuery(refId: string, model: Record<string, unknown>): DataQuery {
  return {
    refId,
    maxDataPoints: 1000,
    intervalMS: 60_000,
    timeRange: { fromEpochMS: QUERY_FROM, toEpochMS: QUERY_TO },
    json: Buffer.from(JSON.stringify({ refId, ...model })),
    queryType: '',
  };
}

async function queryData(model: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await handlers.queryData(
    { pluginContext: pluginContext(), headers, queries: [dataQuery('A', model)], format: 0 },
    ctx
  );
  return res.responses.A;
}

/** The key a panel query of `anomaly` stores for one instance (step 60 s). */
function panelKey(instance: string): string {
  const { trainingWindow: _, ...rest } = anomaly.options;
  return keyFor({
    datasourceUid: UID,
    expr: anomaly.expr,
    kind: 'seasonal',
    options: resolveOptions({ ...rest, trainingWindowMs: 2 * DAY_MS } as never),
    stepMs: 60_000,
    labels: { __name__: 'vigil_load', instance, job: 'vigil' },
  });
}

async function finished(id: string): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const r = await call<JobAnswer>('GET', `jobs/${id}`, undefined, 'Viewer');
    expect(r.code).toBe(200);
    if (r.json.job.state === 'done' || r.json.job.state === 'failed') {
      return r.json.job;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

const enc = encodeURIComponent;

describe('training jobs', () => {
  beforeAll(async () => {
    // A panel query trains and stores both series' models, with the query they came from.
    const r = await queryData(anomaly);
    expect(r.status).toBe(200);
  });

  it('POST /models/<key>/train: 202 with a job that fetches, fits and saves a new version', async () => {
    const key = panelKey('a');
    const before = await call<ModelAnswer>('GET', `models/${enc(key)}`, undefined, 'Viewer');
    expect(before.code).toBe(200);
    expect(before.json.latestVersion).toBe(1);

    // Too short for a daily seasonal model: said in the failed job, nothing saved.
    const short = await call<JobAnswer>('POST', `models/${enc(key)}/train`, { trainingWindow: '36h' });
    const failed = await finished(short.json.job.id);
    expect(failed).toMatchObject({ state: 'failed', stage: 'failed' });
    expect(failed.error).toMatch(/no version saved: warming up: seasonal needs 2880 points, has 2160/);

    const r = await call<JobAnswer>('POST', `models/${enc(key)}/train`, { trainingWindow: '50h' });
    expect(r.code).toBe(202);
    expect(r.json.job).toMatchObject({ kind: 'train', key, trigger: 'request' });
    expect(['queued', 'running']).toContain(r.json.job.state);

    const job = await finished(r.json.job.id);
    expect(job.error).toBeUndefined();
    expect(job).toMatchObject({ state: 'done', progress: 1, version: 2, stage: 'saved version 2' });
    expect(job.finishedAtMs).toBeGreaterThanOrEqual(job.createdAtMs);

    const after = await call<ModelAnswer>('GET', `models/${enc(key)}`, undefined, 'Viewer');
    expect(after.json).toMatchObject({ latestVersion: 2, activeVersion: 2 });
    const v2 = after.json.history[0];
    // 50 h of one-minute points ending at the data clock, on the key's own step.
    expect(v2.training.toMs).toBe(QUERY_TO);
    expect(v2.training.fromMs).toBe(QUERY_TO - 50 * 3_600_000 + 60_000);
    expect(v2.training.points).toBe(50 * 60);
    expect(v2.training.stepMs).toBe(60_000);
    expect(v2.fingerprint).not.toBe(after.json.history[1].fingerprint);

    const list = await call<JobListAnswer>('GET', 'jobs', undefined, 'Viewer');
    expect(list.json.items.map((j) => j.id).slice(0, 2)).toEqual([job.id, failed.id]);
  });

  it('untilMs picks the end of the training data; a second POST while it runs returns the same job', async () => {
    const key = panelKey('b');
    const until = SPIKE_AT - 3_600_000;
    const first = await call<JobAnswer>('POST', `models/${enc(key)}/train`, { untilMs: until });
    const second = await call<JobAnswer>('POST', `models/${enc(key)}/train`, {});
    expect(second.code).toBe(202);
    expect(second.json).toMatchObject({ alreadyRunning: true, job: { id: first.json.job.id } });
    const job = await finished(first.json.job.id);
    expect(job.state).toBe('done');
    const m = await call<ModelAnswer>('GET', `models/${enc(key)}`);
    expect(m.json.history[0].training.toMs).toBe(until);
  });

  it('Viewer gets 403; bad bodies 400; unknown key 404; wrong method 405', async () => {
    const u = `models/${enc(panelKey('a'))}/train`;
    const viewer = await call('POST', u, {}, 'Viewer');
    expect(viewer.code).toBe(403);
    expect(viewer.json.error).toMatch(/train needs the Editor or Admin role/);
    expect((await call('POST', u, { trainingWindow: 'long' })).json.error).toMatch(
      /"trainingWindow" must be a duration/
    );
    expect((await call('POST', u, { trainingWindow: '0s' })).code).toBe(400);
    expect((await call('POST', u, { untilMs: 'now' })).code).toBe(400);
    expect((await call('POST', u, '{')).code).toBe(400);
    expect((await call('GET', u)).code).toBe(405);
    expect((await call('POST', `models/${enc(`${UID}/x/seasonal/y/{}`)}/train`, {})).code).toBe(404);
    expect((await call('GET', 'jobs/nope')).code).toBe(404);
    expect((await call('POST', 'jobs')).code).toBe(405);
  });

  it('a key stored without its query: 409; a series gone from Prometheus: a failed job saying so', async () => {
    const store = SqliteModelStore.open(path.join(dir, 'models.db'));
    const bare = seriesKey({ datasourceUid: UID, expr: 'vigil_load', kind: 'zscore', options: {}, labels: {} });
    await store.saveVersion(bare, trainTestModel('zscore', 1));
    const goneInput = {
      datasourceUid: UID,
      expr: 'vigil_load',
      kind: 'zscore' as const,
      options: resolveOptions({ trainingWindowMs: DAY_MS }),
      stepMs: 60_000,
      labels: { __name__: 'vigil_load', instance: 'gone', job: 'vigil' },
    };
    const gone = keyFor(goneInput);
    await store.saveVersion(gone, trainTestModel('zscore', 2), { parts: keyParts(goneInput) });
    await store.close();

    const r = await call('POST', `models/${enc(bare)}/train`, {});
    expect(r.code).toBe(409);
    expect(r.json.error).toMatch(/stored without its query/);

    const g = await call<JobAnswer>('POST', `models/${enc(gone)}/train`, {});
    expect(g.code).toBe(202);
    const job = await finished(g.json.job.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/the series \{__name__="vigil_load",instance="gone",job="vigil"\} is not in the result/);
    expect(job.version).toBeUndefined();
    expect((await call<ModelAnswer>('GET', `models/${enc(gone)}`)).json.latestVersion).toBe(1);
  });
});

describe('scheduled retraining', () => {
  it('retrains keys older than retrainEvery, keeps pins, counts in the training metrics', async () => {
    const key = panelKey('a');
    const pinned = await call<ModelAnswer>('POST', `models/${enc(key)}/pin`, { version: 1 });
    expect(pinned.json.pinnedVersion).toBe(1);
    const before = await call<ModelAnswer>('GET', `models/${enc(key)}`);
    const saved = async () =>
      sampleValue(parseExposition(await registry.collect()), 'vigil_trainings_total', {
        kind: 'seasonal',
        result: 'saved',
      }) ?? 0;
    const savedBefore = await saved();

    // Two days on, every key of this data source is older than the default 6h.
    const later = Date.now() + 2 * DAY_MS;
    const scheduler = new RetrainScheduler(() => handlers.instances(), handlers.training, {
      now: () => later,
      random: () => 0,
      tickMs: 1000,
    });
    const instance = handlers.instances().find((i) => i.uid === UID)!;
    const fetches = jest.spyOn(instance.prometheus, 'queryRange');
    const report = await scheduler.sweep(instance);
    // a, b and "gone" have their query; the bare key has not.
    expect(report).toEqual({ due: 4, saved: 2, failed: 1, skipped: 1 });
    // a and b are two series of one panel query: one fetch serves both; "gone" has its own window.
    expect(fetches.mock.calls.map(([expr, from, to]) => [expr, (to - from) / DAY_MS])).toEqual(
      expect.arrayContaining([
        ['vigil_load', 2 - 1 / 1440],
        ['vigil_load', 1 - 1 / 1440],
      ])
    );
    expect(fetches).toHaveBeenCalledTimes(2);
    fetches.mockRestore();

    const after = await call<ModelAnswer>('GET', `models/${enc(key)}`);
    expect(after.json.latestVersion).toBe(before.json.latestVersion + 1);
    expect(after.json).toMatchObject({ pinnedVersion: 1, activeVersion: 1 });
    const jobs = (await call<JobListAnswer>('GET', 'jobs')).json.items;
    expect(jobs.filter((j) => j.trigger === 'schedule')).toHaveLength(3);

    // Nothing is older than 6h at the real clock: a sweep now retrains nothing.
    const fresh = new RetrainScheduler(() => handlers.instances(), handlers.training);
    expect((await fresh.sweep(instance)).due).toBe(0);
    await scheduler.stop();
    await fresh.stop();
    expect(await saved()).toBe(savedBefore + 2);
  });

  it('ticks: first sight schedules a jittered sweep, a due one runs, "off" and bad settings do not', async () => {
    let now = Date.now() + 10 * DAY_MS;
    const scheduler = new RetrainScheduler(() => handlers.instances(), handlers.training, {
      now: () => now,
      random: () => 0.5,
      tickMs: 1000,
      logger: createLogger({ write: (l) => void logs.push(l) }),
    });
    const instance = handlers.instances().find((i) => i.uid === UID)!;
    const latest = async () => (await call<ModelAnswer>('GET', `models/${enc(panelKey('b'))}`)).json.latestVersion;
    const v0 = await latest();
    scheduler.tick(); // first sight: sweep in 0.5 × 5 min
    now += 60_000;
    scheduler.tick();
    expect(await latest()).toBe(v0);
    now += 5 * 60_000;
    scheduler.tick();
    await scheduler.idle();
    await scheduler.stop();
    expect(await latest()).toBe(v0 + 1);
    expect(logs.some((l) => /scheduled retraining/.test(l) && l.includes(UID))).toBe(true);

    for (const retrainEvery of ['off', 'daily']) {
      const configured = { ...instance, jsonData: { ...instance.jsonData, retrainEvery } };
      const off = new RetrainScheduler(() => [configured], handlers.training, {
        now: () => now,
        random: () => 0,
        logger: createLogger({ write: (l) => void logs.push(l) }),
      });
      off.tick();
      off.tick();
      expect(await off.sweep(configured)).toEqual({ due: 0, saved: 0, failed: 0, skipped: 0 });
      await off.stop();
    }
    expect(logs.some((l) => l.includes('bad setting') && l.includes('invalid duration \\"daily\\"'))).toBe(true);
  });
});

describe('backtest', () => {
  const btQuery = {
    expr: 'vigil_load',
    model: 'seasonal',
    options: { trainingWindow: '2d', seasonality: 'daily' },
    thresholds: [
      { severity: 'warning', score: 1 },
      { severity: 'critical', score: 3 },
    ],
    for: '0s',
    refitEvery: '6h',
    step: '1m',
  };

  it('POST /backtest replays each series causally and counts the alerts each threshold fires', async () => {
    const r = await call<BacktestAnswer>(
      'POST',
      'backtest',
      { query: btQuery, fromMs: QUERY_FROM, toMs: QUERY_TO, smoothing: '0s' },
      'Viewer'
    );
    expect(r.code).toBe(200);
    const a = r.json;
    expect(a).toMatchObject({ model: 'seasonal', fromMs: QUERY_FROM, toMs: QUERY_TO, stepMs: 60_000 });
    expect(a.series.map((s) => s.labels.instance).sort()).toEqual(['a', 'b']);
    for (const s of a.series) {
      expect(s.t).toHaveLength(721);
      expect(s.t[0]).toBe(QUERY_FROM);
      for (const k of ['value', 'expected', 'lower', 'upper', 'score'] as const) {
        expect(s[k]).toHaveLength(721);
      }
      // Warm at the start of the range: the replay had a training window of history before it.
      expect(s.score[0]).not.toBeNull();
      expect(s.name).toMatch(/^vigil_load\{instance="[ab]", job="vigil"\}$/);
    }
    const b = a.series.find((s) => s.labels.instance === 'b')!;
    const spike = b.t.indexOf(SPIKE_AT);
    expect(b.score[spike]).toBeGreaterThan(3);
    const critical = a.alerts.filter((x) => x.severity === 'critical');
    expect(critical.some((x) => x.series === b.name && x.fromMs === SPIKE_AT)).toBe(true);
    expect(a.summary).toHaveLength(2);
    const crit = a.summary[1];
    expect(crit).toMatchObject({ severity: 'critical', score: 3, forMs: 0 });
    expect(crit.alerts).toBe(critical.length);
    expect(crit.alertsPerWeek).toBeCloseTo(critical.length / (12 / (24 * 7)), 6);
    // Alerts are by time; JSON has no NaN.
    expect(a.alerts.map((x) => x.fromMs)).toEqual([...a.alerts.map((x) => x.fromMs)].sort((x, y) => x - y));

    // Smoothing over 15 minutes dilutes a one-minute spike below the critical line.
    const smooth = await call<BacktestAnswer>('POST', 'backtest', {
      query: btQuery,
      fromMs: QUERY_FROM,
      toMs: QUERY_TO,
      smoothing: '15m',
    });
    const smoothCrit = smooth.json.alerts.filter((x) => x.severity === 'critical' && x.series === b.name);
    expect(smoothCrit.every((x) => x.peakScore < b.score[spike]!)).toBe(true);
  });

  it('refuses what it cannot do with clear 400s: limits, bad query, bad range, wrong method', async () => {
    const post = (body: unknown) => call('POST', 'backtest', body, 'Viewer');
    const long = await post({ query: btQuery, fromMs: QUERY_FROM - 100 * DAY_MS, toMs: QUERY_TO });
    expect(long.code).toBe(400);
    expect(long.json.error).toMatch(/the backtest range is .* the limit is 12w6d/);
    const points = await post({ query: { ...btQuery, step: '1s' }, fromMs: QUERY_FROM, toMs: QUERY_TO });
    expect(points.code).toBe(400);
    expect(points.json.error).toMatch(/points per series .* limit is 20000: use a step of at least/);
    const window = await post({
      query: { ...btQuery, options: { ...btQuery.options, trainingWindow: '1y' } },
      fromMs: QUERY_FROM,
      toMs: QUERY_TO,
    });
    expect(window.json.error).toMatch(/training window 52w1d plus the range/);
    const bad = await post({
      query: { ...btQuery, thresholds: [], model: 'magic' },
      fromMs: QUERY_FROM,
      toMs: QUERY_TO,
    });
    expect(bad.code).toBe(400);
    expect(bad.json.error).toMatch(/query.model: unknown model "magic".*query.thresholds: add at least one/);
    expect((await post({ query: btQuery, fromMs: QUERY_TO, toMs: QUERY_FROM })).json.error).toMatch(
      /"fromMs" .* must be before "toMs"/
    );
    expect((await post({ query: btQuery, fromMs: 'yesterday', toMs: QUERY_TO })).code).toBe(400);
    expect((await post({ fromMs: QUERY_FROM, toMs: QUERY_TO })).json.error).toMatch(/"query" must be/);
    expect((await call('POST', 'backtest', '', 'Viewer')).json.error).toMatch(/needs a JSON body/);
    expect((await call('GET', 'backtest')).code).toBe(405);
    const promql = await post({ query: { ...btQuery, expr: 'sum(' }, fromMs: QUERY_FROM, toMs: QUERY_TO });
    expect(promql.code).toBe(400);
    expect(promql.json.error).toMatch(/parse error/);
  });

  it('QueryData backtest: frames per output and series, plus an annotation frame of the alerts', async () => {
    const r = await queryData({
      ...btQuery,
      queryType: 'backtest',
      outputs: ['value', 'score'],
      smoothing: '0s',
      step: undefined,
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    const tables = (r.frames ?? []).map((b) => tableFromIPC(b));
    const meta = tables.map((t) => JSON.parse(t.schema.metadata.get('meta') ?? '{}'));
    expect(tables).toHaveLength(2 * 2 + 1);
    const series = tables.slice(0, 4);
    expect(meta.slice(0, 4).every((m) => m.type === 'timeseries-multi')).toBe(true);
    expect(series.map((t) => t.schema.fields[1].name).sort()).toEqual(['score', 'score', 'value', 'value']);
    expect(series.every((t) => t.numRows === 721)).toBe(true);
    expect(meta[0].notices[0].text).toMatch(/^backtest: warning \(score > 1\): \d+ alert\(s\)/);

    const alerts = tables[4];
    expect(alerts.schema.metadata.get('name')).toBe(ALERTS_FRAME_NAME);
    expect(meta[4].dataTopic).toBe('annotations');
    expect(alerts.schema.fields.map((f) => f.name)).toEqual([
      'time',
      'timeEnd',
      'severity',
      'series',
      'peakScore',
      'text',
    ]);
    const route = await call<BacktestAnswer>('POST', 'backtest', {
      query: btQuery,
      fromMs: QUERY_FROM,
      toMs: QUERY_TO,
      smoothing: '0s',
    });
    // The same replay as the route: the same alerts.
    expect(alerts.numRows).toBe(route.json.alerts.length);
    const time = alerts.getChild('time')!;
    const times = Array.from({ length: alerts.numRows }, (_, i) => Number(time.get(i)));
    expect(times).toEqual(route.json.alerts.map((a) => a.fromMs));

    // An alert rule on a backtest query gets the score frames only.
    const alert = await queryData({ ...btQuery, queryType: 'backtest' }, { FromAlert: 'true' });
    const alertTables = (alert.frames ?? []).map((b) => tableFromIPC(b));
    expect(alertTables).toHaveLength(2);
    expect(alertTables.every((t) => t.schema.fields[1].name === 'score')).toBe(true);
  });
});
