import { falseAlarmRate } from '../calibration';
import { getDetector } from '../registry';
import { countFiniteValues } from '../stats';
import { allocScoreBuffers, type DetectorKind, type ModelOptions, type Series } from '../types';

export interface Choice {
  kind: DetectorKind;
  reason: string;
}

/**
 * Detectors `auto` tries, in order of preference when they predict equally well. `adaptive` comes
 * first: most infrastructure metrics (CPU, network, disk, request counts) are bursty and shifty
 * with no reliable seasonality. A seasonal model must earn its place by predicting clearly better
 * (see SWITCH_MARGIN). With too little history for any candidate, zscore is used.
 */
export const AUTO_CANDIDATES: readonly DetectorKind[] = ['adaptive', 'seasonal', 'ets'];

/**
 * Miss rate the holdout judges bands at. A quarter of the window holds a few hundred to a few
 * thousand points, too few to see misses at the alerting rate (~3e-4): judged there, the score
 * is mostly noise. At 1% the misses are countable and still dominate a band that does not hold.
 */
const JUDGING_RATE = 0.01;
/** A later candidate must beat the earlier one's holdout score by this factor to be chosen. */
const SWITCH_MARGIN = 0.7;

/** Share of the training window held out to compare candidates on data they did not see. */
const HOLDOUT = 0.25;

/**
 * Picks the detector whose band holds best on this series' own history: each candidate is
 * trained on the older three quarters of the window and judged by its mean interval score on
 * the newest quarter (scored causally, as in production). Candidates without enough history
 * for the split are skipped; zscore stands in when none qualifies.
 */
export function chooseDetector(series: Series, options: ModelOptions, stepMs: number): Choice {
  const n = series.t.length;
  const split = Math.floor(n * (1 - HOLDOUT));
  const older: Series = { t: series.t.subarray(0, split), v: series.v.subarray(0, split) };
  const olderFinite = countFiniteValues(older.v);
  const out = allocScoreBuffers(n);
  let best: DetectorKind = 'zscore';
  let bestError = Infinity;
  const tried: string[] = [];
  const penalty = 2 / Math.max(JUDGING_RATE, falseAlarmRate(options.sensitivity));
  for (const kind of AUTO_CANDIDATES) {
    const detector = getDetector(kind);
    if (olderFinite < detector.minTrainingPoints(options, stepMs)) {
      continue;
    }
    detector.fit(older, options).score(series, out, split);
    let sum = 0;
    let count = 0;
    for (let i = split; i < n; i++) {
      const err = intervalScore(series.v[i], out.lower[i], out.upper[i], penalty);
      if (Number.isFinite(err)) {
        sum += err;
        count++;
      }
    }
    const error = count ? sum / count : Infinity;
    tried.push(`${kind} ${formatError(error)}`);
    // Prefer the earlier candidate unless a later one is clearly better: switching detectors
    // between refits makes scores jump, and the earlier candidates' bands generalise better than
    // a short holdout can show.
    if (error < bestError * SWITCH_MARGIN) {
      best = kind;
      bestError = error;
    }
  }
  return {
    kind: best,
    reason: tried.length ? `auto: holdout mean interval score ${tried.join(', ')}` : 'auto: short history',
  };
}

/**
 * Interval score of a central band (Gneiting & Raftery 2007): its width plus 2/alpha times how far
 * the observation falls outside. A proper scoring rule for the band at false-alarm rate alpha, so
 * it rewards the detector whose calibrated band is both narrow and honest on unseen data, which is
 * what alerting needs; a point forecast's error (MAE) would favour a rolling median that predicts
 * well one step ahead but whose band does not hold.
 */
export function intervalScore(x: number, lower: number, upper: number, penalty: number): number {
  let s = upper - lower;
  if (x < lower) {
    s += penalty * (lower - x);
  } else if (x > upper) {
    s += penalty * (x - upper);
  }
  return s;
}

function formatError(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : 'n/a';
}
