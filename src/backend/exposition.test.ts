import { parseExposition, sampleValue } from './exposition';
import { MetricsRegistry, registerProcessMetrics, RequestStats } from './metrics';
import { VigilMetrics } from './handlers/telemetry';

const ok = (lines: string[]) => parseExposition(lines.join('\n') + '\n');
const bad = (lines: string[], message: RegExp) => expect(() => ok(lines)).toThrow(message);

describe('parseExposition (the checker itself)', () => {
  it('reads families, labels with escapes and special values', () => {
    const f = ok([
      '# HELP a_total A\\nB \\\\ c.',
      '# TYPE a_total counter',
      'a_total{path="\\"/x\\"",nl="1\\n2",bs="\\\\"} 3',
      '# TYPE g gauge',
      'g NaN',
      'g{x="y"} -Inf 1700000000000',
    ]);
    expect(f.get('a_total')).toMatchObject({ type: 'counter', help: 'A\nB \\ c.' });
    expect(sampleValue(f, 'a_total', { path: '"/x"', nl: '1\n2', bs: '\\' })).toBe(3);
    expect(sampleValue(f, 'g', { x: 'y' })).toBe(-Infinity);
    expect(sampleValue(f, 'g')).toBeNaN();
  });

  it('rejects each broken rule', () => {
    bad(['# TYPE a counter', 'a 1'].slice(1), /no TYPE line/);
    bad(['# TYPE a counter', 'a{x="1} 1'], /unterminated/);
    bad(['# TYPE a counter', 'a{x="\\t"} 1'], /invalid escape/);
    bad(['# TYPE a counter', 'a{x="1",x="2"} 1'], /duplicate label/);
    bad(['# TYPE a counter', 'a{__x="1"} 1'], /reserved label/);
    bad(['# TYPE a counter', 'a 1', 'a 2'], /duplicate series/);
    bad(['# TYPE a counter', 'a -1'], /counter value/);
    bad(['# TYPE a counter', 'a one'], /invalid value/);
    bad(['# TYPE a counter', 'a  1'], /expected " value/);
    bad(['# TYPE a counter', '# TYPE a counter'], /twice/);
    bad(['# HELP a x', '# HELP a y'], /second HELP/);
    bad(['# TYPE a wobbly'], /unknown type/);
    bad(['# TYPE a counter', '# TYPE b gauge', 'a 1'], /outside its family/);
    bad(['# TYPE a counter', 'a 1', '# TYPE b gauge', 'b 1', '# TYPE a counter'], /split apart/);
    bad(['# TYPE 1a counter'], /invalid metric name/);
    expect(() => parseExposition('# TYPE a counter\na 1')).toThrow(/end with a newline/);
  });

  it('checks histograms: cumulative buckets, +Inf equal to _count, _sum and _count present', () => {
    const h = (lines: string[]) => ['# TYPE h histogram', ...lines];
    ok(h(['h_bucket{le="1"} 1', 'h_bucket{le="+Inf"} 2', 'h_sum 3', 'h_count 2']));
    bad(h(['h_bucket{le="1"} 3', 'h_bucket{le="+Inf"} 2', 'h_sum 3', 'h_count 2']), /not cumulative/);
    bad(h(['h_bucket{le="1"} 1', 'h_bucket{le="+Inf"} 2', 'h_sum 3', 'h_count 5']), /differs from _count/);
    bad(h(['h_bucket{le="1"} 1', 'h_sum 3', 'h_count 1']), /le="\+Inf"/);
    bad(h(['h_bucket{le="1"} 1', 'h_bucket{le="+Inf"} 1', 'h_count 1']), /without _sum/);
    bad(h(['h_bucket{le="2"} 1', 'h_bucket{le="1"} 1', 'h_bucket{le="+Inf"} 1', 'h_sum 1', 'h_count 1']), /ascending/);
    bad(h(['h 1']), /no TYPE line/);
  });
});

describe("the backend's own exposition follows the format", () => {
  it('every line of a full registry (process, requests, Vigil metrics with hostile labels) passes', async () => {
    const r = new MetricsRegistry();
    registerProcessMetrics(r);
    const stats = new RequestStats(r);
    stats.record('QueryData', true, 0.1);
    stats.record('CallResource "x"\\\n', false, 0.2);
    const m = new VigilMetrics(r);
    m.scores('seasonal', Float64Array.from([0.1, 0.7, 1.2, NaN, 4, 11]), 0);
    m.scores('zscore', Float64Array.from([2]), 0);
    m.training('seasonal', 0.3, 'saved');
    m.training('auto', 0.01, 'warming_up');
    m.query(true, 0.02);
    m.query(false, 3);
    m.error('prometheus');
    const text = await r.collect();
    const families = parseExposition(text);
    for (const name of [
      'process_start_time_seconds',
      'process_resident_memory_bytes',
      'vigil_backend_requests_total',
      'vigil_score',
      'vigil_scored_points_total',
      'vigil_anomalous_points_total',
      'vigil_models',
      'vigil_model_versions',
      'vigil_model_age_seconds',
      'vigil_model_versions_total',
      'vigil_training_duration_seconds',
      'vigil_trainings_total',
      'vigil_query_duration_seconds',
      'vigil_errors_total',
    ]) {
      expect(families.get(name)?.help).toBeTruthy();
    }
    expect(families.get('vigil_score')?.type).toBe('histogram');
    expect(
      sampleValue(families, 'vigil_backend_requests_total', { method: 'CallResource "x"\\\n', outcome: 'error' })
    ).toBe(1);
    // Scores 0.1 0.7 1.2 4 11 (NaN skipped): cumulative per bucket.
    const bucket = (le: string) => sampleValue(families, 'vigil_score_bucket', { kind: 'seasonal', le });
    expect([bucket('0.5'), bucket('1'), bucket('1.5'), bucket('3'), bucket('5'), bucket('10'), bucket('+Inf')]).toEqual(
      [1, 2, 3, 3, 4, 4, 5]
    );
    expect(sampleValue(families, 'vigil_score_count', { kind: 'seasonal' })).toBe(5);
    expect(sampleValue(families, 'vigil_score_sum', { kind: 'seasonal' })).toBeCloseTo(17);
    expect(sampleValue(families, 'vigil_scored_points_total', { kind: 'seasonal' })).toBe(5);
    expect(sampleValue(families, 'vigil_anomalous_points_total', { kind: 'seasonal' })).toBe(3);
    expect(sampleValue(families, 'vigil_anomalous_points_total', { kind: 'zscore' })).toBe(1);
    expect(sampleValue(families, 'vigil_trainings_total', { kind: 'auto', result: 'warming_up' })).toBe(1);
    expect(sampleValue(families, 'vigil_model_versions_total', { kind: 'seasonal' })).toBe(1);
    expect(sampleValue(families, 'vigil_model_versions_total', { kind: 'auto' })).toBeUndefined();
    expect(sampleValue(families, 'vigil_query_duration_seconds_count', { outcome: 'error' })).toBe(1);
    expect(sampleValue(families, 'vigil_query_duration_seconds_bucket', { outcome: 'error', le: '2.5' })).toBe(0);
    expect(sampleValue(families, 'vigil_errors_total', { kind: 'prometheus' })).toBe(1);
    expect(sampleValue(families, 'vigil_errors_total', { kind: 'store' })).toBe(0);
  });
});
