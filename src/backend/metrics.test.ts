import { escapeLabelValue, formatValue, MetricsRegistry, registerProcessMetrics, RequestStats } from './metrics';

describe('MetricsRegistry', () => {
  it('renders counters and gauges in the Prometheus text format', () => {
    const r = new MetricsRegistry();
    const c = r.counter('jobs_total', 'Jobs done.');
    c.inc({ kind: 'train' });
    c.inc({ kind: 'train' }, 2);
    c.inc({ kind: 'score' });
    r.gauge('models', 'Models loaded.').set(4);
    expect(r.render()).toBe(
      [
        '# HELP jobs_total Jobs done.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="train"} 3',
        'jobs_total{kind="score"} 1',
        '# HELP models Models loaded.',
        '# TYPE models gauge',
        'models 4',
        '',
      ].join('\n')
    );
  });

  it('treats label sets in any key order as one series', () => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'x');
    c.inc({ a: '1', b: '2' });
    c.inc({ b: '2', a: '1' });
    expect(r.render()).toContain('x_total{a="1",b="2"} 2');
  });

  it('escapes label values and help text', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const r = new MetricsRegistry();
    r.gauge('g', 'line1\nline2').set(1, { path: '"/x"' });
    expect(r.render()).toContain('# HELP g line1\\nline2');
    expect(r.render()).toContain('g{path="\\"/x\\""} 1');
  });

  it('formats special values', () => {
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(1.5)).toBe('1.5');
  });

  it('rejects bad names, decreasing counters and type clashes', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter('bad-name', 'x')).toThrow(/invalid metric name/);
    const c = r.counter('ok_total', 'x');
    expect(() => c.inc({}, -1)).toThrow(/only increase/);
    expect(() => c.inc({ 'bad-label': 'v' })).toThrow(/invalid label name/);
    expect(() => r.gauge('ok_total', 'x')).toThrow(/already registered/);
  });

  it('computes gaugeFn values at render time', () => {
    const r = new MetricsRegistry();
    let n = 1;
    r.gaugeFn('live', 'x', () => n);
    expect(r.render()).toContain('live 1');
    n = 2;
    expect(r.render()).toContain('live 2');
  });
});

describe('process metrics and request stats', () => {
  it('reports start time, uptime, memory and request counts', () => {
    const r = new MetricsRegistry();
    const started = Date.now() - 10_000;
    registerProcessMetrics(r, started);
    const stats = new RequestStats(r);
    stats.record('QueryData', true, 0.25);
    stats.record('QueryData', false, 0.5);
    const text = r.render();
    expect(text).toContain(`process_start_time_seconds ${Math.floor(started / 1000)}`);
    expect(Number(/^vigil_backend_uptime_seconds (\S+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(10);
    expect(Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)![1])).toBeGreaterThan(0);
    expect(text).toContain('vigil_backend_requests_total{method="QueryData",outcome="ok"} 1');
    expect(text).toContain('vigil_backend_requests_total{method="QueryData",outcome="error"} 1');
    expect(text).toContain('vigil_backend_request_duration_seconds_total{method="QueryData"} 0.75');
  });
});

describe('histograms', () => {
  it('render cumulative _bucket lines with le last, then _sum and _count', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('d_seconds', 'Durations.', [0.5, 1]);
    h.observe(0.5, { op: 'a' }); // on a bound: counted in that bucket (le is "less or equal")
    h.observe(0.7, { op: 'a' });
    h.observe(3, { op: 'a' });
    h.observe(NaN, { op: 'a' }); // no value: not an observation
    expect(r.render()).toBe(
      [
        '# HELP d_seconds Durations.',
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{op="a",le="0.5"} 1',
        'd_seconds_bucket{op="a",le="1"} 2',
        'd_seconds_bucket{op="a",le="+Inf"} 3',
        'd_seconds_sum{op="a"} 4.2',
        'd_seconds_count{op="a"} 3',
        '',
      ].join('\n')
    );
  });

  it('observeMany takes a range and skips NaN; reset drops every series', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('s', 'x', [1]);
    h.observeMany(Float64Array.from([5, 0.5, NaN, 2, 9]), {}, 1, 4);
    expect(r.render()).toContain('s_bucket{le="1"} 1\ns_bucket{le="+Inf"} 2\ns_sum 2.5\ns_count 2');
    h.reset();
    expect(r.render()).toBe('# HELP s x\n# TYPE s histogram\n');
  });

  it('rejects bad buckets and the le label', () => {
    const r = new MetricsRegistry();
    expect(() => r.histogram('a', 'x', [])).toThrow(/ascending/);
    expect(() => r.histogram('a', 'x', [2, 1])).toThrow(/ascending/);
    expect(() => r.histogram('a', 'x', [1, Infinity])).toThrow(/finite/);
    expect(() => r.histogram('b', 'x', [1]).observe(1, { le: '1' })).toThrow(/invalid label name le/);
  });

  it('collect() runs async collectors before rendering; a failing one does not stop it', async () => {
    const r = new MetricsRegistry();
    const g = r.gauge('g', 'x');
    r.addCollector(async () => {
      throw new Error('broken');
    });
    r.addCollector(async () => g.set(7));
    expect(await r.collect()).toContain('g 7');
  });
});
