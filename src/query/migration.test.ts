import { DEFAULT_QUERY, DEFAULT_QUERY_OPTIONS, defaultQuery } from './defaults';
import { migrateQuery } from './migration';
import type { BacktestQuery } from './types';
import { SCHEMA_VERSION } from './types';

/** Every shape migrateQuery must take without throwing. */
const SHAPES: Record<string, unknown> = {
  'v0 prototype, full': {
    refId: 'A',
    expr: 'rate(http_requests_total[5m])',
    model: 'isolation-forest',
    sensitivity: 'high',
    trainingWindowDays: 14,
    direction: 'up',
    minDeviation: 3,
    seasonality: 'daily',
    seed: 7,
    showBand: false,
    showScore: true,
    runInBrowser: true,
    interval: '30s',
    legendFormat: '{{instance}}',
  },
  'v0 scaffold placeholder': { refId: 'B', expr: 'up', model: '' },
  'v0 numeric sensitivity, other names': {
    refId: 'C',
    expr: 'up',
    model: 'Holt-Winters',
    sensitivity: 0.9,
    direction: 'down',
  },
  'v0 unknown model name': { refId: 'D', expr: 'up', model: 'prophet', sensitivity: 'extreme' },
  'v1 partial': { refId: 'E', schemaVersion: 1, expr: 'up', options: { sensitivity: 0.8 } },
  'v1 lost its schemaVersion': { refId: 'F', queryType: 'backtest', expr: 'up', model: 'zscore', for: '10m' },
  'v1 full backtest': defaultQuery('backtest', {}, 'G'),
  'v1 with junk fields': {
    refId: 'H',
    schemaVersion: 1,
    expr: 'up',
    intervalMs: 15000,
    maxDataPoints: 800,
    foo: { bar: 1 },
  },
  'newer schema': { refId: 'I', schemaVersion: 99, expr: 'up', futureField: [1, 2] },
  'wrong types': { refId: 'J', expr: 42, model: null, outputs: 'score', options: 'fast', schemaVersion: '1' },
  'empty object': {},
  null: null,
  string: 'up',
  array: [1, 2, 3],
  number: 5,
};

describe('migrateQuery', () => {
  it.each(Object.entries(SHAPES))('never throws and is idempotent: %s', (_name, raw) => {
    const once = migrateQuery(raw);
    expect(migrateQuery(once)).toStrictEqual(once);
    expect(migrateQuery(JSON.parse(JSON.stringify(once)))).toStrictEqual(once);
  });

  it('does not mutate its input', () => {
    const raw = JSON.parse(JSON.stringify(SHAPES['v0 prototype, full']));
    migrateQuery(raw);
    expect(raw).toStrictEqual(SHAPES['v0 prototype, full']);
  });

  it('maps every v0 field to its v1 place', () => {
    expect(migrateQuery(SHAPES['v0 prototype, full'])).toStrictEqual({
      refId: 'A',
      schemaVersion: SCHEMA_VERSION,
      queryType: 'anomaly',
      expr: 'rate(http_requests_total[5m])',
      model: 'iforest',
      outputs: ['value', 'expected', 'score'],
      options: {
        sensitivity: 0.75,
        direction: 'above',
        minAbsDeviation: 3,
        minRelDeviation: 0,
        trainingWindow: '14d',
        seasonality: 'daily',
        seed: 7,
      },
      execution: 'browser',
      legendFormat: '{{instance}}',
      minStep: '30s',
    });
  });

  it('reads the scaffold placeholder: empty model means the default', () => {
    expect(migrateQuery(SHAPES['v0 scaffold placeholder'])).toStrictEqual({ ...DEFAULT_QUERY, refId: 'B', expr: 'up' });
  });

  it('maps other v0 names and numeric sensitivity', () => {
    const q = migrateQuery(SHAPES['v0 numeric sensitivity, other names']);
    expect(q.model).toBe('ets');
    expect(q.options.sensitivity).toBe(0.9);
    expect(q.options.direction).toBe('below');
  });

  it('keeps values it cannot map, for validation to report', () => {
    const q = migrateQuery(SHAPES['v0 unknown model name']);
    expect(q.model).toBe('prophet');
    expect(q.options.sensitivity).toBe('extreme');
  });

  it('fills a partial v1 query with defaults', () => {
    expect(migrateQuery(SHAPES['v1 partial'])).toStrictEqual({
      ...DEFAULT_QUERY,
      refId: 'E',
      expr: 'up',
      options: { ...DEFAULT_QUERY_OPTIONS, sensitivity: 0.8 },
    });
  });

  it('keeps a v1 query whose schemaVersion was lost', () => {
    const q = migrateQuery(SHAPES['v1 lost its schemaVersion']) as BacktestQuery;
    expect(q.queryType).toBe('backtest');
    expect(q.model).toBe('zscore');
    expect(q.for).toBe('10m');
    expect(q.thresholds).toStrictEqual([
      { severity: 'warning', score: 1 },
      { severity: 'critical', score: 2 },
    ]);
    expect(q.refitEvery).toBe('6h');
  });

  it('leaves a current full query unchanged', () => {
    const q = defaultQuery('backtest', {}, 'G');
    expect(migrateQuery(q)).toStrictEqual(q);
  });

  it('drops unknown fields of the current schema', () => {
    expect(migrateQuery(SHAPES['v1 with junk fields'])).toStrictEqual({ ...DEFAULT_QUERY, refId: 'H', expr: 'up' });
  });

  it('keeps Grafana common fields', () => {
    const q = migrateQuery({
      refId: 'Z',
      hide: true,
      key: 'Q-1',
      datasource: { type: 'vigil', uid: 'abc' },
      expr: 'up',
    });
    expect(q).toMatchObject({ refId: 'Z', hide: true, key: 'Q-1', datasource: { type: 'vigil', uid: 'abc' } });
  });

  it('drops backtest-only fields from an anomaly query', () => {
    const q = migrateQuery({ schemaVersion: 1, queryType: 'anomaly', expr: 'up', for: '5m', thresholds: [] });
    expect(q).not.toHaveProperty('for');
    expect(q).not.toHaveProperty('thresholds');
  });

  it('keeps unknown fields of a newer schema so an older editor does not destroy them', () => {
    const q = migrateQuery(SHAPES['newer schema']);
    expect(q.schemaVersion).toBe(99);
    expect(q).toHaveProperty('futureField', [1, 2]);
  });

  it('turns non-objects into an empty default query', () => {
    for (const raw of [null, 'up', [1], 5, undefined]) {
      expect(migrateQuery(raw)).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A' });
    }
  });

  it('fills missing fields from the data source defaults, not present ones', () => {
    const defaults = {
      model: 'seasonal' as const,
      sensitivity: 0.3,
      trainingWindow: '7d',
      execution: 'browser' as const,
    };
    const q = migrateQuery({ refId: 'A', expr: 'up', options: { sensitivity: 0.9 } }, defaults);
    expect(q.model).toBe('seasonal');
    expect(q.execution).toBe('browser');
    expect(q.options.sensitivity).toBe(0.9);
    expect(q.options.trainingWindow).toBe('7d');
  });

  it('ignores data source defaults of the wrong JSON type', () => {
    const defaults = JSON.parse('{"model": 3, "sensitivity": "high", "trainingWindow": 7, "seed": 1}');
    const q = migrateQuery({ expr: 'up' }, defaults);
    expect(q.model).toBe('auto');
    expect(q.options).toStrictEqual({ ...DEFAULT_QUERY_OPTIONS, seed: 1 });
  });

  it('converts v0 trainingWindowDays given as text', () => {
    expect(migrateQuery({ expr: 'up', trainingWindowDays: '3' }).options.trainingWindow).toBe('3d');
  });
});
