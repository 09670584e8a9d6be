import { existsSync } from 'node:fs';
import * as path from 'node:path';

import { resolveOptions } from '../../model';
import { PrometheusError } from '../../prometheus/decode';
import { SqliteModelStore, StoreError, type ModelStore } from '../../store';
import { tempDir, testSeries, trainTestModel } from '../../store/testing';
import { parseExposition, sampleValue } from '../exposition';
import { MetricsRegistry } from '../metrics';
import type { PluginContext } from '../protocol/messages';
import { trainAndSave } from '../../service/seriesModels';
import { InstanceCache, SettingsError } from './settings';
import { ResponseLimitError } from './responseBudget';
import { errorKind, VigilMetrics } from './telemetry';

const NOW = Date.UTC(2026, 0, 10);

function setup(stores: () => readonly ModelStore[]) {
  const registry = new MetricsRegistry();
  const metrics = new VigilMetrics(registry);
  metrics.watchStores(registry, stores, () => NOW);
  return { registry, metrics, read: async () => parseExposition(await registry.collect()) };
}

describe('store gauges', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('vigil-telemetry-')));
  afterEach(() => t.cleanup());

  it('count models, versions and ages by detector kind, recomputed at each collection', async () => {
    const a = SqliteModelStore.open(path.join(t.dir, 'a.db'));
    const b = SqliteModelStore.open(path.join(t.dir, 'b.db'));
    try {
      const z = trainTestModel('zscore');
      await a.saveVersion('ds/a/1', z, { createdAtMs: NOW - 3_600_000 });
      await a.saveVersion('ds/a/1', z, { createdAtMs: NOW - 30_000 }); // two versions, age 30 s
      await a.saveVersion('ds/a/2', z, { createdAtMs: NOW - 2 * 86_400_000 });
      await b.saveVersion('ds/b/1', trainTestModel('seasonal'), { createdAtMs: NOW - 600_000 });
      const { read } = setup(() => [a, b]);
      let f = await read();
      expect(sampleValue(f, 'vigil_models', { kind: 'zscore' })).toBe(2);
      expect(sampleValue(f, 'vigil_models', { kind: 'seasonal' })).toBe(1);
      expect(sampleValue(f, 'vigil_model_versions', { kind: 'zscore' })).toBe(3);
      const age = (le: string) => sampleValue(f, 'vigil_model_age_seconds_bucket', { kind: 'zscore', le });
      expect([age('60'), age('3600'), age('86400'), age('604800'), age('+Inf')]).toEqual([1, 1, 1, 2, 2]);
      expect(sampleValue(f, 'vigil_model_age_seconds_sum', { kind: 'zscore' })).toBe(30 + 2 * 86_400);
      expect(sampleValue(f, 'vigil_model_age_seconds_count', { kind: 'seasonal' })).toBe(1);

      // A deleted key is gone from the next collection; a kind with no models any more disappears.
      await b.deleteKey('ds/b/1');
      f = await read();
      expect(sampleValue(f, 'vigil_models', { kind: 'seasonal' })).toBeUndefined();
      expect(sampleValue(f, 'vigil_model_age_seconds_count', { kind: 'seasonal' })).toBeUndefined();
      expect(sampleValue(f, 'vigil_models', { kind: 'zscore' })).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('pages through more keys than one listing returns', async () => {
    const store = SqliteModelStore.open(':memory:');
    try {
      const z = trainTestModel('zscore');
      for (let i = 0; i < 10_050; i++) {
        await store.saveVersion(`k/${i}`, z, { createdAtMs: NOW });
      }
      const f = await setup(() => [store]).read();
      expect(sampleValue(f, 'vigil_models', { kind: 'zscore' })).toBe(10_050);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a failing store counts a store error; the others still count', async () => {
    const good = SqliteModelStore.open(':memory:');
    const closed = SqliteModelStore.open(':memory:');
    await closed.close();
    try {
      await good.saveVersion('k', trainTestModel('zscore'));
      const f = await setup(() => [closed, good]).read();
      expect(sampleValue(f, 'vigil_errors_total', { kind: 'store' })).toBe(1);
      expect(sampleValue(f, 'vigil_models', { kind: 'zscore' })).toBe(1);
    } finally {
      await good.close();
    }
  });

  it('collecting never opens a store that no request opened', async () => {
    const file = path.join(t.dir, 'never', 'models.db');
    const cache = new InstanceCache();
    const pc = {
      dataSourceInstanceSettings: {
        uid: 'ds',
        id: 1,
        name: 'Vigil',
        url: '',
        basicAuthEnabled: false,
        basicAuthUser: '',
        jsonData: Buffer.from(JSON.stringify({ prometheusUrl: 'http://127.0.0.1:1', modelStorePath: file })),
        decryptedSecureJsonData: {},
        lastUpdatedMS: 1,
      },
    } as unknown as PluginContext;
    const instance = cache.get(pc);
    const { read } = setup(() => cache.openStores());
    let f = await read();
    expect(f.get('vigil_models')?.samples).toEqual([]);
    expect(existsSync(file)).toBe(false);
    await instance.store().saveVersion('ds/x', trainTestModel('zscore'));
    f = await read();
    expect(sampleValue(f, 'vigil_models', { kind: 'zscore' })).toBe(1);
    await cache.close();
    f = await read();
    expect(f.get('vigil_models')?.samples).toEqual([]);
  });
});

describe('trainings', () => {
  it('trainAndSave reports saved, no_data and error trainings with their durations', async () => {
    const { registry, metrics } = setup(() => []);
    const store = SqliteModelStore.open(':memory:');
    const key = {
      datasourceUid: 'ds',
      expr: 'up',
      kind: 'zscore' as const,
      options: resolveOptions(),
      stepMs: 60_000,
      labels: {},
    };
    const s = testSeries(500);
    await trainAndSave(store, key, s, 0, metrics);
    await trainAndSave(store, key, { t: s.t.subarray(0, 3), v: s.v.subarray(0, 3) }, 0, metrics);
    await store.close();
    await expect(trainAndSave(store, key, s, 0, metrics)).rejects.toThrow();
    const f = parseExposition(registry.render());
    expect(sampleValue(f, 'vigil_trainings_total', { kind: 'zscore', result: 'saved' })).toBe(1);
    expect(sampleValue(f, 'vigil_trainings_total', { kind: 'zscore', result: 'no_data' })).toBe(1);
    expect(sampleValue(f, 'vigil_trainings_total', { kind: 'zscore', result: 'error' })).toBe(1);
    expect(sampleValue(f, 'vigil_model_versions_total', { kind: 'zscore' })).toBe(1);
    expect(sampleValue(f, 'vigil_training_duration_seconds_count', { kind: 'zscore' })).toBe(3);
    expect(sampleValue(f, 'vigil_training_duration_seconds_sum', { kind: 'zscore' })).toBeGreaterThan(0);
  });
});

test('errorKind', () => {
  expect(errorKind(new PrometheusError('x', 'bad_data', { source: 'downstream' }))).toBe('prometheus');
  expect(errorKind(new StoreError('storage', 'disk full'))).toBe('store');
  expect(errorKind(new ResponseLimitError('answer too large'))).toBe('validation');
  expect(errorKind(new SettingsError('the model store at /x cannot be opened: EACCES'))).toBe('store');
  expect(errorKind(new SettingsError('no Prometheus URL'))).toBe('settings');
  expect(errorKind(new TypeError('oops'))).toBe('internal');
  expect(errorKind('a string')).toBe('internal');
});
