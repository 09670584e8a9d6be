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
 * (see CLEAR_MARGIN). With too little history for any candidate, zscore is used.
 */
export const AUTO_CANDIDATES: readonly DetectorKind[] = ['adaptive', 'seasonal', 'ets'];

/**
 * How much lower (relative) a later candidate's holdout error must be to replace an earlier one.
 * A few percent is noise on a bursty series (and switching kinds between refits makes scores
 * jump); a real daily/weekly pattern cuts the error far more than 10%. NAB dev split, standard
 * profile: 2% -> 30.1, 10% -> 43.6, 25% -> 41.1, 50% -> 41.4.
 */
const CLEAR_MARGIN = 0.1;

/** Share of the training window held out to compare candidates on data they did not see. */
const HOLDOUT = 0.25;

/**
 * Picks the detector that predicts this series best from its own history: each candidate is
 * trained on the older three quarters of the window and judged by its mean absolute error on
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
  for (const kind of AUTO_CANDIDATES) {
    const detector = getDetector(kind);
    if (olderFinite < detector.minTrainingPoints(options, stepMs)) {
      continue;
    }
    detector.fit(older, options).score(series, out, split);
    let sum = 0;
    let count = 0;
    for (let i = split; i < n; i++) {
      const err = Math.abs(series.v[i] - out.expected[i]);
      if (Number.isFinite(err)) {
        sum += err;
        count++;
      }
    }
    const error = count ? sum / count : Infinity;
    tried.push(`${kind} ${formatError(error)}`);
    // Prefer the earlier candidate unless a later one is clearly better.
    if (error < bestError * (1 - CLEAR_MARGIN)) {
      best = kind;
      bestError = error;
    }
  }
  return { kind: best, reason: tried.length ? `auto: holdout mean abs error ${tried.join(', ')}` : 'auto: short history' };
}

function formatError(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : 'n/a';
}
