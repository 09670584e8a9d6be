import { falseAlarmRate } from '../calibration';
import { MAD_TO_SIGMA, normalQuantile, quantileSorted } from '../stats';
import { dexp2, dlog2 } from '../detmath';

/**
 * Maps the forest's anomaly score s in (0,1) onto the contract's scale: the training median
 * maps to 0 and the score expected at the target false-alarm rate maps to 1.
 *
 * The threshold is set on the normalised path length l = E[h]/c = -log2(s), the way
 * calibrateBand treats residuals: the larger of a robust normal scale (MAD) and the empirical
 * 99.5% tail, extrapolated to the target rate. The plain empirical quantile at rates like 1e-4
 * is just the training maximum, which the forest (fitted on those rows) already rates as
 * extreme, so real anomalies stayed below 1 with it; extrapolation keeps the threshold stable
 * across training sizes.
 */
export interface ScoreMap {
  sMed: number;
  sThr: number;
}

const TAIL_Q = 0.995;

export function fitScoreMap(trainScores: ArrayLike<number>, sensitivity: number): ScoreMap {
  const l: number[] = [];
  for (let i = 0; i < trainScores.length; i++) {
    const s = trainScores[i];
    if (s > 0 && s < 1) {
      l.push(-dlog2(s));
    }
  }
  if (l.length === 0) {
    return { sMed: 0.5, sThr: 0.75 };
  }
  const sorted = Float64Array.from(l).sort();
  const lMed = quantileSorted(sorted, 0.5);
  const dev = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    dev[i] = Math.abs(sorted[i] - lMed);
  }
  const sigmaMad = MAD_TO_SIGMA * quantileSorted(dev.sort(), 0.5);
  // Short path lengths are the anomalous side: the lower tail of l.
  const sigmaTail = (lMed - quantileSorted(sorted, 1 - TAIL_Q)) / normalQuantile(TAIL_Q);
  const z = normalQuantile(1 - falseAlarmRate(sensitivity));
  const lThr = Math.max(lMed - Math.max(sigmaMad, sigmaTail) * z, 0);
  const sMed = dexp2(-lMed);
  let sThr = dexp2(-lThr);
  // A forest that scores every training row alike (constant data) still needs a unit.
  if (!(sThr - sMed > 1e-6)) {
    sThr = sMed + Math.max(1e-6, (1 - sMed) * 0.5);
  }
  return { sMed, sThr };
}

export function mapScore(s: number, m: ScoreMap): number {
  if (!Number.isFinite(s)) {
    return NaN;
  }
  const z = (s - m.sMed) / (m.sThr - m.sMed);
  return z > 0 ? z : 0;
}
