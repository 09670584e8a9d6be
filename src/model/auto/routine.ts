import { DAY_MS } from '../options';
import { quantileSorted } from '../stats';

/**
 * Daily routine excursions: what a series does at about the same time every day that its band
 * does not describe.
 *
 * Why: many Prometheus metrics carry a daily job — a nightly backup, log rotation, a batch
 * report, a cron-driven sync — that spikes CPU, disk or network for a few minutes at roughly the
 * same time each day. Schedulers and scrape intervals jitter it by minutes, so a seasonal profile
 * (a median per 5-minute bin) does not learn it and a level/volatility filter knows nothing of
 * the clock: both page on it every night, which teaches an on-call engineer to ignore the alert.
 *
 * What: the model scores its own training window (in-sample) and, for each time-of-day bin, takes
 * each day's highest score within ±TOLERANCE_MS of that bin (separately above and below the
 * expected value). When that daily peak exceeds the band edge (score 1) on at least half of the
 * days (the median), the excursion is routine at that time of day; the model then scores such
 * points relative to the size the routine reaches on a quarter of the days (the upper quartile),
 * so a routine-sized spike stays in the band while one well beyond it still pages. Bins where the
 * median daily peak is within the band are untouched (envelope 1), which is every bin of a series
 * without such a job: ordinary noise does not leave the band on most days in the same half hour.
 */

/** How far from its usual time a daily job may run (scheduler and scrape jitter) and still be the job. */
export const TOLERANCE_MS = 30 * 60_000;
/** Time-of-day bins are never finer than this (a 15 s scrape need not have 5,760 bins a day). */
const MIN_BIN_MS = 5 * 60_000;
/** A pattern needs this many days of evidence at a time of day before it counts as routine. */
export const MIN_DAYS = 3;
/** Share of days the excursion must leave the band on to be routine (the median: most days). */
const ROUTINE_QUANTILE = 0.5;
/** The size a routine excursion may reach: what it reaches on a quarter of the days. */
const ENVELOPE_QUANTILE = 0.75;

/** Per time-of-day bin, the score level each side is judged against (>= 1). */
export interface Routine {
  binMs: number;
  up: Float64Array;
  down: Float64Array;
}

/** The time-of-day bin of a timestamp (UTC days). */
export function routineBin(t: number, binMs: number, nBins: number): number {
  const inDay = t - Math.floor(t / DAY_MS) * DAY_MS;
  const b = Math.floor(inDay / binMs);
  return b < nBins ? b : nBins - 1;
}

/**
 * The routine of a training window from the model's in-sample scores, or null when it has none
 * (too coarse a step, too few days, or no bin routinely out of band).
 */
export function fitRoutine(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  expected: ArrayLike<number>,
  score: ArrayLike<number>,
  stepMs: number
): Routine | null {
  const n = t.length;
  if (n === 0 || !(stepMs > 0)) {
    return null;
  }
  const binMs = Math.max(stepMs, MIN_BIN_MS);
  // Samples further apart than the tolerance cannot place a job within it.
  if (binMs > TOLERANCE_MS) {
    return null;
  }
  const nBins = Math.floor(DAY_MS / binMs);
  const day0 = Math.floor(t[0] / DAY_MS);
  const days = Math.floor(t[n - 1] / DAY_MS) - day0 + 1;
  if (days < MIN_DAYS) {
    return null;
  }
  // Highest score per (day, bin) slot and side; NaN where the slot has no scored point.
  const slots = days * nBins;
  const peakUp = new Float64Array(slots).fill(NaN);
  const peakDown = new Float64Array(slots).fill(NaN);
  for (let i = 0; i < n; i++) {
    const s = score[i];
    const e = expected[i];
    const x = v[i];
    if (!Number.isFinite(s) || !Number.isFinite(e) || !Number.isFinite(x)) {
      continue;
    }
    const slot = (Math.floor(t[i] / DAY_MS) - day0) * nBins + routineBin(t[i], binMs, nBins);
    const up = x > e ? s : 0;
    const down = x < e ? s : 0;
    if (!(peakUp[slot] >= up)) {
      peakUp[slot] = up;
    }
    if (!(peakDown[slot] >= down)) {
      peakDown[slot] = down;
    }
  }
  const half = Math.max(1, Math.round(TOLERANCE_MS / binMs));
  const up = envelope(peakUp, days, nBins, half);
  const down = envelope(peakDown, days, nBins, half);
  return up || down ? { binMs, up: up ?? ones(nBins), down: down ?? ones(nBins) } : null;
}

/**
 * Per bin: the ENVELOPE_QUANTILE of the days' peaks within ±half bins (across midnight too) when
 * their ROUTINE_QUANTILE is out of band, else 1; null when no bin is routine.
 */
function envelope(peak: Float64Array, days: number, nBins: number, half: number): Float64Array | null {
  const slots = days * nBins;
  const out = ones(nBins);
  const daily = new Float64Array(days);
  let any = false;
  for (let b = 0; b < nBins; b++) {
    let count = 0;
    for (let d = 0; d < days; d++) {
      const centre = d * nBins + b;
      if (!Number.isFinite(peak[centre])) {
        continue;
      }
      let m = -Infinity;
      for (let j = Math.max(0, centre - half); j <= Math.min(slots - 1, centre + half); j++) {
        if (peak[j] > m) {
          m = peak[j];
        }
      }
      daily[count++] = m;
    }
    if (count < MIN_DAYS) {
      continue;
    }
    const sorted = daily.subarray(0, count).sort();
    if (quantileSorted(sorted, ROUTINE_QUANTILE) > 1) {
      out[b] = Math.max(1, quantileSorted(sorted, ENVELOPE_QUANTILE));
      any = true;
    }
  }
  return any ? out : null;
}

function ones(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}
