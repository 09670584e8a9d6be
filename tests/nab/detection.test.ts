import { evaluateCorpus } from '../../src/model/eval/runCorpus';
import { resolveOptions } from '../../src/model/options';
import { loadNabCorpus } from './corpus';

// Detection quality of the default model on the NAB development split, scored causally with one
// configuration for every file. A floor under today's figures (standard 61.9, low FP 47.8,
// low FN 69.0) so a change that quietly breaks detection fails here; raise it as the model improves.
describe('NAB detection quality of the default model', () => {
  it('auto stays above its floor on all three profiles', () => {
    const { profiles } = evaluateCorpus(loadNabCorpus(), { model: 'auto', options: resolveOptions() });
    expect(profiles.standard.normalised).toBeGreaterThan(60);
    expect(profiles.reward_low_FP_rate.normalised).toBeGreaterThan(45.5);
    expect(profiles.reward_low_FN_rate.normalised).toBeGreaterThan(67.5);
    // And it beats the published windowedGaussian baseline on this split by a wide margin.
    expect(profiles.standard.normalised).toBeGreaterThan(26.5 + 15);
  }, 120_000);
});
