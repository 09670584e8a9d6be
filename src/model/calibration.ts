import { MAD_TO_SIGMA, normalQuantile, quantileSorted, sortedFinite } from './stats';
import type { ModelOptions, ScoreBuffers } from './types';

/**
 * Turns training residuals into a band and a score, the same way for every detector, so that a
 * score of 1 is the band's edge and a threshold means the same across models and series.
 */

/** Target per-point false-alarm rate for a sensitivity in [0,1]: 1e-6 at 0, 1e-3.5 at 0.5, 0.1 at 1. */
export function falseAlarmRate(sensitivity: number): number {
  return Math.pow(10, -(1 + 5 * (1 - sensitivity)));
}

/** Half-widths of the band above and below the expected value, in the series' unit. */
export interface BandCalibration {
  upper: number;
  lower: number;
}

/**
 * Calibrates band half-widths from residuals (observed - expected). Each side takes the larger of
 * a robust normal model (MAD) and the empirical tail (the 99th percentile of that side), both
 * extrapolated to the target rate, so heavy-tailed residuals widen the band instead of paging.
 */
export function calibrateBand(residuals: ArrayLike<number>, sensitivity: number): BandCalibration {
  const sorted = sortedFinite(residuals);
  if (sorted.length === 0) {
    return { upper: 0, lower: 0 };
  }
  const med = quantileSorted(sorted, 0.5);
  const absDev = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    absDev[i] = Math.abs(sorted[i] - med);
  }
  const sigma = MAD_TO_SIGMA * quantileSorted(absDev.sort(), 0.5);
  const p = falseAlarmRate(sensitivity);
  const z = normalQuantile(1 - p / 2);
  // Tail scales from each side's 99th percentile around the median (as if normal beyond it).
  const upTail = (quantileSorted(sorted, 0.995) - med) / normalQuantile(0.995);
  const loTail = (med - quantileSorted(sorted, 0.005)) / normalQuantile(0.995);
  const up = Math.max(sigma, upTail) * z + Math.max(med, 0);
  const lo = Math.max(sigma, loTail) * z - Math.min(med, 0);
  return { upper: Math.max(up, 0), lower: Math.max(lo, 0) };
}

/**
 * Writes lower/upper/score for one point from its expected value and observation, honouring
 * direction and the minimum deviations. Shared by every detector's scoring loop.
 */
export function scorePoint(
  out: ScoreBuffers,
  i: number,
  value: number,
  expected: number,
  bandUp: number,
  bandLo: number,
  options: ModelOptions
): void {
  const floor = Math.max(options.minAbsDeviation, options.minRelDeviation * Math.abs(expected));
  const up = Math.max(bandUp, floor, TINY * (1 + Math.abs(expected)));
  const lo = Math.max(bandLo, floor, TINY * (1 + Math.abs(expected)));
  out.expected[i] = expected;
  out.upper[i] = expected + up;
  out.lower[i] = expected - lo;
  if (!Number.isFinite(value) || !Number.isFinite(expected)) {
    out.score[i] = Number.isFinite(value) ? 0 : NaN;
    return;
  }
  const r = value - expected;
  if (r >= 0) {
    out.score[i] = options.direction === 'below' ? 0 : r / up;
  } else {
    out.score[i] = options.direction === 'above' ? 0 : -r / lo;
  }
}

/** Keeps a perfectly flat series from dividing by zero while still flagging any change. */
const TINY = 1e-9;

/** The NAB-style anomaly likelihood in [0,1]: a monotone map of score with 1 -> 0.5. */
export function anomalyScore(score: number): number {
  if (!Number.isFinite(score) || score <= 0) {
    return 0;
  }
  return score / (1 + score);
}
