import { fitAdaptive } from '../adaptive/adaptive';
import { fitModel } from '../engine/fit';
import { resolveOptions } from '../options';
import { getDetector, loadModel } from '../registry';
import { dailySignal, makeSeries } from '../seasonal/testSeries';
import { allocScoreBuffers, type Model, type ModelOptions, type Series } from '../types';
import { Rng } from '../random';
import { BandSolver, EnsembleModel, fitEnsemble, IDLE_SHARE, idleFloor } from './ensemble';
import { fitRoutine, MIN_DAYS, routineBin } from './routine';

const STEP = 5 * 60_000;
const PER_DAY = 288;

const head = (s: Series, n: number): Series => ({ t: s.t.subarray(0, n), v: s.v.subarray(0, n) });

function withValue(s: Series, i: number, x: number): Series {
  const v = Float64Array.from(s.v);
  v[i] = x;
  return { t: s.t, v };
}

function scoreAt(model: Model, s: Series, i: number, from: number): number {
  const out = allocScoreBuffers(s.t.length);
  model.score(head(s, i + 1), out, from);
  return out.score[i];
}

describe('ensemble band solver', () => {
  it('solves the quadratic mean exactly and puts expected at its minimum', () => {
    const b = new BandSolver(2);
    b.add(0, -2, 2, 1);
    b.add(1, -1, 3, 1);
    // Both slopes are 1/2: s^2 = ((x/2)^2 + ((x-1)/2)^2) / 2, smallest at x = 0.5 where s = 1/4.
    expect(b.argmin()).toBeCloseTo(0.5, 12);
    expect(b.value(0.5, 3)).toBeCloseTo(0.25, 12);
    // s = 1 where x^2 + (x-1)^2 = 8: x = (1 +- sqrt(15)) / 2.
    const root = Math.sqrt(15);
    expect(b.upperEdge(0.5, 3)).toBeCloseTo((1 + root) / 2, 12);
    expect(b.lowerEdge(0.5, 3)).toBeCloseTo((1 - root) / 2, 12);
    // One-sided: only the 'above' pieces, which alone rise right of the expected values.
    expect(b.upperEdge(0.5, 1)).toBeCloseTo((1 + root) / 2, 12);
    expect(b.upperEdge(-5, 1)).toBeCloseTo((1 + root) / 2, 12);
    expect(b.value((1 + root) / 2, 3)).toBeCloseTo(1, 12);
    // Another level: s = 2 where x^2 + (x-1)^2 = 32.
    expect(b.upperEdge(0.5, 3, 2)).toBeCloseTo((1 + Math.sqrt(63)) / 2, 12);
    expect(b.lowerEdge(0.5, 3, 2)).toBeCloseTo((1 - Math.sqrt(63)) / 2, 12);
    // One member far out on its own side counts by its share of the square: 3 alone gives 3/sqrt(2).
    const c = new BandSolver(2);
    c.add(0, -1, 1, 1);
    c.add(0, -10, 10, 1);
    expect(c.value(3, 3)).toBeCloseTo(Math.sqrt((9 + 0.09) / 2), 12);
  });

  it('solves the arithmetic mean of format version 1 models exactly', () => {
    const b = new BandSolver(2, false);
    b.add(0, -2, 2, 1);
    b.add(1, -1, 3, 1);
    // Between the two expected values s = (x/2 + (1-x)/2)/2 = 0.25: flat, expected mid-segment.
    expect(b.argmin()).toBeCloseTo(0.5, 12);
    expect(b.value(0.5, 3)).toBeCloseTo(0.25, 12);
    // Right of 1: s = (x/2 + (x-1)/2)/2 = 1 at x = 2.5; left of 0: (-x/2 + (1-x)/2)/2 = 1 at x = -1.5.
    expect(b.upperEdge(0.5, 3)).toBeCloseTo(2.5, 12);
    expect(b.lowerEdge(0.5, 3)).toBeCloseTo(-1.5, 12);
    expect(b.upperEdge(0.5, 1)).toBeCloseTo(2.5, 12);
    expect(b.upperEdge(-5, 1)).toBeCloseTo(2.5, 12);
    expect(b.value(2.5, 3)).toBeCloseTo(1, 12);
    expect(b.upperEdge(0.5, 3, 2)).toBeCloseTo(4.5, 12);
    // Between the members the down piece of the right one falls as x rises: (x/2 + (3-x)/4)/2.
    const c = new BandSolver(2, false);
    c.add(0, -1, 2, 1);
    c.add(3, -1, 4, 1);
    expect(c.upperEdge(0, 3, 0.6)).toBeCloseTo(1.8, 12);
    // Beyond 3 both rise: (x/2 + (x-3))/2 = 1 at x = 10/3.
    expect(c.upperEdge(0, 3, 1)).toBeCloseTo(10 / 3, 12);
  });

  it('puts expected where the narrower band pulls it', () => {
    const b = new BandSolver(2);
    b.add(0, -1, 1, 1);
    b.add(10, 0, 20, 1);
    // s^2 ~ x^2 + ((x-10)/10)^2: minimum at 10/101.
    expect(b.argmin()).toBeCloseTo(10 / 101, 12);
  });

  it('collapses the band when no value is normal to all members', () => {
    const b = new BandSolver(2);
    b.add(0, -1, 1, 1);
    b.add(10, 9, 11, 1);
    const e = b.argmin();
    expect(b.value(e, 3)).toBeGreaterThan(1);
    expect(b.upperEdge(e, 3)).toBe(e);
    expect(b.lowerEdge(e, 3)).toBe(e);
  });

  it('leaves out members with nothing to say and renormalises the weights', () => {
    const b = new BandSolver(2);
    b.add(NaN, NaN, NaN, 1);
    b.add(5, 4, 7, 1);
    expect(b.argmin()).toBe(5);
    expect(b.upperEdge(5, 3)).toBeCloseTo(7, 12);
    expect(b.lowerEdge(5, 3)).toBeCloseTo(4, 12);
  });
});

describe('ensemble model', () => {
  const n = 10 * PER_DAY;
  const train = 7 * PER_DAY;
  const s = makeSeries(n, STEP, dailySignal, 1, 4);
  const fit = (options: ModelOptions) => fitEnsemble(head(s, train), options, getDetector);

  it('scores exactly 1 at its band edges, below inside and above outside', () => {
    const model = fit(resolveOptions());
    const out = allocScoreBuffers(n);
    model.score(s, out, train);
    for (const i of [train + 5, train + 500, n - 3]) {
      const { upper, lower, expected } = out;
      expect(lower[i]).toBeLessThan(expected[i]);
      expect(upper[i]).toBeGreaterThan(expected[i]);
      // The band at i does not depend on the value at i, so we can move it along the band.
      expect(scoreAt(model, withValue(s, i, upper[i]), i, train)).toBeCloseTo(1, 9);
      expect(scoreAt(model, withValue(s, i, lower[i]), i, train)).toBeCloseTo(1, 9);
      const w = upper[i] - lower[i];
      expect(scoreAt(model, withValue(s, i, upper[i] - 0.01 * w), i, train)).toBeLessThan(1);
      expect(scoreAt(model, withValue(s, i, upper[i] + 0.01 * w), i, train)).toBeGreaterThan(1);
      expect(scoreAt(model, withValue(s, i, expected[i]), i, train)).toBeLessThan(0.5);
    }
  });

  it('flags a spike that both members see', () => {
    const model = fit(resolveOptions());
    const spiked = withValue(s, train + 300, s.v[train + 300] + 40);
    expect(scoreAt(model, spiked, train + 300, train)).toBeGreaterThan(2);
  });

  it('honours direction and the minimum deviation', () => {
    const i = train + 300;
    const above = fit(resolveOptions({ direction: 'above' }));
    expect(scoreAt(above, withValue(s, i, s.v[i] - 40), i, train)).toBe(0);
    expect(scoreAt(above, withValue(s, i, s.v[i] + 40), i, train)).toBeGreaterThan(2);
    const floored = fit(resolveOptions({ minAbsDeviation: 30 }));
    const out = allocScoreBuffers(n);
    floored.score(s, out, train);
    expect(out.upper[i] - out.expected[i]).toBeGreaterThanOrEqual(30 - 1e-9);
    expect(out.expected[i] - out.lower[i]).toBeGreaterThanOrEqual(30 - 1e-9);
    expect(scoreAt(floored, withValue(s, i, out.expected[i] + 29), i, train)).toBeLessThanOrEqual(1);
    expect(scoreAt(floored, withValue(s, i, out.upper[i]), i, train)).toBeCloseTo(1, 9);
  });

  it('with direction "above" scores nothing below its expected value; version 3 models as saved', () => {
    const i = train + 300;
    const above = fit(resolveOptions({ direction: 'above' }));
    const out = allocScoreBuffers(n);
    above.score(s, out, train);
    // Between the members' expected values a point is above one member's and below the drawn line.
    const members = above.members.map((m) => {
      const b = allocScoreBuffers(n);
      m.score(s, b, train);
      return b.expected[i];
    });
    const lowest = Math.min(...members);
    expect(lowest).toBeLessThan(out.expected[i]);
    const between = withValue(s, i, 0.5 * (lowest + out.expected[i]));
    expect(scoreAt(above, between, i, train)).toBe(0);
    // Saved as version 3, the same model still scores that point by the lower member.
    const v3 = loadModel({ ...above.toJSON(), formatVersion: 3 }) as EnsembleModel;
    expect(v3.toJSON().formatVersion).toBe(3);
    expect(scoreAt(v3, between, i, train)).toBeGreaterThan(0);
  });

  it('round-trips through JSON with identical outputs', () => {
    const model = fit(resolveOptions());
    const again = loadModel(JSON.stringify(model));
    expect(again).toBeInstanceOf(EnsembleModel);
    const a = allocScoreBuffers(n);
    const b = allocScoreBuffers(n);
    model.score(s, a, train);
    again.score(s, b, train);
    for (const key of ['expected', 'lower', 'upper', 'score'] as const) {
      expect(Array.from(b[key])).toEqual(Array.from(a[key]));
    }
  });

  it('loads a format version 1 model, which keeps the arithmetic mean and saves as version 1', () => {
    const model = fit(resolveOptions());
    const { routine: _routine, ...json } = model.toJSON();
    const old = loadModel({ ...json, formatVersion: 1 }) as EnsembleModel;
    expect(old.combine).toBe('mean');
    expect(model.combine).toBe('quadratic');
    expect(old.toJSON().formatVersion).toBe(1);
    expect((loadModel(JSON.parse(JSON.stringify(old))) as EnsembleModel).combine).toBe('mean');
    const a = allocScoreBuffers(n);
    const b = allocScoreBuffers(n);
    old.score(s, a, train);
    model.score(s, b, train);
    // Same members, same bands: each point's two scores are the arithmetic and quadratic means.
    let differ = 0;
    for (let i = train; i < n; i++) {
      if (a.score[i] > 0.05) {
        expect(b.score[i]).toBeGreaterThanOrEqual(a.score[i] * (1 - 1e-9));
        differ += b.score[i] > a.score[i] * 1.01 ? 1 : 0;
      }
    }
    expect(differ).toBeGreaterThan(0);
    expect(
      () =>
        new EnsembleModel(
          old.options,
          old.training,
          old.members,
          old.weights,
          null,
          {
            binMs: 3_600_000,
            up: new Float64Array(24).fill(1),
            down: new Float64Array(24).fill(1),
          },
          'mean'
        )
    ).toThrow(/quadratic/);
  });

  it('rejects what it cannot load', () => {
    const json = fit(resolveOptions()).toJSON();
    const member = (json.members as unknown[])[0];
    expect(() => loadModel({ ...json, formatVersion: 5 })).toThrow(/not supported/);
    expect(() => loadModel({ ...json, formatVersion: 0 })).toThrow(/not supported/);
    expect(() => loadModel({ ...json, members: [] })).toThrow(/members/);
    expect(() => loadModel({ ...json, members: 'x' })).toThrow(/members/);
    expect(() => loadModel({ ...json, weights: [1] })).toThrow(/weights/);
    expect(() => loadModel({ ...json, weights: [1, -1] })).toThrow(/weights/);
    expect(() => loadModel({ ...json, members: [json, member], weights: [1, 1] })).toThrow(/cannot be ensembles/);
    expect(() => loadModel({ ...json, members: [{ kind: 'nope' }, member] })).toThrow(/cannot load/);
    expect(() => loadModel({ ...json, members: [{ ...(member as object), formatVersion: 99 }, member] })).toThrow(
      /not supported/
    );
    expect(() => EnsembleModel.load({ ...json, kind: 'seasonal' }, loadModel)).toThrow(/expected a ensemble model/);
  });

  it('starts with the members that have enough history and asks for a refit when the next can join', () => {
    const short = head(s, 100);
    const d = fitModel('auto', short, resolveOptions(), STEP);
    expect(d?.model).toBeInstanceOf(EnsembleModel);
    expect((d?.model as EnsembleModel).members.map((m) => m.kind)).toEqual(['seasonal']);
    expect(d?.warmingUp).toBe(true);
    expect(d?.needPoints).toBe(getDetector('adaptive').minTrainingPoints(resolveOptions(), STEP));
    const full = fitModel('auto', head(s, 400), resolveOptions(), STEP);
    expect((full?.model as EnsembleModel).members.length).toBe(2);
    expect(full?.warmingUp).toBe(false);
  });

  it('is what auto fits, with members trained on the same window', () => {
    const model = fit(resolveOptions());
    expect(model.members.map((m) => m.kind)).toEqual(['seasonal', 'adaptive']);
    for (const m of model.members) {
      expect(m.training.fingerprint).toBe(model.training.fingerprint);
    }
  });
});

describe('incident aftermath', () => {
  const n = 10 * PER_DAY;
  const train = 7 * PER_DAY;
  const s = makeSeries(n, STEP, dailySignal, 1, 4);
  // After training: an hour-long drop, a spike an hour after it ends, the same spike a day later.
  const dip = train + PER_DAY;
  for (let i = dip; i < dip + 12; i++) {
    s.v[i] -= 40;
  }
  const soon = dip + 24;
  const later = dip + PER_DAY + 24;
  s.v[soon] += 20;
  s.v[later] += 20;
  const model = fitEnsemble(head(s, train), resolveOptions(), getDetector);
  const plain = new EnsembleModel(
    model.options,
    model.training,
    model.members,
    model.weights,
    model.idle,
    model.routine
  );
  const a = allocScoreBuffers(n);
  const b = allocScoreBuffers(n);
  model.score(s, a, train);
  plain.score(s, b, train);

  it('scores the incident itself in full and what follows it against its peak', () => {
    expect(model.aftermath).toEqual({ phase: 0, peak: 0, startMs: 0, endMs: 0 });
    let end = dip;
    while (b.score[end] > 1) {
      expect(a.score[end]).toBe(b.score[end]);
      end++;
    }
    expect(end - dip).toBeGreaterThanOrEqual(6);
    for (let i = train; i < end; i++) {
      expect(a.score[i]).toBe(b.score[i]);
    }
    const peak = Math.max(...b.score.subarray(dip, end));
    // Within the aftermath (12 x the run): relative to the peak; the spike is smaller than the drop.
    expect(b.score[soon]).toBeGreaterThan(1);
    expect(a.score[soon]).toBeCloseTo(b.score[soon] / peak, 12);
    expect(a.score[soon]).toBeLessThan(1);
    // The band is drawn at the peak, so its edge still scores exactly 1.
    expect(a.upper[soon] - a.expected[soon]).toBeGreaterThan(b.upper[soon] - b.expected[soon]);
    expect(scoreAt(model, withValue(s, soon, a.upper[soon]), soon, train)).toBeCloseTo(1, 9);
    // A day later the same spike pages in full again.
    expect(a.score[later]).toBe(b.score[later]);
    expect(a.score[later]).toBeGreaterThan(1);
  });

  it('keeps the minimum-deviation band edge at exactly 1 within the aftermath', () => {
    // A minimum deviation wider than the held band: the band is widened to it, and its edge scores 1.
    const minAbsDeviation = 1.2 * (a.upper[soon] - a.expected[soon]);
    const wide = fitEnsemble(head(s, train), resolveOptions({ minAbsDeviation }), getDetector);
    const c = allocScoreBuffers(n);
    wide.score(s, c, train);
    expect(c.upper[soon] - c.expected[soon]).toBeCloseTo(minAbsDeviation, 6);
    expect(scoreAt(wide, withValue(s, soon, c.upper[soon]), soon, train)).toBeCloseTo(1, 9);
    expect(scoreAt(wide, withValue(s, soon, c.lower[soon]), soon, train)).toBeCloseTo(1, 9);
  });

  it('scores a point the same whatever range it is asked in', () => {
    for (const from of [soon - 3, soon, dip + 5]) {
      const c = allocScoreBuffers(n);
      model.score(head(s, soon + 1), c, from);
      expect(c.score[soon]).toBe(a.score[soon]);
      expect(c.upper[soon]).toBe(a.upper[soon]);
    }
    expect(model.contextStartMs(s.t[soon])).toBeLessThanOrEqual(model.training.toMs + 1);
  });

  it('saves its state (format version 3 and later) and loads version 2 models without it', () => {
    const json = model.toJSON();
    expect(json.formatVersion).toBe(4);
    const again = loadModel(JSON.parse(JSON.stringify(json))) as EnsembleModel;
    expect(again.aftermath).toEqual(model.aftermath);
    const { aftermath: _aftermath, ...v2 } = json;
    const old = loadModel({ ...v2, formatVersion: 2 }) as EnsembleModel;
    expect(old.aftermath).toBeNull();
    expect(old.toJSON().formatVersion).toBe(2);
    const c = allocScoreBuffers(n);
    old.score(s, c, train);
    expect(Array.from(c.score)).toEqual(Array.from(b.score));
    expect(() => loadModel({ ...json, aftermath: { phase: 5 } })).toThrow(/aftermath/);
    expect(() => loadModel(v2)).toThrow(/aftermath/);
  });
});

describe('idle floor', () => {
  // An idle disk: 0 most of the time, irregular bursts of writes of varying size.
  const n = 10 * PER_DAY;
  const train = 7 * PER_DAY;
  const rng = new Rng(7);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0, left = 0, height = 0; i < n; i++) {
    t[i] = Date.UTC(2024, 0, 1) + i * STEP;
    if (left === 0 && rng.next() < 0.04) {
      left = 3 + Math.floor(rng.next() * 12);
      height = 50 + 150 * rng.next();
    }
    v[i] = left > 0 ? height * (0.7 + 0.6 * rng.next()) : 0;
    left = Math.max(0, left - 1);
  }
  // After training, three hours of sustained writing (a backup), then idle again.
  for (let i = train + 200; i < train + 236; i++) {
    v[i] = 120 + 10 * rng.next();
  }
  for (let i = train + 236; i < train + 300; i++) {
    v[i] = 0;
  }
  const s: Series = { t, v };

  it('is found where the series rests at its minimum, and only there', () => {
    const f = idleFloor(head(s, train).v);
    expect(f?.value).toBe(0);
    expect(f?.tolerance).toBeGreaterThan(0);
    expect(idleFloor(makeSeries(train, STEP, dailySignal, 1, 4).v)).toBeNull();
    // Just under the required share of resting points: no floor.
    const few = Float64Array.from({ length: 1000 }, (_, i) => (i < IDLE_SHARE * 1000 - 1 ? 0 : 10 + (i % 7)));
    expect(idleFloor(few)).toBeNull();
    few[Math.floor(IDLE_SHARE * 1000)] = 0;
    expect(idleFloor(few)?.value).toBe(0);
  });

  it('never pages on a return to the floor, still pages below it and on bursts', () => {
    const fitted = fitEnsemble(head(s, train), resolveOptions(), getDetector);
    expect(fitted.idle?.value).toBe(0);
    // Both without the incident aftermath, which would follow their different scores differently.
    const model = new EnsembleModel(fitted.options, fitted.training, fitted.members, fitted.weights, fitted.idle);
    const without = new EnsembleModel(model.options, model.training, model.members, model.weights, null);
    const a = allocScoreBuffers(n);
    const b = allocScoreBuffers(n);
    model.score(s, a, train);
    without.score(s, b, train);
    let returns = 0;
    let pagedWithout = 0;
    for (let i = train; i < n; i++) {
      if (v[i] === 0 && a.expected[i] > 0) {
        returns++;
        expect(a.score[i]).toBe(0);
        if (b.score[i] > 1) {
          pagedWithout++;
        }
      } else {
        expect(a.score[i]).toBe(b.score[i]);
      }
    }
    expect(returns).toBeGreaterThan(0);
    // The situation the floor is for does arise on this series.
    expect(pagedWithout).toBeGreaterThan(0);
    const i = train + 100;
    // Below the floor and the band: a value the series never took still pages.
    expect(a.lower[i]).toBeLessThan(0);
    expect(scoreAt(model, withValue(s, i, a.lower[i] - 1), i, train)).toBeGreaterThan(1);
    expect(scoreAt(model, withValue(s, i, a.upper[i] + 1), i, train)).toBeGreaterThan(1);
  });

  it('round-trips through JSON and rejects a malformed floor', () => {
    const model = fitEnsemble(head(s, train), resolveOptions(), getDetector);
    const again = loadModel(JSON.parse(JSON.stringify(model))) as EnsembleModel;
    expect(again.idle).toEqual(model.idle);
    const json = model.toJSON();
    expect(() => loadModel({ ...json, idle: 3 })).toThrow(/idle/);
    expect(() => loadModel({ ...json, idle: { value: 0, tolerance: -1 } })).toThrow(/idle/);
    const { idle: _idle, ...old } = json;
    expect((loadModel(old) as EnsembleModel).idle).toBeNull();
  });
});

describe('daily routine', () => {
  // A CPU-like series with a nightly job: around 03:00 (jitter up to +-25 minutes) the value jumps
  // from ~5 to ~60 for one point every day.
  const days = 12;
  const n = days * PER_DAY;
  const train = 9 * PER_DAY;
  const rng = new Rng(11);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = Date.UTC(2024, 0, 1) + i * STEP;
    v[i] = 5 + rng.next();
  }
  const jobAt = (d: number) => d * PER_DAY + 36 + Math.round((rng.next() - 0.5) * 10);
  for (let d = 0; d < days; d++) {
    v[jobAt(d)] = 55 + 10 * rng.next();
  }
  const s: Series = { t, v };
  const model = fitEnsemble(head(s, train), resolveOptions(), getDetector);
  const without = new EnsembleModel(model.options, model.training, model.members, model.weights, model.idle);

  it('learns the nightly job, and only it, from the training window', () => {
    const r = model.routine!;
    expect(r).not.toBeNull();
    const nBins = r.up.length;
    const at3 = routineBin(Date.UTC(2024, 0, 1, 3), r.binMs, nBins);
    const at15 = routineBin(Date.UTC(2024, 0, 1, 15), r.binMs, nBins);
    expect(r.up[at3]).toBeGreaterThan(1);
    expect(r.up[at15]).toBe(1);
    // Nothing below the expected value is routine here.
    expect(Array.from(r.down).every((x) => x === 1)).toBe(true);
    // Too few days of history: no routine yet.
    expect(fitEnsemble(head(s, (MIN_DAYS - 1) * PER_DAY), resolveOptions(), getDetector).routine).toBeNull();
    // A series without a job has none.
    expect(fitEnsemble(makeSeries(train, STEP, dailySignal, 1, 4), resolveOptions(), getDetector).routine).toBeNull();
  });

  it('keeps the routine-sized job in the band, pages on one far beyond it or at another time', () => {
    const a = allocScoreBuffers(n);
    const b = allocScoreBuffers(n);
    model.score(s, a, train);
    without.score(s, b, train);
    for (let d = 9; d < days; d++) {
      let i = d * PER_DAY + 20;
      while (v[i] < 30) {
        i++;
      }
      expect(b.score[i]).toBeGreaterThan(1);
      expect(a.score[i]).toBeLessThan(1);
      expect(a.upper[i]).toBeGreaterThan(v[i]);
      // Its band edge scores exactly 1.
      expect(scoreAt(model, withValue(s, i, a.upper[i]), i, train)).toBeCloseTo(1, 9);
      // Three times the job's usual size is an incident even at 03:00.
      expect(scoreAt(model, withValue(s, i, 200), i, train)).toBeGreaterThan(1);
    }
    // The job's size at 15:00 pages as it did without the routine.
    const i = 10 * PER_DAY + 180;
    expect(scoreAt(model, withValue(s, i, 60), i, train)).toBeGreaterThan(1);
    expect(scoreAt(model, withValue(s, i, 60), i, train)).toBe(scoreAt(without, withValue(s, i, 60), i, train));
  });

  it('round-trips through JSON, loads version 1 models without one, rejects a malformed one', () => {
    const again = loadModel(JSON.parse(JSON.stringify(model))) as EnsembleModel;
    expect(again.routine).toEqual(model.routine);
    const json = model.toJSON();
    expect(json.formatVersion).toBe(4);
    const { routine: _routine, ...old } = json;
    expect((loadModel({ ...old, formatVersion: 1 }) as EnsembleModel).routine).toBeNull();
    const r = json.routine as { binMs: number; up: number[]; down: number[] };
    expect(() => loadModel({ ...json, routine: 3 })).toThrow(/routine/);
    expect(() => loadModel({ ...json, routine: { ...r, up: r.up.slice(1) } })).toThrow(/routine/);
    expect(() => loadModel({ ...json, routine: { ...r, down: r.down.map(() => 0.5) } })).toThrow(/routine/);
    expect(() => loadModel({ ...json, routine: { ...r, binMs: -1 } })).toThrow(/routine/);
  });

  it('needs the excursion on most days, within its tolerance of the same time', () => {
    const tt = Float64Array.from({ length: 5 * PER_DAY }, (_, i) => i * STEP);
    const vv = new Float64Array(tt.length);
    const e = new Float64Array(tt.length);
    const sc = new Float64Array(tt.length).fill(0.1);
    // Out of band at 03:00 on two days of five: not routine.
    sc[36] = 5;
    sc[PER_DAY + 36] = 5;
    vv.fill(1);
    expect(fitRoutine(tt, vv, e, sc, STEP)).toBeNull();
    // On three of five, up to 25 minutes apart: routine there, and not twelve hours away.
    sc[2 * PER_DAY + 41] = 5;
    const r = fitRoutine(tt, vv, e, sc, STEP)!;
    expect(r.up[routineBin(36 * STEP, r.binMs, r.up.length)]).toBe(5);
    expect(r.up[routineBin((36 + 144) * STEP, r.binMs, r.up.length)]).toBe(1);
    // Hourly steps cannot place a job within half an hour.
    expect(fitRoutine(tt, vv, e, sc, 3_600_000)).toBeNull();
  });
});

describe('adaptive band', () => {
  it('moves in while a sustained deviation builds up, and its edge scores exactly 1', () => {
    const s = makeSeries(4 * PER_DAY, STEP, () => 50, 1, 7);
    for (let i = 3 * PER_DAY; i < 3 * PER_DAY + 10; i++) {
      s.v[i] += 2.5;
    }
    const model = fitAdaptive(head(s, 2 * PER_DAY), resolveOptions());
    const out = allocScoreBuffers(s.t.length);
    model.score(s, out, 2 * PER_DAY);
    const i = 3 * PER_DAY + 9;
    expect(out.upper[i] - out.expected[i]).toBeLessThan(0.8 * (out.upper[i - 100] - out.expected[i - 100]));
    for (const x of [out.upper[i], out.lower[i]]) {
      expect(scoreAt(model, withValue(s, i, x), i, 2 * PER_DAY)).toBeCloseTo(1, 9);
    }
  });
});
