import { resolveOptions } from '../options';
import { dailySignal, makeSeries } from '../seasonal/testSeries';
import { chooseDetector, intervalScore } from './choose';

const STEP = 5 * 60_000;
const PER_DAY = 288;

describe('auto chooser', () => {
  it('interval score: width inside the band, plus a penalty proportional to the miss outside', () => {
    expect(intervalScore(5, 0, 10, 200)).toBe(10);
    expect(intervalScore(12, 0, 10, 200)).toBe(10 + 400);
    expect(intervalScore(-1, 0, 10, 200)).toBe(10 + 200);
    // A narrower band that holds beats a wider one; a narrow band that misses loses.
    expect(intervalScore(5, 2, 8, 200)).toBeLessThan(intervalScore(5, 0, 10, 200));
    expect(intervalScore(9, 2, 8, 200)).toBeGreaterThan(intervalScore(9, 0, 10, 200));
  });

  it('keeps the seasonal model on a clearly daily series', () => {
    const s = makeSeries(10 * PER_DAY, STEP, dailySignal, 1, 4);
    const c = chooseDetector(s, resolveOptions(), STEP);
    expect(c.kind).toBe('seasonal');
    expect(c.reason).toMatch(/interval score/);
  });
});
