import { PER_DAY, STEP, opts, scoreAll, split } from './contractTests';
import { decompose } from './decompose';
import { fitSeasonal } from './seasonal';
import { levelShifts } from './shifts';
import { DAY, HOUR, dailySignal, makeSeries } from './testSeries';
import type { Series } from '../types';

/** Half-widths of a seasonal fit's band at its median bin, in the series' unit. */
function bandOf(s: Series): { up: number; down: number; level: number } {
  const p = fitSeasonal(s, opts()).params;
  const sc = Float64Array.from(p.scale).sort()[p.scale.length >> 1];
  return { up: p.kUpper * sc, down: p.kLower * sc, level: p.level };
}

/** The daily signal plus `delta` from `from` to `to` (ms since the series start). */
function withStep(s: Series, delta: number, from: number, to = Infinity): Series {
  const v = s.v.slice();
  for (let i = 0; i < v.length; i++) {
    const dt = s.t[i] - s.t[0];
    if (dt >= from && dt < to) {
      v[i] += delta;
    }
  }
  return { t: s.t, v };
}

const clean = makeSeries(14 * PER_DAY, STEP, dailySignal, 1, 11);

describe('seasonal fit with a level shift in its training window', () => {
  const base = bandOf(clean);

  it('a step of +20 five days before the end gets the band of the same series without it, at the new level', () => {
    const stepped = withStep(clean, 20, 9 * DAY);
    const b = bandOf(stepped);
    expect(b.up).toBeLessThan(1.25 * base.up);
    expect(b.down).toBeLessThan(1.25 * base.down);
    expect(Math.abs(b.level - (base.level + 20))).toBeLessThan(1);
    // Without the alignment the same window learns the step as a tail and a trend (what the test
    // guards against): its residuals' extreme quantile is many times the clean one.
    const p = fitSeasonal(stepped, opts()).params;
    const raw = decompose(stepped, p.periodMs, p.nBins, stepped.t[stepped.t.length - 1], false);
    const aligned = decompose(stepped, p.periodMs, p.nBins, stepped.t[stepped.t.length - 1]);
    const q = (a: Float64Array) => Float64Array.from(a, Math.abs).sort()[Math.floor(0.99 * a.length)];
    expect(q(raw.normalised)).toBeGreaterThan(3 * q(aligned.normalised));
  });

  it('a spike of +8 after the shift still pages (it would not with the band the step teaches)', () => {
    const full = withStep(makeSeries(16 * PER_DAY, STEP, dailySignal, 1, 12), 20, 9 * DAY);
    const [tr, te] = split(full, 14 * PER_DAY);
    const spiked = { t: te.t, v: te.v.slice() };
    spiked.v[100] += 8;
    const out = scoreAll(fitSeasonal(tr, opts()), spiked);
    expect(out.score[100]).toBeGreaterThan(1);
  });

  it('a 10-hour dip to -40 in the middle of the window leaves the band as it was', () => {
    const dipped = withStep(clean, -40, 6 * DAY + 3 * HOUR, 6 * DAY + 13 * HOUR);
    const b = bandOf(dipped);
    expect(b.down).toBeLessThan(1.25 * base.down);
    expect(Math.abs(b.level - base.level)).toBeLessThan(1);
  });

  it('leaves alone what is no sustained shift: a recent step, hour-long bursts, a trend, alternating regimes', () => {
    const end = clean.t[clean.t.length - 1];
    // A daily profile throughout (auto would take the weekly one for the last case).
    const same = (s: Series) => {
      const a = decompose(s, DAY, PER_DAY, end);
      const b = decompose(s, DAY, PER_DAY, end, false);
      // Equal up to noise (a segment already at the reference level may move by a hair).
      expect(Math.abs(a.level - b.level)).toBeLessThan(0.05);
      expect(Math.abs(a.slope - b.slope) * DAY).toBeLessThan(0.05);
      for (let k = 0; k < a.scale.length; k++) {
        expect(Math.abs(a.scale[k] / b.scale[k] - 1)).toBeLessThan(0.02);
      }
    };
    // A step 12 hours before the end: too recent to call the new normal.
    same(withStep(clean, 20, 14 * DAY - 12 * HOUR));
    // Two-hour bursts every day and a half: the band's tail calibration handles those.
    let bursty = clean;
    for (let d = 1; d < 13; d += 1.5) {
      bursty = withStep(bursty, 30, d * DAY, d * DAY + 2 * HOUR);
    }
    same(bursty);
    // A steady climb of 3 per day (noise 1): a trend, not a staircase.
    same({ t: clean.t, v: clean.v.map((x, i) => x + (3 * i) / PER_DAY) });
    // Two days at -15 every week (weekends under a daily profile): a recurring regime.
    same(withStep(withStep(clean, -15, 5 * DAY, 7 * DAY), -15, 12 * DAY, 14 * DAY));
  });

  it('a whole day without its daily pattern (a broken pattern, not a level) does not widen the band', () => {
    const v = clean.v.slice();
    for (let i = 6 * PER_DAY; i < 7 * PER_DAY; i++) {
      v[i] = 100;
    }
    const p = fitSeasonal({ t: clean.t, v }, opts()).params;
    const end = clean.t[clean.t.length - 1];
    const a = decompose({ t: clean.t, v }, p.periodMs, p.nBins, end);
    const b = decompose({ t: clean.t, v }, p.periodMs, p.nBins, end, false);
    const q = (x: Float64Array) => Float64Array.from(x, Math.abs).sort()[Math.floor(0.999 * x.length)];
    expect(q(a.normalised)).toBeLessThanOrEqual(1.05 * q(b.normalised));
  });

  it('levelShifts places the cut at the point and reports nothing on a clean series', () => {
    const r = new Float64Array(clean.t.length);
    for (let i = 0; i < r.length; i++) {
      r[i] = clean.v[i] - dailySignal(clean.t[i]) + (i >= 9 * PER_DAY + 7 ? 20 : 0);
    }
    const found = levelShifts(clean.t, r);
    expect(found?.at).toEqual([clean.t[9 * PER_DAY + 7]]);
    expect(found?.offsets[0]).toBeCloseTo(20, 0);
    expect(found?.offsets[r.length - 1]).toBe(0);
    for (let i = 0; i < r.length; i++) {
      r[i] = clean.v[i] - dailySignal(clean.t[i]);
    }
    expect(levelShifts(clean.t, r)).toBeNull();
  });
});
