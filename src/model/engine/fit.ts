import { EnsembleModel, memberNeeds } from '../auto/ensemble';
import { getDetector } from '../registry';
import { countFiniteValues } from '../stats';
import type { DetectorKind, Model, ModelKind, ModelOptions, Series } from '../types';

/** Fewest finite points any model is trained on; below it nothing is scored. */
export const MIN_POINTS_TO_SCORE = 10;

export interface FitDecision {
  model: Model;
  /** True while history is too short for the requested kind and zscore stands in. */
  warmingUp: boolean;
  /** While warming up: finite points the requested kind needs, so the engine can refit then. */
  needPoints: number;
  reason: string;
}

/**
 * Trains the requested kind on `series`, or the cold-start zscore model while the history is
 * shorter than that kind needs. `auto` is the ensemble of seasonal and adaptive (auto/ensemble.ts).
 */
export function fitModel(kind: ModelKind, series: Series, options: ModelOptions, stepMs: number): FitDecision | null {
  const finite = countFiniteValues(series.v);
  if (finite < MIN_POINTS_TO_SCORE) {
    return null;
  }
  let wanted: DetectorKind;
  let reason: string;
  if (kind === 'auto') {
    // The default: the seasonal and adaptive detectors combined (auto/ensemble.ts says why).
    wanted = 'ensemble';
    reason = 'auto: ensemble of seasonal and adaptive';
  } else {
    wanted = kind;
    reason = `requested ${kind}`;
  }
  const detector = getDetector(wanted);
  const need = detector.minTrainingPoints(options, stepMs);
  if (finite < need) {
    return {
      model: getDetector('zscore').fit(series, options),
      warmingUp: true,
      needPoints: need,
      reason: `${wanted} needs ${need} points, has ${finite}: cold-start zscore`,
    };
  }
  const model = detector.fit(series, options);
  if (model instanceof EnsembleModel) {
    // An ensemble still missing members is warming up: refit as soon as the next one can join.
    const next = memberNeeds(getDetector, options, stepMs).find((p) => p > finite);
    if (next !== undefined) {
      return {
        model,
        warmingUp: true,
        needPoints: next,
        reason: `${reason} (${model.members.length} member(s) so far)`,
      };
    }
  }
  return { model, warmingUp: false, needPoints: need, reason };
}
