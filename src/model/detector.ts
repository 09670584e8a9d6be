import type { DetectorKind, Model, ModelOptions, Series } from './types';

/** What the engine and the registry need to know of each detector. */
export interface Detector {
  readonly kind: DetectorKind;
  /** Fewest finite training points this detector needs at a given step; below it the engine falls back to zscore. */
  minTrainingPoints(options: ModelOptions, stepMs: number): number;
  fit(series: Series, options: ModelOptions): Model;
  /** Restores a model from `toJSON()` output, rejecting any other kind, format version or damage. */
  load(json: unknown): Model;
}
