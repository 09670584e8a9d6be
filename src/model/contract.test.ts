import { backtest } from './engine/backtest';
import { dailySeries } from './iforest/testing';
import { resolveOptions } from './options';
import { MODEL_KINDS } from './registry';
import type { ModelKind, Series } from './types';

// The scoring contract (DESIGN.md) for every model, replayed the way alerts see it: score is >= 0,
// 1 on the band's edge and above 1 exactly outside the band, on a series that does everything a
// model is asked to judge (spikes both ways, a level shift, a sawtooth within the band, a flat
// stretch, a gap).

function eventfulSeries(): Series {
  const s = dailySeries(12, 5, 2);
  const day = 288;
  const v = s.v;
  v[8 * day + 40] += 60;
  v[8 * day + 140] -= 60;
  for (let i = 9 * day; i < 9 * day + 36; i++) {
    v[i] += 25;
  }
  for (let i = 10 * day; i < 10 * day + 24; i++) {
    v[i] += i % 2 ? 6 : -6;
  }
  for (let i = 10 * day + 100; i < 10 * day + 160; i++) {
    v[i] = v[10 * day + 100];
  }
  for (let i = 11 * day; i < 11 * day + 12; i++) {
    v[i] = NaN;
  }
  return s;
}

describe('the scoring contract, every model', () => {
  const s = eventfulSeries();
  const options = resolveOptions({ trainingWindowMs: 7 * 86_400_000 });

  it.each(MODEL_KINDS as ModelKind[])('%s: score > 1 exactly outside [lower, upper], 1 on its edge', (model) => {
    const r = backtest(s, { model, options });
    let outside = 0;
    let checked = 0;
    for (let i = 0; i < s.t.length; i++) {
      const x = s.v[i];
      const score = r.score[i];
      if (!Number.isFinite(x)) {
        expect(Number.isNaN(score) || score === 0).toBe(true);
        continue;
      }
      expect(score).toBeGreaterThanOrEqual(0);
      if (!Number.isFinite(r.lower[i]) || !Number.isFinite(r.upper[i])) {
        continue;
      }
      checked++;
      expect(r.lower[i]).toBeLessThanOrEqual(r.expected[i]);
      expect(r.upper[i]).toBeGreaterThanOrEqual(r.expected[i]);
      // Rounding at the edge itself may fall either way.
      const atEdge = Math.abs(score - 1) < 1e-9;
      const out = x < r.lower[i] || x > r.upper[i];
      if (!atEdge) {
        expect({ i, score, out }).toEqual({ i, score, out: score > 1 });
      }
      if (out) {
        outside++;
      }
    }
    expect(checked).toBeGreaterThan(s.t.length / 2);
    // The events are there to be seen: a contract met by never leaving the band proves nothing.
    expect(outside).toBeGreaterThan(3);
  });

  it.each(MODEL_KINDS as ModelKind[])('%s: a deviation under the minimum never scores above 1', (model) => {
    const minAbsDeviation = 10;
    const r = backtest(s, { model, options: resolveOptions({ ...options, minAbsDeviation }) });
    let beyond = 0;
    for (let i = 0; i < s.t.length; i++) {
      const d = Math.abs(s.v[i] - r.expected[i]);
      if (d < minAbsDeviation) {
        expect(r.score[i]).toBeLessThanOrEqual(1);
      } else if (r.score[i] > 1) {
        beyond++;
      }
    }
    expect(beyond).toBeGreaterThan(0);
  });

  it.each(MODEL_KINDS as ModelKind[])('%s: direction "above" never scores a point below expected', (model) => {
    const r = backtest(s, { model, options: resolveOptions({ ...options, direction: 'above' }) });
    let above = 0;
    for (let i = 0; i < s.t.length; i++) {
      if (s.v[i] < r.expected[i]) {
        expect(r.score[i]).toBe(0);
      } else if (r.score[i] > 1) {
        above++;
      }
    }
    expect(above).toBeGreaterThan(0);
  });

  it.each(MODEL_KINDS as ModelKind[])('%s: absurd finite values (±1e200) get finite scores and bands', (model) => {
    const absurd: Series = { t: s.t, v: Float64Array.from(s.v) };
    absurd.v[8 * 288 + 60] = 1e200;
    absurd.v[8 * 288 + 90] = -1e200;
    const r = backtest(absurd, { model, options });
    const bad: number[] = [];
    for (let i = 0; i < absurd.t.length; i++) {
      const scoreOk = !Number.isFinite(absurd.v[i]) || Number.isFinite(r.score[i]);
      const bandOk = !Number.isFinite(r.expected[i]) || (Number.isFinite(r.lower[i]) && Number.isFinite(r.upper[i]));
      if (!scoreOk || !bandOk) {
        bad.push(i);
      }
    }
    expect(bad).toEqual([]);
    expect(r.score[8 * 288 + 60]).toBeGreaterThan(1);
  });

  it.each(MODEL_KINDS as ModelKind[])(
    '%s: a constant series never scores above 1, and its first change does',
    (model) => {
      const n = 9 * 288;
      const flat: Series = { t: s.t.slice(0, n), v: new Float64Array(n).fill(1) };
      flat.v[n - 10] = 2;
      const r = backtest(flat, { model, options });
      for (let i = 0; i < n - 10; i++) {
        expect({ i, high: r.score[i] > 1 }).toEqual({ i, high: false });
      }
      expect(r.score[n - 10]).toBeGreaterThan(1);
    }
  );
});
