import { DEFAULT_OPTIONS } from '../model/options';
import { parseDuration } from './duration';
import { DEFAULT_QUERY, DEFAULT_QUERY_OPTIONS, defaultQuery } from './defaults';
import { SCHEMA_VERSION } from './types';

describe('defaults', () => {
  it('match src/model defaults', () => {
    expect(parseDuration(DEFAULT_QUERY_OPTIONS.trainingWindow)).toBe(DEFAULT_OPTIONS.trainingWindowMs);
    expect(DEFAULT_QUERY_OPTIONS.sensitivity).toBe(DEFAULT_OPTIONS.sensitivity);
    expect(DEFAULT_QUERY.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('builds each query type', () => {
    expect(defaultQuery('anomaly')).not.toHaveProperty('thresholds');
    expect(defaultQuery('backtest', {}, 'B')).toMatchObject({
      refId: 'B',
      queryType: 'backtest',
      for: '5m',
      refitEvery: '6h',
    });
  });

  it('applies data source defaults and hands out fresh objects', () => {
    const a = defaultQuery('anomaly', { model: 'ets', sensitivity: 0.2 });
    expect(a.model).toBe('ets');
    expect(a.options.sensitivity).toBe(0.2);
    a.outputs.push('anomalies');
    a.options.seed = 1;
    expect(defaultQuery('anomaly').outputs).not.toContain('anomalies');
    expect(defaultQuery('anomaly').options.seed).toBe(DEFAULT_OPTIONS.seed);
  });
});
