import type { ModelOptions } from '../types';
import type { FeatureSpec } from './features';
import { DEFAULT_FOREST_PARAMS, IsolationForest } from './forest';
import { RobustScaler } from './scaler';
import { fitScoreMap, type ScoreMap } from './scoreMap';

/** What a caller may set when fitting either forest model (univariate or multivariate). */
export interface ForestModelParams {
  nTrees: number;
  maxSamples: number;
  spec: Partial<FeatureSpec>;
}

/** The fitted parts both forest models carry. */
export interface TrainedForest {
  scaler: RobustScaler;
  forest: IsolationForest;
  /** From the forest's in-sample scores to the score contract (score 1 = band edge). */
  map: ScoreMap;
}

/**
 * The training both forest models share: scales the feature matrix `x` (n rows of nF) in place
 * with a robust scaler fitted on the `m` rows marked in `use`, fits the forest on those rows, and
 * the score map on their in-sample scores.
 */
export function trainForest(
  x: Float64Array,
  n: number,
  nF: number,
  use: Uint8Array,
  m: number,
  params: Partial<ForestModelParams>,
  options: ModelOptions
): TrainedForest {
  const scaler = RobustScaler.fit(x, n, nF, use);
  scaler.transform(x, n);
  const rows = new Float64Array(m * nF);
  for (let i = 0, j = 0; i < n; i++) {
    if (use[i]) {
      rows.set(x.subarray(i * nF, (i + 1) * nF), nF * j++);
    }
  }
  const forest = IsolationForest.fit(rows, m, nF, {
    nTrees: params.nTrees ?? DEFAULT_FOREST_PARAMS.nTrees,
    maxSamples: params.maxSamples ?? DEFAULT_FOREST_PARAMS.maxSamples,
    seed: options.seed,
  });
  const s = new Float64Array(m);
  forest.score(rows, m, s);
  return { scaler, forest, map: fitScoreMap(s, options.sensitivity) };
}
