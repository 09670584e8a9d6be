import type { Detector } from '../detector';
import { resolveOptions } from '../options';
import { Rng } from '../random';
import { allocScoreBuffers, type Model, type ModelOptions, type ScoreBuffers, type Series } from '../types';
import { DAY, HOUR, dailySignal, fractionAbove, makeSeries, weeklySignal } from './testSeries';

/**
 * One behaviour suite for the seasonal forecasters (the seasonal baseline and Holt-Winters ETS):
 * both promise the same things, so both are held to the same tests. Test-only; each detector's
 * own *.test.ts calls seasonalDetectorContract() and adds what is particular to it.
 */

export const STEP = 5 * 60_000;
export const PER_DAY = DAY / STEP;
export const NOISE = 1;

export function split(s: Series, at: number): [Series, Series] {
  return [
    { t: s.t.slice(0, at), v: s.v.slice(0, at) },
    { t: s.t.slice(at), v: s.v.slice(at) },
  ];
}

export function scoreAll(model: { score(s: Series, o: ScoreBuffers, from?: number): void }, s: Series): ScoreBuffers {
  const out = allocScoreBuffers(s.t.length);
  model.score(s, out);
  return out;
}

export const opts = (o: Partial<ModelOptions> = {}) => resolveOptions(o);

// 14 days of training, 4 days of scoring.
export const full = makeSeries(18 * PER_DAY, STEP, dailySignal, NOISE, 1);
export const [train, test] = split(full, 14 * PER_DAY);

export interface SeasonalSubject<M extends Model & { params: { seasonality: string } }> {
  fit(series: Series, options: ModelOptions): M;
  detector: Detector;
  load(json: unknown): Model;
  /** The subject fitted on `train` with default options. */
  model: M;
}

export function seasonalDetectorContract<M extends Model & { params: { seasonality: string } }>(
  subject: SeasonalSubject<M>
): void {
  const { model } = subject;

  it('recovers the daily profile', () => {
    expect(model.params.seasonality).toBe('daily');
    const out = scoreAll(model, test);
    let maxErr = 0;
    let sumErr = 0;
    for (let i = 0; i < test.t.length; i++) {
      const err = Math.abs(out.expected[i] - dailySignal(test.t[i]));
      maxErr = Math.max(maxErr, err);
      sumErr += err;
    }
    expect(sumErr / test.t.length).toBeLessThan(0.3 * NOISE);
    expect(maxErr).toBeLessThan(1.5 * NOISE);
  });

  it('keeps false alarms near the target on clean data', () => {
    const out = scoreAll(model, test);
    expect(fractionAbove(out.score)).toBeLessThan(0.01);
    for (let i = 0; i < test.t.length; i++) {
      expect(out.lower[i]).toBeLessThan(out.expected[i]);
      expect(out.upper[i]).toBeGreaterThan(out.expected[i]);
    }
  });

  it('flags a spike and a level shift', () => {
    const s = { t: test.t, v: test.v.slice() };
    s.v[100] += 10 * NOISE;
    s.v[200] -= 10 * NOISE;
    const shiftAt = 2 * PER_DAY;
    for (let i = shiftAt; i < s.v.length; i++) {
      s.v[i] += 8 * NOISE;
    }
    const out = scoreAll(model, s);
    expect(out.score[100]).toBeGreaterThan(1);
    expect(out.score[200]).toBeGreaterThan(1);
    // A sustained shift keeps scoring above 1 for a while (the first two hours here).
    expect(fractionAbove(out.score, 1, shiftAt, shiftAt + (2 * HOUR) / STEP)).toBeGreaterThan(0.9);
    expect(fractionAbove(out.score, 1, 0, 90)).toBeLessThan(0.05);
  });

  it('adapts to a level that drifted since training', () => {
    const s = { t: test.t, v: test.v.slice() };
    for (let i = 0; i < s.v.length; i++) {
      s.v[i] += 5 * NOISE;
    }
    const out = scoreAll(model, s);
    // After two days the level correction has absorbed the change.
    expect(fractionAbove(out.score, 1, 2 * PER_DAY)).toBeLessThan(0.02);
  });

  it('is not distorted by outliers in training', () => {
    const dirty = { t: train.t, v: train.v.slice() };
    const rng = new Rng(3);
    for (let i = 0; i < dirty.v.length; i++) {
      if (rng.next() < 0.03) {
        dirty.v[i] += (rng.next() < 0.7 ? 1 : -1) * 50 * NOISE;
      }
    }
    const m = subject.fit(dirty, opts());
    const clean = scoreAll(model, test);
    const out = scoreAll(m, test);
    let maxDiff = 0;
    for (let i = 0; i < test.t.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(out.expected[i] - clean.expected[i]));
    }
    expect(maxDiff).toBeLessThan(0.8 * NOISE);
    expect(fractionAbove(out.score)).toBeLessThan(0.01);
  });

  it('follows a trend', () => {
    const trend = (t: number) => dailySignal(t) + (3 * (t - full.t[0])) / DAY;
    const s = makeSeries(18 * PER_DAY, STEP, trend, NOISE, 4);
    const [tr, te] = split(s, 14 * PER_DAY);
    const m = subject.fit(tr, opts());
    const out = scoreAll(m, te);
    let sumErr = 0;
    for (let i = 0; i < te.t.length; i++) {
      sumErr += Math.abs(out.expected[i] - trend(te.t[i]));
    }
    expect(sumErr / te.t.length).toBeLessThan(0.5 * NOISE);
    expect(fractionAbove(out.score)).toBeLessThan(0.01);
  });

  it('uses a weekly profile when weekends differ', () => {
    const s = makeSeries(25 * PER_DAY, STEP, weeklySignal, NOISE, 5);
    const [tr, te] = split(s, 21 * PER_DAY);
    const m = subject.fit(tr, opts());
    expect(m.params.seasonality).toBe('weekly');
    const out = scoreAll(m, te);
    expect(fractionAbove(out.score)).toBeLessThan(0.01);
    // Honouring 'daily' instead mixes weekends into the profile: a worse fit.
    const d = subject.fit(tr, opts({ seasonality: 'daily' }));
    expect(d.params.seasonality).toBe('daily');
  });

  it('degrades to level + trend with no seasonality and little data', () => {
    const s = makeSeries(60, STEP, () => 20, NOISE, 6);
    const [tr, te] = split(s, 40);
    expect(subject.detector.minTrainingPoints(opts(), STEP)).toBeLessThanOrEqual(40);
    const m = subject.detector.fit(tr, opts()) as M;
    expect(m.params.seasonality).toBe('none');
    const v = te.v.slice();
    v[10] += 12 * NOISE;
    const out = scoreAll(m, { t: te.t, v });
    expect(out.score[10]).toBeGreaterThan(1);
    expect(fractionAbove(out.score) * v.length).toBeLessThanOrEqual(2);
  });

  it('honours direction and minimum deviation', () => {
    const s = { t: test.t, v: test.v.slice() };
    s.v[100] += 10 * NOISE;
    s.v[200] -= 10 * NOISE;
    const above = subject.fit(train, opts({ direction: 'above' }));
    const below = subject.fit(train, opts({ direction: 'below' }));
    const wide = subject.fit(train, opts({ minAbsDeviation: 20 * NOISE }));
    const a = scoreAll(above, s);
    const b = scoreAll(below, s);
    const w = scoreAll(wide, s);
    expect(a.score[100]).toBeGreaterThan(1);
    expect(a.score[200]).toBe(0);
    expect(b.score[100]).toBe(0);
    expect(b.score[200]).toBeGreaterThan(1);
    expect(w.score[100]).toBeLessThan(1);
    expect(w.score[200]).toBeLessThan(1);
  });

  it('is causal: changing later values never changes earlier scores', () => {
    const a = scoreAll(model, test);
    const v = test.v.slice();
    for (let i = 500; i < v.length; i++) {
      v[i] = v[i] * 3 + 40;
    }
    const b = scoreAll(model, { t: test.t, v });
    expect(Array.from(b.score.subarray(0, 500))).toEqual(Array.from(a.score.subarray(0, 500)));
    expect(Array.from(b.expected.subarray(0, 501))).toEqual(Array.from(a.expected.subarray(0, 501)));
  });

  it('treats points before `from` as context only', () => {
    const a = scoreAll(model, test);
    const out = allocScoreBuffers(test.t.length);
    out.score.fill(-7);
    model.score(test, out, 300);
    expect(out.score[299]).toBe(-7);
    expect(Array.from(out.score.subarray(300))).toEqual(Array.from(a.score.subarray(300)));
  });

  it('is deterministic', () => {
    expect(JSON.stringify(subject.fit(train, opts()))).toBe(JSON.stringify(model));
  });

  it('round-trips through JSON with bit-identical scores', () => {
    const loaded = subject.detector.load(JSON.parse(JSON.stringify(model)));
    const fromString = subject.load(JSON.stringify(model.toJSON()));
    const a = scoreAll(model, test);
    for (const m of [loaded, fromString]) {
      const b = scoreAll(m, test);
      for (const k of ['expected', 'lower', 'upper', 'score'] as const) {
        expect(Buffer.from(b[k].buffer).equals(Buffer.from(a[k].buffer))).toBe(true);
      }
    }
  });

  it('survives NaN gaps in training and scoring', () => {
    const gappy = { t: train.t, v: train.v.slice() };
    for (let i = 1000; i < 1400; i++) {
      gappy.v[i] = NaN;
    }
    for (let i = 0; i < gappy.v.length; i += 7) {
      gappy.v[i] = NaN;
    }
    const m = subject.fit(gappy, opts());
    expect(m.params.seasonality).toBe('daily');
    const v = test.v.slice();
    for (let i = 50; i < 80; i++) {
      v[i] = NaN;
    }
    const out = scoreAll(m, { t: test.t, v });
    for (let i = 0; i < v.length; i++) {
      expect(Number.isFinite(out.expected[i])).toBe(true);
      if (Number.isNaN(v[i])) {
        expect(out.score[i]).toBeNaN();
      } else {
        expect(Number.isFinite(out.score[i])).toBe(true);
      }
    }
    expect(fractionAbove(out.score)).toBeLessThan(0.01);
  });
}
