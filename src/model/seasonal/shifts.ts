import { MAD_TO_SIGMA } from '../stats';
import { selectMedian } from './robust';

/**
 * Sustained level shifts inside a training window.
 *
 * Why: the engine refits on a trailing window, and a real metric changes level now and then (a
 * deploy, a resize, a moved workload) or sits for hours in a long excursion (a dip while a job is
 * down). A decomposition that assumes one level sees the part of the window at the other level as
 * a heavy residual tail, so the band explodes (a CPU that moved from 6 to 14 gets a band from 5 to
 * 22, and a spike to 20 no longer pages). Cutting the window at its sustained shifts and aligning
 * the earlier levels to the current one lets the profile and the scale be learnt from the whole
 * window while the level is the current one.
 *
 * What is not a shift stays in the residuals, where the band calibration expects heavy tails:
 * spikes, bursts and hour-long incidents (every segment lasts MIN_SEGMENT_MS), slow wander and
 * trends (the step is judged on the hours either side of the cut, against the series' own
 * hour-to-hour noise), and anything too recent to judge (the level aligned to must have held a
 * whole day; newer segments are left as they are).
 */

/** Residuals are summarised per block of this length: hourly medians, so spikes vanish. */
const BLOCK_MS = 3_600_000;
/**
 * Both sides of a cut last at least this long. Shorter excursions (bursts, an hour-long incident)
 * are what the band's tail calibration is for; a quarter of a day at another level is a regime
 * (a deploy, a long outage, a moved workload) and would otherwise dominate the tail.
 */
export const MIN_SEGMENT_MS = 6 * BLOCK_MS;
/**
 * The level the window is aligned to is that of the latest segment that has held at least this
 * long. A day is a whole cycle of a daily pattern: a level seen through it is a level, not a
 * change of the pattern's shape, and a stretch less than a day old is still an excursion that may
 * end (aligning the window to it would page on its end). Measured on NAB (standard profile, mean
 * of three refit schedules): 12 h loses 4.5 points against a day, 48 h loses 2.6.
 */
export const MIN_LEVEL_MS = 24 * BLOCK_MS;
/**
 * A shift must be this many robust hour-to-hour sigmas. Hourly medians of a steady series move by
 * far less; this keeps slow wander of a noisy series from being cut, while a real change of level
 * (CPU 6 -> 14 on a host whose hourly medians move by 0.1) clears it by a wide margin. NAB: 4 and 8
 * change next to nothing (the shifts there are far larger), so this is a safety margin, not a fit.
 */
const STEP_SIGMAS = 6;
/** ...and this many sigmas of the point residuals: a step lost in the point noise is no shift. */
const STEP_POINT_SIGMAS = 1.5;
/**
 * A segment is a level (and may be aligned, or aligned to) when at least this share of its hourly
 * medians lie near its median: within a quarter of the smaller step that delimits it, and at
 * least half the smallest step that counts. A segment that still holds a change too short to cut
 * (a dip that began in its last hours) is no level and is left as it is.
 */
const LEVEL_SHARE = 0.75;
const LEVEL_STEP_SHARE = 0.25;
/** Points read per hourly block, and for the point-noise scale (see levelShifts). */
const BLOCK_SAMPLE = 15;
const SCALE_SAMPLE = 8192;
/** Segments at most: more level changes than this in one window is a regime-switching series (see levelShifts). */
const MAX_SEGMENTS = 8;

/**
 * Per-point offsets that move the level segments of `r` (residuals of a first decomposition, in
 * time order) before the latest day-long level to that level, or null when there is nothing to
 * move. O(n + B * MAX_SEGMENTS) for B hourly blocks.
 */
export function levelShiftOffsets(t: Float64Array, r: Float64Array): Float64Array | null {
  return levelShifts(t, r)?.offsets ?? null;
}

export interface LevelShifts {
  /** Start time of each segment after the first, in time order. */
  at: number[];
  /** Per-point offsets to the reference level (0 for the reference and the segments left alone). */
  offsets: Float64Array;
}

/** levelShiftOffsets with the cut times (for diagnostics and tests). */
export function levelShifts(t: Float64Array, r: Float64Array): LevelShifts | null {
  const n = t.length;
  if (n < 8 || !(t[n - 1] - t[0] >= MIN_SEGMENT_MS + MIN_LEVEL_MS)) {
    return null;
  }
  // Hourly block medians of the residuals. At most BLOCK_SAMPLE points of a block are read (evenly
  // spaced): a median of a dozen points already ignores spikes, and a 60 s series has 60 a block.
  const nBlocksMax = Math.floor((t[n - 1] - t[0]) / BLOCK_MS) + 1;
  const m = new Float64Array(nBlocksMax);
  const bt = new Float64Array(nBlocksMax);
  const first = new Int32Array(nBlocksMax + 1);
  const scratch = new Float64Array(Math.max(BLOCK_SAMPLE, SCALE_SAMPLE));
  let nb = 0;
  let i = 0;
  while (i < n) {
    const blk = Math.floor((t[i] - t[0]) / BLOCK_MS);
    const start = i;
    const end = t[0] + (blk + 1) * BLOCK_MS;
    while (i < n && t[i] < end) {
      i++;
    }
    const stride = Math.ceil((i - start) / BLOCK_SAMPLE);
    let k = 0;
    for (let j = start; j < i; j += stride) {
      scratch[k++] = r[j];
    }
    m[nb] = selectMedian(scratch, 0, k);
    bt[nb] = t[0] + blk * BLOCK_MS;
    first[nb] = start;
    nb++;
  }
  first[nb] = n;
  if (nb < 4) {
    return null;
  }
  // Robust hour-to-hour noise, and the point residuals' own scale (from an even sample: it only
  // guards against steps lost in the point noise, so a few thousand points are plenty).
  const d = new Float64Array(nb - 1);
  for (let j = 0; j + 1 < nb; j++) {
    d[j] = Math.abs(m[j + 1] - m[j]);
  }
  const sigmaBlock = (MAD_TO_SIGMA * selectMedian(d, 0, nb - 1)) / Math.SQRT2;
  const pointStride = Math.ceil(n / SCALE_SAMPLE);
  let ns = 0;
  for (let k = 0; k < n; k += pointStride) {
    scratch[ns++] = r[k];
  }
  const centre = selectMedian(scratch, 0, ns);
  ns = 0;
  for (let k = 0; k < n; k += pointStride) {
    scratch[ns++] = Math.abs(r[k] - centre);
  }
  const sigmaPoint = MAD_TO_SIGMA * selectMedian(scratch, 0, ns);
  const minStep = Math.max(STEP_SIGMAS * sigmaBlock, STEP_POINT_SIGMAS * sigmaPoint);
  if (!(minStep > 0) || !Number.isFinite(minStep)) {
    return null;
  }

  // Binary segmentation on the block medians: the CUSUM split of a segment, kept when both sides
  // last MIN_SEGMENT_MS and their medians differ by minStep.
  const prefix = new Float64Array(nb + 1);
  for (let j = 0; j < nb; j++) {
    prefix[j + 1] = prefix[j] + m[j];
  }
  const cuts: number[] = [];
  const cutPoint: number[] = [];
  const cutStep: number[] = [];
  const stack: Array<[number, number]> = [[0, nb]];
  const med = new Float64Array(nb);
  const segMedian = (a: number, b: number) => {
    for (let j = a; j < b; j++) {
      med[j - a] = m[j];
    }
    return selectMedian(med, 0, b - a);
  };
  while (stack.length > 0) {
    if (cuts.length + 1 >= MAX_SEGMENTS) {
      // A window that keeps changing level is a series that switches between regimes, not one
      // that shifted: its levels are what the band's tails are for (and this bounds the work).
      return null;
    }
    const [a, b] = stack.pop()!;
    const total = prefix[b] - prefix[a];
    let best = -1;
    let bestStat = 0;
    for (let j = a + 1; j < b; j++) {
      if (bt[j] - bt[a] < MIN_SEGMENT_MS) {
        continue;
      }
      if (bt[b - 1] + BLOCK_MS - bt[j] < MIN_SEGMENT_MS) {
        break;
      }
      const nl = j - a;
      const nr = b - j;
      const left = prefix[j] - prefix[a];
      const stat = Math.abs(left / nl - (total - left) / nr) * Math.sqrt((nl * nr) / (nl + nr));
      if (stat > bestStat) {
        bestStat = stat;
        best = j;
      }
    }
    if (best < 0) {
      continue;
    }
    // The step is judged on the half day either side of the split, so a long dip that comes back
    // (its own segment once cut) is seen as the step it is, not averaged away with the rest.
    let lo = best;
    while (lo > a && bt[best] - bt[lo - 1] <= MIN_SEGMENT_MS) {
      lo--;
    }
    let hi = best;
    while (hi < b && bt[hi] - bt[best] < MIN_SEGMENT_MS) {
      hi++;
    }
    const mL = segMedian(lo, best);
    const mR = segMedian(best, hi);
    if (Math.abs(mR - mL) < minStep) {
      continue;
    }
    cuts.push(best);
    cutStep.push(Math.abs(mR - mL));
    cutPoint.push(refineCut(r, first[best - 1], first[best + 1], mL, mR));
    stack.push([a, best], [best, b]);
  }
  if (cuts.length === 0) {
    return null;
  }
  const order = cuts.map((_, k) => k).sort((x, y) => cuts[x] - cuts[y]);
  const blockBounds = [0, ...order.map((k) => cuts[k]), nb];
  const pointBounds = [0, ...order.map((k) => cutPoint[k]), n];
  const nSeg = blockBounds.length - 1;
  // A segment is a level when most of its hourly medians sit near its median; a segment that is
  // still mixed (a change in its last hours, too short to cut) is left as it is, never moved.
  const segLevel = new Float64Array(nSeg);
  const isLevel = new Uint8Array(nSeg);
  for (let sg = 0; sg < nSeg; sg++) {
    const b0 = blockBounds[sg];
    const b1 = blockBounds[sg + 1];
    segLevel[sg] = segMedian(b0, b1);
    let near = 0;
    let adj = Infinity;
    if (sg > 0) {
      adj = Math.min(adj, cutStep[order[sg - 1]]);
    }
    if (sg < nSeg - 1) {
      adj = Math.min(adj, cutStep[order[sg]]);
    }
    const tol = Math.max(0.5 * minStep, LEVEL_STEP_SHARE * adj);
    for (let j = b0; j < b1; j++) {
      if (Math.abs(m[j] - segLevel[sg]) <= tol) {
        near++;
      }
    }
    isLevel[sg] = near >= LEVEL_SHARE * (b1 - b0) ? 1 : 0;
  }
  // The reference is the latest level segment that has held MIN_LEVEL_MS. Earlier level segments
  // move to it; later ones are too recent to judge and stay as they are (measured: aligning them
  // too pages on every return from a fresh excursion, and costs 15 points on NAB).
  let ref = nSeg - 1;
  while (ref >= 0 && !(isLevel[ref] && t[pointBounds[ref + 1] - 1] - t[pointBounds[ref]] >= MIN_LEVEL_MS)) {
    ref--;
  }
  if (ref < 0) {
    return null;
  }
  // A level the window holds in two separate segments, other than the reference's, is a regime the
  // series alternates with (weekends of a weekly series fitted with a daily profile, a nightly
  // batch that runs for days), not a shift: it stays in the residuals as before.
  const recurs = (sg: number): boolean => {
    const away = Math.abs(segLevel[sg] - segLevel[ref]);
    for (let o = 0; o < nSeg; o++) {
      if (o !== sg && o !== ref && isLevel[o] && Math.abs(segLevel[o] - segLevel[sg]) < 0.5 * away) {
        return true;
      }
    }
    return false;
  };
  const offsets = new Float64Array(n);
  let any = false;
  for (let sg = 0; sg < ref; sg++) {
    if (!isLevel[sg] || recurs(sg)) {
      continue;
    }
    const off = segLevel[ref] - segLevel[sg];
    any = true;
    for (let k = pointBounds[sg]; k < pointBounds[sg + 1]; k++) {
      offsets[k] = off;
    }
  }
  if (!any) {
    return null;
  }
  return { at: order.map((k) => t[cutPoint[k]]), offsets };
}

/**
 * The point in r[from, to) where a step from level mL to mR most likely happened: the split that
 * minimises the absolute deviations of the points before it from mL and after it from mR, so a
 * cut inside an hourly block does not leave the block's first minutes at the wrong level.
 */
function refineCut(r: Float64Array, from: number, to: number, mL: number, mR: number): number {
  // cost(k) = sum_{i<k} |r_i - mL| + sum_{i>=k} |r_i - mR|; walk k and update incrementally.
  let cost = 0;
  for (let i = from; i < to; i++) {
    cost += Math.abs(r[i] - mR);
  }
  let best = from;
  let bestCost = cost;
  for (let k = from + 1; k <= to; k++) {
    cost += Math.abs(r[k - 1] - mL) - Math.abs(r[k - 1] - mR);
    if (cost < bestCost) {
      bestCost = cost;
      best = k;
    }
  }
  return best;
}
