import { PER_DAY, STEP, opts, scoreAll, seasonalDetectorContract, split, train } from './contractTests';
import { ModelError } from '../errors';
import { Rng } from '../random';
import { SeasonalModel, fitSeasonal, seasonalDetector } from './seasonal';
import { dailySignal, makeSeries } from './testSeries';

describe('SeasonalModel', () => {
  const model = fitSeasonal(train, opts());

  seasonalDetectorContract({
    fit: fitSeasonal,
    detector: seasonalDetector,
    load: (json) => SeasonalModel.load(json),
    model,
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

  it('does not extrapolate a start-up transient on short history as a trend', () => {
    // A new instance: boot traffic decaying from 60 to a level of 3 over its first hours, 14 hours
    // of history in all, then 6 hours of the level.
    const rng = new Rng(11);
    const n = 20 * 12;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = Date.UTC(2024, 0, 1) + i * 300_000;
      v[i] = 3 + 57 * Math.exp(-i / 24) + 0.3 * rng.next();
    }
    const cut = 14 * 12;
    const model = fitSeasonal({ t: t.slice(0, cut), v: v.slice(0, cut) }, opts());
    expect(model.params.slope).toBe(0);
    const out = scoreAll(model, { t: t.slice(cut), v: v.slice(cut) });
    for (let i = 0; i < n - cut; i++) {
      expect(out.expected[i]).toBeGreaterThan(0);
    }
  });
});
