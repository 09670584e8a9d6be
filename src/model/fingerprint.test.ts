import { fingerprintSeries } from './fingerprint';

describe('fingerprintSeries', () => {
  const t = Float64Array.from({ length: 1000 }, (_, i) => 1e12 + i * 60_000);
  const v = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));

  it('is stable and 16 hex digits', () => {
    expect(fingerprintSeries(t, v)).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintSeries(t.slice(), v.slice())).toBe(fingerprintSeries(t, v));
  });

  it('changes with any single value, timestamp or length', () => {
    const base = fingerprintSeries(t, v);
    const v2 = v.slice();
    v2[500] += 1e-12;
    expect(fingerprintSeries(t, v2)).not.toBe(base);
    const t2 = t.slice();
    t2[0] += 1;
    expect(fingerprintSeries(t2, v)).not.toBe(base);
    expect(fingerprintSeries(t.subarray(0, 999), v.subarray(0, 999))).not.toBe(base);
    // Swapping the roles of t and v is different data.
    expect(fingerprintSeries(v, t)).not.toBe(base);
  });

  it('reads subarrays at their offset', () => {
    expect(fingerprintSeries(t.subarray(10, 20), v.subarray(10, 20))).toBe(
      fingerprintSeries(t.slice(10, 20), v.slice(10, 20))
    );
  });
});
