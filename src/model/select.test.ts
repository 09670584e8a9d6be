import { quantileSelect, selectMedian } from './select';
import { quantileSorted, sortedFinite } from './stats';

describe('selection', () => {
  const data = Float64Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 1009) - 500 + (i % 3) * 0.25);

  it('quantileSelect equals the sorted quantile, gaps skipped', () => {
    const withGaps = Float64Array.from(data);
    withGaps[5] = NaN;
    withGaps[600] = NaN;
    const sorted = sortedFinite(withGaps);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1]) {
      expect(quantileSelect(withGaps, q)).toBe(quantileSorted(sorted, q));
    }
    expect(quantileSelect(new Float64Array([NaN]), 0.5)).toBeNaN();
  });

  it('selectMedian equals the sorted median for odd and even lengths', () => {
    for (const n of [1, 2, 17, 1000, 1001]) {
      const a = data.slice(0, n);
      expect(selectMedian(a.slice(), 0, n)).toBe(quantileSorted(a.slice().sort(), 0.5));
    }
  });
});
