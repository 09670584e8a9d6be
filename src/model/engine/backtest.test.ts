import { resolveOptions } from '../options';
import type { ModelKind } from '../types';
import { MODEL_KINDS } from '../registry';
import { backtest, backtestSteps } from './backtest';

function series(n: number, seed: number) {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = 1_600_000_000_000 + i * 300_000;
    const day = (2 * Math.PI * i) / 288;
    v[i] = 50 + 20 * Math.sin(day) + (rand() - 0.5) * 6;
  }
  return { t, v };
}

describe('causal backtest', () => {
  const options = resolveOptions({ trainingWindowMs: 7 * 86_400_000 });

  it.each(MODEL_KINDS as ModelKind[])('%s: changing the future never changes an earlier score', (model) => {
    const n = 288 * 5;
    const a = series(n, 11);
    const b = { t: a.t, v: Float64Array.from(a.v) };
    const cut = 288 * 3 + 17;
    for (let i = cut; i < n; i++) {
      b.v[i] = b.v[i] * 3 + 100; // a wildly different future
    }
    const ra = backtest(a, { model, options });
    const rb = backtest(b, { model, options });
    for (const key of ['expected', 'lower', 'upper', 'score'] as const) {
      expect(Array.from(rb[key].subarray(0, cut))).toEqual(Array.from(ra[key].subarray(0, cut)));
    }
    // And the changed future is noticed.
    expect(rb.score[cut]).toBeGreaterThan(1);
  });

  it('is deterministic across runs', () => {
    const a = series(288 * 4, 5);
    const r1 = backtest(a, { model: 'auto', options });
    const r2 = backtest(a, { model: 'auto', options });
    expect(Array.from(r2.score)).toEqual(Array.from(r1.score));
  });

  it('warms up from cold start and records each fit', () => {
    const a = series(288 * 3, 9);
    const r = backtest(a, { model: 'zscore', options });
    expect(r.fitIndex[0]).toBe(-1);
    expect(r.fits.length).toBeGreaterThan(2);
    expect(r.fits[0].trainingPoints).toBeGreaterThanOrEqual(10);
    for (let i = 1; i < r.fits.length; i++) {
      expect(r.fits[i].atMs).toBeGreaterThan(r.fits[i - 1].atMs);
    }
  });

  it('startMs: the history before it is trained on, never fitted at or scored', () => {
    const a = series(288 * 5, 3);
    const start = 288 * 3;
    const r = backtest(a, { model: 'seasonal', options, startMs: a.t[start], refitEveryMs: 86_400_000 });
    expect(Array.from(r.fitIndex.subarray(0, start)).every((f) => f === -1)).toBe(true);
    expect(Array.from(r.score.subarray(0, start)).every((x) => x === 0)).toBe(true);
    // Warm at once: the first fit is at startMs, on all the history before it.
    expect(r.fits[0]).toMatchObject({ atMs: a.t[start], trainingPoints: start, warmingUp: false });
    expect(r.fits.map((f) => f.atMs)).toEqual([0, 1].map((d) => a.t[start] + d * 86_400_000));
    expect(Array.from(r.fitIndex.subarray(start)).every((f) => f >= 0)).toBe(true);
  });

  it('backtestSteps yields after each fit and returns what backtest returns', () => {
    const a = series(288 * 3, 4);
    const steps = backtestSteps(a, { model: 'zscore', options });
    const reached: number[] = [];
    let r = steps.next();
    while (!r.done) {
      reached.push(r.value);
      r = steps.next();
    }
    const whole = backtest(a, { model: 'zscore', options });
    // One step per fit, plus the early steps with too little history to fit anything.
    expect(reached.length).toBeGreaterThan(r.value.fits.length);
    expect(reached.every((x, i) => i === 0 || x > reached[i - 1])).toBe(true);
    expect(reached[reached.length - 1]).toBe(a.t.length);
    expect(Array.from(r.value.score)).toEqual(Array.from(whole.score));
  });

  it('rejects unsorted timestamps', () => {
    const a = series(50, 1);
    a.t[10] = a.t[9] - 1;
    expect(() => backtest(a, { model: 'zscore', options })).toThrow(/ascending order/);
  });
});
