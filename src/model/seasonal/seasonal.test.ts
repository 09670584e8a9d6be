import { ModelError } from '../errors';
import { resolveOptions } from '../options';
import { Rng } from '../random';
import { allocScoreBuffers, type ModelOptions, type ScoreBuffers, type Series } from '../types';
import { SeasonalModel, fitSeasonal, seasonalDetector } from './seasonal';
import { DAY, HOUR, dailySignal, fractionAbove, makeSeries, weeklySignal } from './testSeries';

const STEP = 5 * 60_000;
const PER_DAY = DAY / STEP;
const NOISE = 1;

function split(s: Series, at: number): [Series, Series] {
  return [
    { t: s.t.slice(0, at), v: s.v.slice(0, at) },
    { t: s.t.slice(at), v: s.v.slice(at) },
  ];
}

function scoreAll(model: { score(s: Series, o: ScoreBuffers, from?: number): void }, s: Series): ScoreBuffers {
  const out = allocScoreBuffers(s.t.length);
  model.score(s, out);
  return out;
}

const opts = (o: Partial<ModelOptions> = {}) => resolveOptions(o);

// 14 days of training, 4 days of scoring.
const full = makeSeries(18 * PER_DAY, STEP, dailySignal, NOISE, 1);
const [train, test] = split(full, 14 * PER_DAY);

describe('SeasonalModel', () => {
  const model = fitSeasonal(train, opts());

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
    const m = fitSeasonal(dirty, opts());
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
    const m = fitSeasonal(tr, opts());
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
    const m = fitSeasonal(tr, opts());
    expect(m.params.seasonality).toBe('weekly');
    const out = scoreAll(m, te);
    expect(fractionAbove(out.score)).toBeLessThan(0.01);
    // Honouring 'daily' instead mixes weekends into the profile: a worse fit.
    const d = fitSeasonal(tr, opts({ seasonality: 'daily' }));
    expect(d.params.seasonality).toBe('daily');
  });

  it('degrades to level + trend with no seasonality and little data', () => {
    const s = makeSeries(60, STEP, () => 20, NOISE, 6);
    const [tr, te] = split(s, 40);
    expect(seasonalDetector.minTrainingPoints(opts(), STEP)).toBeLessThanOrEqual(40);
    const m = seasonalDetector.fit(tr, opts()) as SeasonalModel;
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
    const above = fitSeasonal(train, opts({ direction: 'above' }));
    const below = fitSeasonal(train, opts({ direction: 'below' }));
    const wide = fitSeasonal(train, opts({ minAbsDeviation: 20 * NOISE }));
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
    expect(JSON.stringify(fitSeasonal(train, opts()))).toBe(JSON.stringify(model));
  });

  it('round-trips through JSON with bit-identical scores', () => {
    const loaded = seasonalDetector.load(JSON.parse(JSON.stringify(model)));
    const fromString = SeasonalModel.load(JSON.stringify(model.toJSON()));
    const a = scoreAll(model, test);
    for (const m of [loaded, fromString]) {
      const b = scoreAll(m, test);
      for (const k of ['expected', 'lower', 'upper', 'score'] as const) {
        expect(Buffer.from(b[k].buffer).equals(Buffer.from(a[k].buffer))).toBe(true);
      }
    }
  });

  it('load rejects other kinds, versions and damaged fields', () => {
    const good = JSON.parse(JSON.stringify(model));
    const bad = (patch: Record<string, unknown>) => () => SeasonalModel.load({ ...good, ...patch });
    expect(bad({})).not.toThrow();
    expect(bad({ kind: 'ets' })).toThrow(ModelError);
    expect(bad({ formatVersion: 2 })).toThrow(ModelError);
    expect(bad({ profile: good.profile.slice(1) })).toThrow(ModelError);
    expect(bad({ profile: [...good.profile.slice(1), 'x'] })).toThrow(ModelError);
    expect(bad({ scale: good.scale.map(() => -1) })).toThrow(ModelError);
    expect(bad({ nBins: 1.5 })).toThrow(ModelError);
    expect(bad({ level: null })).toThrow(ModelError);
    expect(bad({ seasonality: 'hourly' })).toThrow(ModelError);
    expect(bad({ levelAlpha: 2 })).toThrow(ModelError);
    expect(() => SeasonalModel.load('{not json')).toThrow(ModelError);
  });

  it('survives NaN gaps in training and scoring', () => {
    const gappy = { t: train.t, v: train.v.slice() };
    for (let i = 1000; i < 1400; i++) {
      gappy.v[i] = NaN;
    }
    for (let i = 0; i < gappy.v.length; i += 7) {
      gappy.v[i] = NaN;
    }
    const m = fitSeasonal(gappy, opts());
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
});

describe('seasonal NAB-driven robustness', () => {
  it('a noiseless periodic series gets a band of at least 1% of its range and does not page on rounding', () => {
    const clean = makeSeries(10 * PER_DAY, STEP, dailySignal, 0, 3);
    const [tr, te] = split(clean, 8 * PER_DAY);
    const model = fitSeasonal(tr, opts());
    expect(model.params.bandFloor).toBeGreaterThan(0.1);
    const out = scoreAll(model, te);
    let maxScore = 0;
    for (let i = 0; i < te.t.length; i++) {
      expect(out.upper[i] - out.expected[i]).toBeGreaterThanOrEqual(model.params.bandFloor * 0.999);
      maxScore = Math.max(maxScore, out.score[i]);
    }
    expect(maxScore).toBeLessThan(1);
    // A real change on the same series still pages.
    const moved = { t: te.t, v: te.v.map((x) => x + 5) };
    expect(Math.max(...scoreAll(model, moved).score)).toBeGreaterThan(1);
  });

  it('bursts on a skewed series do not lift the level above the quiet baseline', () => {
    // Idle around 2 with rare short bursts to 60 (a CPU that runs a batch job now and then).
    const rng = new Rng(7);
    const n = 9 * PER_DAY;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = Date.UTC(2024, 0, 1) + i * STEP;
      v[i] = 2 + 0.2 * rng.next() + (i % 97 < 2 ? 60 : 0);
    }
    const cut = 7 * PER_DAY;
    const model = fitSeasonal({ t: t.slice(0, cut), v: v.slice(0, cut) }, opts({ seasonality: 'none' }));
    // Then two hours of back-to-back bursts, then quiet again.
    const tail = { t: t.slice(cut), v: v.slice(cut) };
    for (let i = 0; i < 24; i++) {
      tail.v[i] = 60;
    }
    const out = scoreAll(model, tail);
    for (let i = 30; i < 30 + PER_DAY / 2; i++) {
      if (tail.v[i] < 10) {
        expect(out.score[i]).toBeLessThan(1);
      }
    }
  });
});
