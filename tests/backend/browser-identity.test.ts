import { tableFromIPC } from 'apache-arrow';
import * as path from 'node:path';

import type { CallResourceResponse, PluginContext } from '../../src/backend/protocol/messages';
import { computeJob, type Compute } from '../../src/datasource/execution/job';
import { proxyFetch, type SendResource } from '../../src/datasource/execution/proxyFetch';
import { runInBrowser, type BrowserResult } from '../../src/datasource/execution/run';
import { PrometheusClient } from '../../src/prometheus/client';
import { seriesName } from '../../src/prometheus/decode';
import { validateQuery, type ValidQuery } from '../../src/query/validate';
import { QUERY_FROM, QUERY_TO } from '../prometheus/fixture';
import { useLiveBackend } from './liveBackend';
import { testPluginContext } from './pluginContext';

// Browser execution against the backend, on the same real Prometheus (promtool-backfilled): the
// browser path fetches through the backend's /prometheus/query_range proxy with the browser's
// PrometheusClient, hands the series across a structured clone (what postMessage does) to the
// worker's computeJob, and must give the same bits as QueryData training a fresh model.

jest.setTimeout(180_000);

const live = useLiveBackend('identity');

const pluginContext = (): PluginContext =>
  testPluginContext({
    uid: 'ds-identity',
    jsonData: { prometheusUrl: live.prom.url, modelStorePath: path.join(live.dir, 'models.db') },
  });

/** The resource proxy as the browser reaches it through Grafana: CallResource on the real live.handlers. */
const sendResource: SendResource = async (call) => {
  const messages: CallResourceResponse[] = [];
  await live.handlers.callResource(
    {
      pluginContext: pluginContext(),
      path: call.path,
      method: call.method,
      url: `/${call.path}${call.query ? `?${call.query}` : ''}`,
      headers: {},
      body: Buffer.from(call.body ?? '', 'utf8'),
    },
    { send: async (m) => void messages.push(m), started: false },
    live.ctx
  );
  return { status: messages[0].code ?? 0, data: JSON.parse(Buffer.from(messages[0].body ?? '').toString('utf8')) };
};

/** The worker boundary: the job and the results cross a structured clone, as with postMessage. */
const clonedCompute: Compute = async (job) => structuredClone(computeJob(structuredClone(job)));

const REQUEST = { fromMs: QUERY_FROM, toMs: QUERY_TO, maxDataPoints: 1000, intervalMs: 60_000 };
const OUTPUTS = ['expected', 'lower', 'upper', 'score'] as const;

async function backendFrames(q: Record<string, unknown>): Promise<Map<string, Map<string, Float64Array>>> {
  const res = await live.handlers.queryData(
    {
      pluginContext: pluginContext(),
      headers: {},
      format: 0,
      queries: [
        {
          refId: 'A',
          maxDataPoints: REQUEST.maxDataPoints,
          intervalMS: REQUEST.intervalMs,
          timeRange: { fromEpochMS: REQUEST.fromMs, toEpochMS: REQUEST.toMs },
          json: Buffer.from(JSON.stringify(q)),
          queryType: '',
        },
      ],
    },
    live.ctx
  );
  const r = res.responses.A;
  expect(r.error).toBeUndefined();
  const out = new Map<string, Map<string, Float64Array>>();
  for (const bytes of r.frames ?? []) {
    const table = tableFromIPC(bytes);
    const field = table.schema.fields[1];
    const labels = JSON.parse(field.metadata.get('labels') ?? '{}') as Record<string, string>;
    const col = table.getChildAt(1)!;
    const values = Float64Array.from({ length: col.length }, (_, k) => {
      const x = col.get(k);
      return x === null ? NaN : Number(x);
    });
    const byField = out.get(seriesName(labels)) ?? new Map<string, Float64Array>();
    byField.set(field.name, values);
    out.set(seriesName(labels), byField);
  }
  return out;
}

/** Bits, so -0 and 0 or two NaNs are compared exactly as stored. */
const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

async function browserRun(v: ValidQuery): Promise<BrowserResult> {
  const client = new PrometheusClient({ url: 'http://grafana.invalid/resources', fetch: proxyFetch(sendResource) });
  return runInBrowser(client, v, REQUEST, clonedCompute);
}

describe('browser execution gives the backend bits', () => {
  it.each([
    ['seasonal', { trainingWindow: '2d', seasonality: 'daily' }],
    ['auto', { trainingWindow: '2d' }],
    ['zscore', { trainingWindow: '1d', sensitivity: 0.8 }],
    ['iforest', { trainingWindow: '1d', direction: 'above' }],
    ['ets', { trainingWindow: '2d', minAbsDeviation: 0.5 }],
  ])('%s: expected, lower, upper and score per series', async (model, options) => {
    const q = { refId: 'A', expr: 'vigil_load', model, outputs: ['value', 'expected', 'band', 'score'], options };
    const v = validateQuery(q);
    if (!v.ok) {
      throw new Error(JSON.stringify(v.errors));
    }
    const [backend, browser] = [await backendFrames(q), await browserRun(v)];
    expect(browser.scored.length).toBe(2);
    expect([...backend.keys()].sort()).toEqual(browser.scored.map((s) => seriesName(s.labels)).sort());
    let finiteScores = 0;
    for (const s of browser.scored) {
      const fromBackend = backend.get(seriesName(s.labels))!;
      expect(bits(s.series.v.subarray(s.from))).toBe(bits(fromBackend.get('value')!));
      for (const o of OUTPUTS) {
        expect(bits(s.out[o].subarray(s.from))).toBe(bits(fromBackend.get(o)!));
      }
      finiteScores += s.out.score.subarray(s.from).filter(Number.isFinite).length;
    }
    // Something was scored: two series over 12 h at 1 m.
    expect(finiteScores).toBeGreaterThan(1000);
  });
});
