import { copyFinite, quantileInPlace, select } from './select';
import { dexp10, dlog } from './detmath';
import { MAD_TO_SIGMA, normalQuantile } from './stats';
import type { ModelOptions, ScoreBuffers } from './types';

/**
 * Turns training residuals into a band and a score, the same way for every detector, so that a
 * score of 1 is the band's edge and a threshold means the same across models and series.
 */

/** Target per-point false-alarm rate for a sensitivity in [0,1]: 1e-6 at 0, 1e-3.5 at 0.5, 0.1 at 1. */
export function falseAlarmRate(sensitivity: number): number {
  return dexp10(-(1 + 5 * (1 - sensitivity)));
}

/** Half-widths of the band above and below the expected value, in the series' unit. */
export interface BandCalibration {
  upper: number;
  lower: number;
}

/**
 * Calibrates band half-widths from residuals (observed - expected) so a point leaves the band
 * with the target probability. Each side takes the larger of a robust normal model (MAD) and a
 * peaks-over-threshold fit of that side's own tail (exponential excesses over its top few
 * percent), so heavy-tailed residuals (regular spikes, bursts) widen the band instead of paging,
 * and the band edge means "rarer than the history's tail" on every series alike.
 */
export function calibrateBand(residuals: ArrayLike<number>, sensitivity: number, floor = 0): BandCalibration {
  // Everything below is a handful of order statistics, so selections on one scratch copy replace
  // the sorts this used to do (calibration runs on up to ~10^5 residuals in every fit).
  const a = new Float64Array(residuals.length);
  const n = copyFinite(residuals, a);
  if (n === 0) {
    return { upper: floor, lower: floor };
  }
  const med = quantileInPlace(a, n, 0.5);
  const absDev = new Float64Array(n);
  let meanAbs = 0;
  for (let i = 0; i < n; i++) {
    absDev[i] = Math.abs(a[i] - med);
    meanAbs += absDev[i];
  }
  meanAbs /= n;
  // MAD is zero when most residuals are exactly zero (idle disks, perfect fits); the mean
  // absolute deviation still sees the rest, so the band never collapses while anything varies.
  const sigma = Math.max(MAD_TO_SIGMA * quantileInPlace(absDev, n, 0.5), 0.5 * MEAN_ABS_TO_SIGMA * meanAbs);
  const sideRate = falseAlarmRate(sensitivity) / 2;
  const z = normalQuantile(1 - sideRate);
  const up = Math.max(sigma * z, tailQuantile(a, n, med, 1, sideRate));
  const lo = Math.max(sigma * z, tailQuantile(a, n, med, -1, sideRate));
  return { upper: Math.max(up + med, floor), lower: Math.max(lo - med, floor) };
}

/**
 * The narrowest band half-width worth drawing for a series: 1% of its typical range (1st to
 * 99th percentile of the training values). A model that fits a noiseless signal perfectly would
 * otherwise calibrate a zero-width band and page on rounding; a user reads a 1% wiggle of a
 * metric's range as noise, not as an incident.
 */
export function resolutionFloor(values: ArrayLike<number>): number {
  // One copy serves both selections: selecting only permutes it.
  const a = new Float64Array(values.length);
  const n = copyFinite(values, a);
  const range = quantileInPlace(a, n, 0.99) - quantileInPlace(a, n, 0.01);
  return Number.isFinite(range) ? RESOLUTION * range : 0;
}

const RESOLUTION = 0.01;

/** Fewest tail points a peaks-over-threshold fit uses. */
const MIN_EXCEEDANCES = 20;

/**
 * Distance from `center` to the (1 - rate) quantile of one side of a[0, n) (sign +1: upper side,
 * -1: lower), extrapolated beyond the data with an exponential tail fitted to the excesses over
 * the side's top `frac` (generalised Pareto with shape 0: cheap and stable). Reorders a[0, n).
 */
function tailQuantile(a: Float64Array, n: number, center: number, sign: 1 | -1, rate: number): number {
  const frac = Math.min(0.25, Math.max(0.05, MIN_EXCEEDANCES / n));
  const at = (q: number) => sign * (quantileInPlace(a, n, sign > 0 ? q : 1 - q) - center);
  if (rate >= frac) {
    return Math.max(at(1 - rate), 0);
  }
  const u = at(1 - frac);
  const k = Math.max(1, Math.floor(frac * n));
  // The side's k most extreme values: a[n-k, n) above, a[0, k) below, once that boundary is selected.
  const from = sign > 0 ? n - k : 0;
  select(a, 0, n - 1, sign > 0 ? n - k : k - 1);
  let excess = 0;
  for (let j = from; j < from + k; j++) {
    const x = sign * (a[j] - center);
    excess += Math.max(x - u, 0);
  }
  const beta = excess / k;
  return Math.max(u + beta * dlog(frac / rate), 0);
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
  const floor = minimumDeviation(options, expected);
  const up = Math.max(bandUp, floor, TINY * (1 + Math.abs(expected)));
  const lo = Math.max(bandLo, floor, TINY * (1 + Math.abs(expected)));
  out.expected[i] = expected;
  out.upper[i] = expected + up;
  out.lower[i] = expected - lo;
  if (!Number.isFinite(value) || !Number.isFinite(expected)) {
    out.score[i] = Number.isFinite(value) ? 0 : NaN;
    return;
  }
  out.score[i] = bandScore(value - expected, up, lo, options.direction);
}

/** The user's minimum deviation around `expected`: nothing closer than this scores above 1. */
export function minimumDeviation(options: ModelOptions, expected: number): number {
  return Math.max(options.minAbsDeviation, options.minRelDeviation * Math.abs(expected));
}

/**
 * The score of a residual r against band half-widths `up` above and `lo` below the expected
 * value: 1 at the band's edge and linear beyond it, 0 on a side the direction leaves unscored.
 */
export function bandScore(r: number, up: number, lo: number, direction: ModelOptions['direction']): number {
  if (r >= 0) {
    return direction === 'below' ? 0 : r / up;
  }
  return direction === 'above' ? 0 : -r / lo;
}

/**
 * Keeps a perfectly flat series from dividing by zero, and float rounding from scoring as an
 * anomaly, while still flagging any real change.
 */
const TINY = 1e-6;

/** sqrt(pi/2): mean absolute deviation to standard deviation for a normal distribution. */
const MEAN_ABS_TO_SIGMA = 1.2533;

/** The NAB-style anomaly likelihood in [0,1]: a monotone map of score with 1 -> 0.5. */
export function anomalyScore(score: number): number {
  if (!Number.isFinite(score) || score <= 0) {
    return 0;
  }
  return score / (1 + score);
}
