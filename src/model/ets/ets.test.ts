import {
  NOISE,
  PER_DAY,
  STEP,
  full,
  opts,
  scoreAll,
  seasonalDetectorContract,
  split,
  test,
  train,
} from '../seasonal/contractTests';
import { ModelError } from '../errors';
import { EtsModel, etsDetector, fitEts } from './ets';
import { HOUR, dailySignal, fractionAbove } from '../seasonal/testSeries';

describe('EtsModel', () => {
  const model = fitEts(train, opts());

  it('ignores context points inside the training range and keeps the season in phase across gaps', () => {
    const ctx = split(full, 13 * PER_DAY)[1];
    const out = scoreAll(model, ctx);
    const a = scoreAll(model, test);
    for (let i = 0; i < PER_DAY; i++) {
      expect(out.expected[i]).toBeNaN();
      expect(out.score[i]).toBe(0);
    }
    expect(Array.from(out.score.subarray(PER_DAY))).toEqual(Array.from(a.score));
    // Drop six hours of points entirely (missing timestamps): the forecast after the gap still
    // follows the daily shape.
    const keep = (i: number) => i < 100 || i >= 100 + (6 * HOUR) / STEP;
    const idx = Array.from({ length: test.t.length }, (_, i) => i).filter(keep);
    const g = { t: Float64Array.from(idx, (i) => test.t[i]), v: Float64Array.from(idx, (i) => test.v[i]) };
    const og = scoreAll(model, g);
    for (let j = 100; j < 150; j++) {
      expect(Math.abs(og.expected[j] - dailySignal(g.t[j]))).toBeLessThan(1.5 * NOISE);
    }
    expect(fractionAbove(og.score)).toBeLessThan(0.01);
  });

  seasonalDetectorContract({ fit: fitEts, detector: etsDetector, load: (json) => EtsModel.load(json), model });
  it('load rejects other kinds, versions and damaged fields', () => {
    const good = JSON.parse(JSON.stringify(model));
    const bad = (patch: Record<string, unknown>) => () => EtsModel.load({ ...good, ...patch });
    expect(bad({})).not.toThrow();
    expect(bad({ kind: 'seasonal' })).toThrow(ModelError);
    expect(bad({ formatVersion: 2 })).toThrow(ModelError);
    expect(bad({ season: good.season.slice(1) })).toThrow(ModelError);
    expect(bad({ season: [...good.season.slice(1), 'x'] })).toThrow(ModelError);
    expect(bad({ m: 1.5 })).toThrow(ModelError);
    expect(bad({ stepMs: 0 })).toThrow(ModelError);
    expect(bad({ alpha: 1.2 })).toThrow(ModelError);
    expect(bad({ bandUpper: -1 })).toThrow(ModelError);
    expect(bad({ level: null })).toThrow(ModelError);
    expect(bad({ seasonality: 'hourly' })).toThrow(ModelError);
    expect(bad({ training: { ...good.training, toMs: 'x' } })).toThrow(ModelError);
    expect(() => EtsModel.load('{not json')).toThrow(ModelError);
  });
});
