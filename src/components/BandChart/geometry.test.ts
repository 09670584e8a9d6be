import { areaPath, columns, envelopePath, linear, linePath, niceTicks, reduce, timeTicks } from './geometry';

const id = (v: number) => v;

describe('BandChart geometry', () => {
  it('lifts the pen at gaps and closes one area per known run', () => {
    expect(linePath([0, 1, 2, 3, 4], [1, 2, null, NaN, 5], id)).toBe('M0,1L1,2M4,5');
    const area = areaPath([0, 1, 2, 3], [0, 0, null, 0], [2, 2, 2, 2], id);
    expect(area.match(/Z/g)).toHaveLength(2);
    expect(area.startsWith('M0,2L1,2L1,0L0,0Z')).toBe(true);
  });

  it('keeps a one-sample spike when many samples share a pixel', () => {
    const n = 10_000;
    const t = Array.from({ length: n }, (_, i) => i);
    const y = t.map((i) => (i === 4321 ? 100 : 1));
    const sx = linear([0, n - 1], [0, 100]);
    const cols = columns(t, sx, 100);
    expect(cols.x.length).toBeLessThanOrEqual(101);
    const hi = reduce(y, cols, 'max');
    const lo = reduce(y, cols, 'min');
    expect(Math.max(...(hi as number[]))).toBe(100);
    expect(envelopePath(cols.x, lo, hi, id)).toContain(',100');
    // Few samples: one point each, nothing merged.
    expect(columns([0, 1, 2], sx, 100).x).toHaveLength(3);
  });

  it('picks round ticks that cover the data, and a domain for a flat series', () => {
    const { domain, ticks } = niceTicks(3, 97, 4);
    expect(domain[0]).toBeLessThanOrEqual(3);
    expect(domain[1]).toBeGreaterThanOrEqual(97);
    expect(ticks.every((v) => Number.isInteger(v / 20) || Number.isInteger(v / 25) || Number.isInteger(v / 50))).toBe(
      true
    );
    const flat = niceTicks(5, 5, 4);
    expect(flat.domain[1]).toBeGreaterThan(flat.domain[0]);
  });

  it('places time ticks on whole steps within the range', () => {
    const from = Date.UTC(2025, 0, 6, 3, 17);
    const to = from + 14 * 86_400_000;
    const { ticks, stepMs } = timeTicks(from, to, 8);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.every((t) => t % stepMs === 0 && t >= from && t <= to)).toBe(true);
  });
});
