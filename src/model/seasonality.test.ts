import { Rng } from './random';
import { detectSeasonality } from './seasonality';
import { DAY, HOUR, T0, dailySignal, gaussian, makeSeries, weeklySignal } from './seasonal/testSeries';

const MIN = 60_000;

describe('detectSeasonality', () => {
  it('picks daily for a daily pattern and weekly when weekends differ', () => {
    expect(detectSeasonality(makeSeries(21 * 288, 5 * MIN, dailySignal, 3, 1), 'auto').kind).toBe('daily');
    const weekly = detectSeasonality(makeSeries(21 * 288, 5 * MIN, weeklySignal, 3, 2), 'auto');
    expect(weekly).toEqual({ kind: 'weekly', periodMs: 7 * DAY });
  });

  it('picks weekly for a weekday/weekend step with no daily shape', () => {
    const s = makeSeries(28 * 24, HOUR, (t) => weeklySignal(t) - dailySignal(t), 2, 3);
    expect(detectSeasonality(s, 'auto').kind).toBe('weekly');
  });

  it('picks none for white noise and for a random walk', () => {
    expect(
      detectSeasonality(
        makeSeries(28 * 288, 5 * MIN, () => 50, 5, 4),
        'auto'
      ).kind
    ).toBe('none');
    const rng = new Rng(5);
    let level = 0;
    const walk = makeSeries(28 * 288, 5 * MIN, () => (level += gaussian(rng)), 0, 6);
    expect(detectSeasonality(walk, 'auto').kind).toBe('none');
  });

  it('does not pick weekly for a daily-only pattern with a trend', () => {
    const s = makeSeries(28 * 288, 5 * MIN, (t) => dailySignal(t) + (t - T0) / DAY, 3, 7);
    expect(detectSeasonality(s, 'auto').kind).toBe('daily');
  });

  it('survives gaps and outliers', () => {
    const s = makeSeries(21 * 288, 5 * MIN, weeklySignal, 3, 8);
    const rng = new Rng(9);
    for (let i = 0; i < s.v.length; i++) {
      if ((i >= 1000 && i < 1600) || rng.next() < 0.2) {
        s.v[i] = NaN;
      } else if (rng.next() < 0.01) {
        s.v[i] += 500 * (rng.next() < 0.5 ? 1 : -1);
      }
    }
    expect(detectSeasonality(s, 'auto').kind).toBe('weekly');
    const d = makeSeries(14 * 288, 5 * MIN, dailySignal, 3, 10);
    for (let i = 0; i < d.v.length; i += 97) {
      d.v[i] = 1e6;
    }
    for (let i = 2000; i < 2500; i++) {
      d.v[i] = NaN;
    }
    expect(detectSeasonality(d, 'auto').kind).toBe('daily');
  });

  it('honours requests when there are two full periods, else falls back', () => {
    const threeDays = makeSeries(3 * 288, 5 * MIN, () => 1, 1, 11);
    const oneDay = makeSeries(288, 5 * MIN, dailySignal, 1, 12);
    const twoWeeks = makeSeries(14 * 288, 5 * MIN, () => 1, 1, 13);
    expect(detectSeasonality(twoWeeks, 'weekly').kind).toBe('weekly');
    expect(detectSeasonality(threeDays, 'weekly').kind).toBe('daily');
    expect(detectSeasonality(threeDays, 'daily').kind).toBe('daily');
    expect(detectSeasonality(oneDay, 'daily').kind).toBe('none');
    expect(detectSeasonality(oneDay, 'auto').kind).toBe('none');
    expect(detectSeasonality(twoWeeks, 'none').kind).toBe('none');
    expect(detectSeasonality({ t: new Float64Array(0), v: new Float64Array(0) }, 'auto').kind).toBe('none');
  });

  it('does not offer daily for daily samples', () => {
    const s = makeSeries(60, DAY, () => 1, 1, 14);
    expect(detectSeasonality(s, 'daily').kind).toBe('none');
  });
});
