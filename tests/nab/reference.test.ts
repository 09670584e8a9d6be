import { NAB_PROFILES, scoreCorpus } from '../../src/model/eval/nab';
import { loadNabCorpus, withReferenceScores } from './corpus';

// Normalised scores published for these 28 files (README of the nab-dev split).
const PUBLISHED: Record<string, Record<keyof typeof NAB_PROFILES, number>> = {
  numenta: { standard: 72.3, reward_low_FP_rate: 69.1, reward_low_FN_rate: 76.0 },
  windowedGaussian: { standard: 26.5, reward_low_FP_rate: 2.2, reward_low_FN_rate: 37.1 },
};

describe('NAB scorer against published results', () => {
  const corpus = loadNabCorpus();

  it('reads the whole split', () => {
    expect(corpus).toHaveLength(28);
    expect(corpus.reduce((n, f) => n + f.windows.length, 0)).toBe(36);
  });

  it('scores the null detector at 0 in every profile, equal to detecting nothing', () => {
    const nullResults = scoreCorpus(withReferenceScores(corpus, 'null'));
    const nothing = scoreCorpus(
      corpus.map((f) => ({ ...f, scores: new Float64Array(f.timestamps.length) })),
      {
        profiles: NAB_PROFILES,
      }
    );
    for (const [profile, cost] of Object.entries(NAB_PROFILES)) {
      const r = nullResults[profile];
      expect(r.raw).toBeCloseTo(-36 * cost.fn, 9);
      expect(r.normalised).toBeCloseTo(0, 9);
      expect(r.tp).toBe(0);
      expect(r.fp).toBe(0);
      // An all-zero detector can still "detect everything" at threshold 0; it must not pay off.
      expect(nothing[profile].raw).toBeCloseTo(-36 * cost.fn, 9);
    }
  });

  for (const [detector, expected] of Object.entries(PUBLISHED)) {
    it(`reproduces ${detector}`, () => {
      const results = scoreCorpus(withReferenceScores(corpus, detector));
      for (const [profile, published] of Object.entries(expected)) {
        const r = results[profile];

        console.log(
          `${detector} ${profile}: normalised ${r.normalised.toFixed(2)} raw ${r.raw.toFixed(4)} ` +
            `threshold ${r.threshold} tp ${r.tp} fp ${r.fp} fn ${r.fn}`
        );
        expect(Math.abs(r.normalised - published)).toBeLessThanOrEqual(0.1);
        const perFileSum = r.perFile.reduce((s, f) => s + f.raw, 0);
        expect(perFileSum).toBeCloseTo(r.raw, 9);
        expect(r.tp + r.fn).toBe(36);
      }
    });
  }
});
