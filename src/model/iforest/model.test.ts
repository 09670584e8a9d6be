import { backtest } from '../engine/backtest';
import { ModelError } from '../errors';
import { resolveOptions } from '../options';
import { allocScoreBuffers, type Series } from '../types';
import { fitIsolationForest, isolationForestDetector, IsolationForestModel } from './model';
import { copySeries, dailySeries, officeHoursSeries, sameBits, STEP_MS } from './testing';

const DAY_POINTS = 86_400_000 / STEP_MS;

function head(s: Series, n: number): Series {
  return { t: s.t.subarray(0, n), v: s.v.subarray(0, n) };
}

function scoreAll(model: IsolationForestModel, s: Series, from = 0) {
  const out = allocScoreBuffers(s.t.length);
  model.score(s, out, from);
  return out;
}

describe('IsolationForestModel', () => {
  const options = resolveOptions({ seed: 7 });
  const series = dailySeries(14, 1);
  const train = head(series, 10 * DAY_POINTS);
  const model = fitIsolationForest(train, options);

  it('scores an injected spike and level shift above 1, most normal points below 1', () => {
    const test = copySeries(series);
    const spike = 12 * DAY_POINTS + 100;
    test.v[spike] += 40;
    const shiftFrom = 13 * DAY_POINTS;
    for (let i = shiftFrom; i < shiftFrom + 12; i++) {
      test.v[i] -= 40;
    }
    const out = scoreAll(model, test);
    expect(out.score[spike]).toBeGreaterThan(1);
    expect(out.score[shiftFrom]).toBeGreaterThan(1);
    let high = 0;
    let normal = 0;
    for (let i = 10 * DAY_POINTS; i < 12 * DAY_POINTS; i++) {
      normal++;
      if (out.score[i] > 1) {
        high++;
      }
    }
    expect(high / normal).toBeLessThan(0.02);
    // The band is around the rolling-median expectation and contains ordinary points.
    const i = 11 * DAY_POINTS;
    expect(out.lower[i]).toBeLessThan(out.expected[i]);
    expect(out.upper[i]).toBeGreaterThan(out.expected[i]);
  });

  it('judges a typical value by its time of day', () => {
    const spec = { value: true, diff: false, dev: false, std: false, timeOfDay: true, dayOfWeek: false };
    const office = officeHoursSeries(12, 3);
    const m = fitIsolationForest(head(office, 10 * DAY_POINTS), options, { spec });
    const test = copySeries(office);
    const night = 11 * DAY_POINTS + 3 * 12; // 03:00
    const noon = 11 * DAY_POINTS + 12 * 12; // 12:00
    test.v[night] = 100;
    test.v[noon] = 100;
    const out = scoreAll(m, test);
    // Isolation by random cuts is weak for a hole in the daily cycle, so the night point is
    // clearly raised rather than guaranteed past the band at the default sensitivity.
    expect(out.score[night]).toBeGreaterThan(0.4);
    expect(out.score[night]).toBeGreaterThan(out.score[noon] + 0.3);
    expect(out.score[noon]).toBeLessThan(1);
    // The forest's part of the night verdict comes from the time-of-day features.
    const why = m.explain(test, night);
    const timeShare = why
      .filter((c) => c.feature.startsWith('timeOfDay'))
      .reduce((a, c) => a + Math.max(c.contribution, 0), 0);
    expect(timeShare).toBeGreaterThan(0.3 * why.reduce((a, c) => a + Math.max(c.contribution, 0), 0));
  });

  it('draws the band so that a point scoring above 1 lies outside it, also where the forest outranks the band', () => {
    const { bandUpper, bandLower } = model.toJSON() as unknown as { bandUpper: number; bandLower: number };
    const test = copySeries(series);
    // Two hours of a sawtooth within the magnitude band: no value is far out, the shape is.
    for (let i = 11 * DAY_POINTS; i < 11 * DAY_POINTS + 24; i++) {
      test.v[i] += (i % 2 ? 0.9 : -0.9) * bandUpper;
    }
    const out = scoreAll(model, test, 10 * DAY_POINTS);
    let forestDecided = 0;
    for (let i = 10 * DAY_POINTS; i < test.t.length; i++) {
      const x = test.v[i];
      const r = x - out.expected[i];
      const inside = x >= out.lower[i] && x <= out.upper[i];
      expect(out.score[i] > 1).toBe(!inside);
      if (out.score[i] > 1) {
        // Still the distance beyond the drawn edge in band units, wherever the verdict came from.
        const width = r >= 0 ? out.upper[i] - out.expected[i] : out.expected[i] - out.lower[i];
        expect(out.score[i]).toBeCloseTo(Math.abs(r) / width, 9);
        if (r <= bandUpper && -r <= bandLower) {
          forestDecided++;
        }
      }
    }
    // Some of those points are within the magnitude band: the forest alone found them unusual.
    expect(forestDecided).toBeGreaterThan(0);
  });

  it('does not page on the clock alone: a 10-hour cycle with nothing unusual stays quiet', () => {
    const n = 9 * DAY_POINTS;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = series.t[0] + i * STEP_MS;
      v[i] = -1000 + 10 * Math.sin(i / 20);
    }
    // Replayed as alerts see it: from cold start, refitted every 6 hours on up to a week.
    const r = backtest(
      { t, v },
      { model: 'iforest', options: resolveOptions({ seed: 7, trainingWindowMs: 7 * 86_400_000 }) }
    );
    let high = 0;
    for (let i = 0; i < n; i++) {
      if (r.score[i] > 1) {
        high++;
      }
    }
    expect(high).toBeLessThanOrEqual(2);
    // A model saved as version 1 keeps scoring the clock as it did.
    const m = fitIsolationForest({ t: t.subarray(0, DAY_POINTS), v: v.subarray(0, DAY_POINTS) }, options);
    const v1 = IsolationForestModel.load({ ...JSON.parse(JSON.stringify(m)), formatVersion: 1 });
    expect(m.toJSON().formatVersion).toBe(2);
    expect(v1.toJSON().formatVersion).toBe(1);
    const count = (model: IsolationForestModel) =>
      Array.from(scoreAll(model, { t, v }, DAY_POINTS).score).filter((x) => x > 1).length;
    expect(count(v1)).toBeGreaterThan(count(m));
  });

  it('is causal: changing later values never changes earlier outputs', () => {
    const a = scoreAll(model, series);
    const changed = copySeries(series);
    const k = 11 * DAY_POINTS;
    for (let i = k + 1; i < changed.v.length; i++) {
      changed.v[i] = i % 3 === 0 ? NaN : changed.v[i] * 5;
    }
    const b = scoreAll(model, changed);
    for (const key of ['score', 'expected', 'lower', 'upper'] as const) {
      expect(sameBits(a[key].subarray(0, k + 1), b[key].subarray(0, k + 1))).toBe(true);
    }
  });

  it('treats points before `from` as context only', () => {
    const full = scoreAll(model, series);
    const from = 12 * DAY_POINTS;
    const part = scoreAll(model, series, from);
    expect(sameBits(full.score.subarray(from), part.score.subarray(from))).toBe(true);
    expect(sameBits(full.expected.subarray(from), part.expected.subarray(from))).toBe(true);
  });

  it('is deterministic per seed', () => {
    const again = fitIsolationForest(train, options);
    const other = fitIsolationForest(train, resolveOptions({ seed: 8 }));
    expect(sameBits(scoreAll(model, series).score, scoreAll(again, series).score)).toBe(true);
    expect(sameBits(scoreAll(model, series).score, scoreAll(other, series).score)).toBe(false);
  });

  it('round-trips toJSON -> JSON.stringify -> load with bit-identical outputs', () => {
    const loaded = isolationForestDetector.load(JSON.parse(JSON.stringify(model)));
    const a = scoreAll(model, series);
    const out = allocScoreBuffers(series.t.length);
    loaded.score(series, out);
    for (const key of ['score', 'expected', 'lower', 'upper'] as const) {
      expect(sameBits(a[key], out[key])).toBe(true);
    }
    expect(IsolationForestModel.load(JSON.stringify(model)).toJSON()).toEqual(JSON.parse(JSON.stringify(model)));
  });

  it('load rejects another kind, another version and damaged fields', () => {
    const json = JSON.parse(JSON.stringify(model));
    expect(() => IsolationForestModel.load({ ...json, kind: 'zscore' })).toThrow(ModelError);
    expect(() => IsolationForestModel.load({ ...json, formatVersion: 3 })).toThrow(/version/);
    expect(() => IsolationForestModel.load({ ...json, sThr: json.sMed })).toThrow(ModelError);
    expect(() => IsolationForestModel.load({ ...json, scaler: { ...json.scaler, scale: [1] } })).toThrow(ModelError);
    expect(() => IsolationForestModel.load({ ...json, spec: { ...json.spec, std: false } })).toThrow(/features/);
    const forest = { ...json.forest, leafPath: json.forest.leafPath.slice(0, -1) };
    expect(() => IsolationForestModel.load({ ...json, forest })).toThrow(ModelError);
    expect(() => IsolationForestModel.load('{not json')).toThrow(ModelError);
  });

  it('honours direction and minimum deviations', () => {
    const test = copySeries(series);
    const dip = 12 * DAY_POINTS + 50;
    test.v[dip] -= 40;
    const above = fitIsolationForest(train, resolveOptions({ seed: 7, direction: 'above' }));
    expect(scoreAll(above, test).score[dip]).toBe(0);
    expect(scoreAll(model, test).score[dip]).toBeGreaterThan(1);
    const lenient = fitIsolationForest(train, resolveOptions({ seed: 7, minAbsDeviation: 1000 }));
    const out = scoreAll(lenient, test);
    expect(Math.max(...out.score.filter(Number.isFinite))).toBeLessThan(1);
  });

  it('scores a gap NaN and recovers right after it', () => {
    const test = copySeries(series);
    const g = 12 * DAY_POINTS;
    for (let i = g; i < g + 30; i++) {
      test.v[i] = NaN;
    }
    const out = scoreAll(model, test);
    expect(out.score[g]).toBeNaN();
    for (let i = g + 30; i < g + 60; i++) {
      expect(Number.isFinite(out.score[i])).toBe(true);
      expect(Number.isFinite(out.expected[i])).toBe(true);
    }
  });

  it('explains a spike by a value feature, not by the clock', () => {
    const test = copySeries(series);
    const spike = 12 * DAY_POINTS + 100;
    test.v[spike] += 40;
    const ex = model.explain(test, spike);
    expect(['value', 'diff', 'dev']).toContain(ex[0].feature);
    expect(ex[0].contribution).toBeGreaterThan(0);
    expect(ex.map((c) => c.feature).sort()).toEqual([...model.featureNames].sort());
  });

  it('detector advertises its kind and a minimum history', () => {
    expect(isolationForestDetector.kind).toBe('iforest');
    expect(isolationForestDetector.minTrainingPoints(options, STEP_MS)).toBeGreaterThanOrEqual(32);
    expect(isolationForestDetector.fit(train, options).kind).toBe('iforest');
  });
});
