import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';

import { createHandlers } from '../../src/backend/handlers';
import type { CallContext } from '../../src/backend/handlers/types';
import { createLogger } from '../../src/backend/log';
import { parseExposition, sampleValue } from '../../src/backend/exposition';
import { MetricsRegistry } from '../../src/backend/metrics';
import { main } from '../../src/cli/main';
import { parseExporterConfig } from '../../src/cli/serve/config';
import { Exporter } from '../../src/cli/serve/exporter';
import { PrometheusClient } from '../../src/prometheus/client';
import { SqliteModelStore } from '../../src/store';
import { testPluginContext } from '../backend/pluginContext';
import { fixtureFamilies, SPIKE_AT } from '../prometheus/fixture';
import { RunningPrometheus, startPrometheus } from '../prometheus/server';

// `vigil serve` against a real Prometheus (promtool-backfilled fixture) and a real SQLite store:
// the exporter scores the latest step of each series, trains and stores models once, and gives
// the same score as a Vigil panel query (QueryData) for the same point.

jest.setTimeout(120_000);

let prom: RunningPrometheus;
let dir: string;

beforeAll(async () => {
  prom = await startPrometheus({ families: fixtureFamilies(), scrapeIntervalS: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-serve-'));
});

afterAll(async () => {
  await prom?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const QUERY = {
  expr: 'vigil_load',
  model: 'seasonal',
  step: '1m',
  options: { trainingWindow: '2d', seasonality: 'daily' },
};

function config(storePath: string) {
  return parseExporterConfig(
    JSON.stringify({ prometheus: { url: prom.url }, store: storePath, queries: [{ name: 'load', ...QUERY }] })
  );
}

describe('vigil serve', () => {
  it('scores the latest step of every series, trains once, and agrees with a panel query to the digit', async () => {
    const storePath = path.join(dir, 'serve.db');
    const store = SqliteModelStore.open(storePath);
    const logs: string[] = [];
    // The spike of instance "b", as if it were happening now.
    const exporter = new Exporter(config(storePath), {
      prometheus: new PrometheusClient({ url: prom.url }),
      store,
      now: () => SPIKE_AT + 20_000,
      log: (line) => logs.push(line),
    });
    expect(await exporter.evaluate()).toBe(true);
    const first = parseExposition(exporter.render());
    expect(logs).toContain('load: trained and stored 2 model(s)');
    expect(sampleValue(first, 'vigil_serve_series', { vigil_query: 'load' })).toBe(2);
    expect(sampleValue(first, 'vigil_serve_models_trained_total', { vigil_query: 'load' })).toBe(2);
    const labels = (instance: string) => ({
      instance,
      job: 'vigil',
      vigil_metric: 'vigil_load',
      vigil_query: 'load',
      vigil_model: 'seasonal',
    });
    const scoreA = sampleValue(first, 'vigil_score', labels('a'))!;
    const scoreB = sampleValue(first, 'vigil_score', labels('b'))!;
    expect(scoreA).toBeLessThan(1);
    expect(scoreB).toBeGreaterThan(5);
    expect(sampleValue(first, 'vigil_upper', labels('b'))).toBeLessThan(
      sampleValue(first, 'vigil_value', labels('b'))!
    );

    // Again: the stored models score, nothing is trained, the same numbers come out.
    expect(await exporter.evaluate()).toBe(true);
    const second = parseExposition(exporter.render());
    expect(sampleValue(second, 'vigil_serve_models_trained_total', { vigil_query: 'load' })).toBe(2);
    expect(sampleValue(second, 'vigil_score', labels('b'))).toBe(scoreB);
    await store.close();

    // A panel query of the same PromQL and model over the same minute, through the backend's QueryData.
    const handlers = createHandlers({ registry: new MetricsRegistry(), version: 'test', retrain: false });
    const ctx: CallContext = { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }) };
    try {
      const res = await handlers.queryData(
        {
          pluginContext: testPluginContext({
            uid: 'ds-serve',
            jsonData: { prometheusUrl: prom.url, modelStorePath: path.join(dir, 'panel.db') },
          }),
          headers: {},
          queries: [
            {
              refId: 'A',
              maxDataPoints: 1000,
              intervalMS: 60_000,
              timeRange: { fromEpochMS: SPIKE_AT, toEpochMS: SPIKE_AT },
              json: Buffer.from(JSON.stringify({ refId: 'A', ...QUERY, outputs: ['score'] })),
              queryType: '',
            },
          ],
          format: 0,
        },
        ctx
      );
      const byInstance = new Map(
        res.responses.A.frames!.map((b) => {
          const field = tableFromIPC(b).schema.fields[1];
          const t = tableFromIPC(b);
          return [JSON.parse(field.metadata.get('labels')!).instance as string, t.getChild('score')!.get(0) as number];
        })
      );
      expect(byInstance.get('a')).toBe(scoreA);
      expect(byInstance.get('b')).toBe(scoreB);
    } finally {
      await handlers.close();
    }
  });

  it('a failing query keeps no stale scores, counts the error and says why', async () => {
    const file = path.join(dir, 'bad.json');
    const c = parseExporterConfig(
      JSON.stringify({
        prometheus: { url: prom.url },
        queries: [{ name: 'broken', expr: 'sum(vigil_load', model: 'zscore', step: '1m' }],
      })
    );
    const logs: string[] = [];
    const store = SqliteModelStore.open(path.join(dir, 'bad.db'));
    const exporter = new Exporter(c, {
      prometheus: new PrometheusClient({ url: prom.url }),
      store,
      log: (l) => logs.push(l),
    });
    expect(await exporter.evaluate()).toBe(false);
    const m = parseExposition(exporter.render());
    expect(sampleValue(m, 'vigil_serve_evaluation_errors_total', { vigil_query: 'broken' })).toBe(1);
    expect(sampleValue(m, 'vigil_serve_series', { vigil_query: 'broken' })).toBe(0);
    expect(sampleValue(m, 'vigil_serve_last_success_timestamp_seconds', { vigil_query: 'broken' })).toBeUndefined();
    expect(logs.join('\n')).toMatch(/broken: Prometheus rejected the query: .*parse error/);
    await store.close();

    // The command refuses a configuration with problems before starting, saying what they are.
    writeFileSync(file, JSON.stringify({ prometheus: { url: 'nope' }, queries: [] }));
    const err: string[] = [];
    expect(
      main(
        ['serve', '--config', file],
        () => undefined,
        (s) => err.push(s)
      )
    ).toBe(2);
    expect(err.join('\n')).toMatch(/prometheus\.url: a URL such as/);
    expect(
      main(
        ['serve', '--config', path.join(dir, 'missing.json')],
        () => undefined,
        (s) => err.push(s)
      )
    ).toBe(1);
    expect(err.join('\n')).toMatch(/cannot read .*missing\.json/);
  });
});
