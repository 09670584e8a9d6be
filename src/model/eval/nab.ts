import { dexp } from '../detmath';
/**
 * The NAB v1.1 scorer (Numenta Anomaly Benchmark), reproduced from NAB's sweeper so published
 * detector results score to the published figures.
 *
 * Each row gets a weight: inside a labelled window a scaled sigmoid of its position (early
 * detections are worth almost A_TP, late ones almost nothing); outside, a false-positive cost
 * that is small just after a window and -A_FP elsewhere. A window counts once, at its best
 * detected row, or -A_FN if missed. One threshold is chosen for the whole corpus (per profile)
 * by sweeping every distinct score, so a detector cannot tune itself per file.
 */

export interface NabFile {
  /** e.g. "realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv" */
  name: string;
  /** Non-decreasing epoch ms, one per row (NAB's data repeats a timestamp at a DST change). */
  timestamps: ArrayLike<number>;
  /** anomaly_score per row, in [0,1]. NaN rows are never detected. */
  scores: ArrayLike<number>;
  /**
   * Labelled windows [startMs, endMs], inclusive: a row is inside if start <= t <= end (when the
   * end timestamp repeats, the window ends at its first row, as in NAB).
   */
  windows: ReadonlyArray<readonly [number, number]>;
}

export interface CostProfile {
  tp: number;
  fp: number;
  fn: number;
}

export const NAB_PROFILES = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP_rate: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN_rate: { tp: 1, fp: 0.11, fn: 2 },
} as const satisfies Record<string, CostProfile>;

export interface NabFileResult {
  name: string;
  /** This file's score at the corpus threshold. */
  raw: number;
  /** Windows with at least one detected row. */
  tp: number;
  /** Detected rows outside every window. */
  fp: number;
  /** Scorable windows with no detected row. */
  fn: number;
  /** Rows 0..probation-1 are not scored. */
  probation: number;
}

export interface NabProfileResult {
  /** Corpus-optimal threshold: rows with score >= threshold are detections. */
  threshold: number;
  raw: number;
  normalised: number;
  /** The null detector's raw score (detects nothing), the 0 of the normalised scale. */
  nullRaw: number;
  /** A_TP per labelled window, the 100 of the normalised scale. */
  perfect: number;
  tp: number;
  fp: number;
  fn: number;
  perFile: NabFileResult[];
}

export interface ScoreCorpusOptions {
  profiles?: Record<string, CostProfile>;
  /** Override the null detector's raw score per profile (default: every scorable window missed). */
  nullRaw?: Record<string, number>;
}

/** NAB's scaled sigmoid: +0.987 at p = -1 (window start), 0 at p = 0, -1 beyond p = 3. */
export function scaledSigmoid(p: number): number {
  return p > 3 ? -1 : 2 / (1 + dexp(5 * p)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/** NAB's probationary period: the first 15% of rows, at most 750. */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/**
 * Profile-independent per-row facts of one file. A row's weight is `base * A_TP / MAX_TP` inside
 * window `win` and `base * A_FP` outside (win = -1), so the sigmoids are computed once.
 */
interface FileLayout {
  name: string;
  rows: number;
  probation: number;
  base: Float64Array;
  win: Int32Array;
  /** Windows with at least one row at or after the probation. */
  scorable: Uint8Array;
  /** Windows as given (including any with no rows): what `perfect` counts, as NAB does. */
  labelled: number;
}

function layoutFile(file: NabFile): FileLayout {
  const { name, timestamps: t, scores } = file;
  const n = t.length;
  if (scores.length !== n) {
    throw new Error(`${name}: ${scores.length} scores for ${n} rows`);
  }
  for (let i = 1; i < n; i++) {
    if (!(t[i] >= t[i - 1])) {
      throw new Error(`${name}: timestamps not ascending at row ${i}`);
    }
  }
  const windows = [...file.windows].sort((a, b) => a[0] - b[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [startMs, endMs] of windows) {
    const s = lowerBound(t, startMs);
    // NAB ends a window at the first row stamped with its end (timestamps.index(end)).
    const firstAtEnd = lowerBound(t, endMs);
    const e = firstAtEnd < n && t[firstAtEnd] === endMs ? firstAtEnd : firstAtEnd - 1;
    if (e < s) {
      continue;
    }
    if (ends.length > 0 && s <= ends[ends.length - 1]) {
      throw new Error(`${name}: labelled windows overlap near row ${s}`);
    }
    starts.push(s);
    ends.push(e);
  }

  const probation = probationLength(n);
  const base = new Float64Array(n);
  const win = new Int32Array(n).fill(-1);
  const scorable = new Uint8Array(starts.length);
  let next = 0;
  let prevEnd = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    if (next < starts.length && i >= starts[next]) {
      const s = starts[next];
      const e = ends[next];
      const w = e - s + 1;
      if (i <= e) {
        base[i] = scaledSigmoid(-(e - i + 1) / w);
        win[i] = next;
        if (i >= probation) {
          scorable[next] = 1;
        }
        if (i === e) {
          prevEnd = e;
          prevWidth = w;
          next++;
        }
        continue;
      }
    }
    base[i] = prevEnd < 0 ? -1 : scaledSigmoid(Math.abs(prevEnd - i) / (prevWidth - 1));
  }
  return { name, rows: n, probation, base, win, scorable, labelled: file.windows.length };
}

/** First index with a[i] >= x in ascending `a`. */
function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

export function scoreCorpus(
  files: readonly NabFile[],
  options: ScoreCorpusOptions = {}
): Record<string, NabProfileResult> {
  const profiles = options.profiles ?? NAB_PROFILES;
  const layouts = files.map(layoutFile);

  // Scored rows of the whole corpus, with window ids made corpus-global.
  let m = 0;
  let windowCount = 0;
  let labelled = 0;
  for (const l of layouts) {
    m += l.rows - l.probation;
    windowCount += l.scorable.length;
    labelled += l.labelled;
  }
  const score = new Float64Array(m);
  const base = new Float64Array(m);
  const win = new Int32Array(m);
  const scorable = new Uint8Array(windowCount);
  let k = 0;
  let offset = 0;
  files.forEach((file, f) => {
    const l = layouts[f];
    for (let i = l.probation; i < l.rows; i++, k++) {
      score[k] = file.scores[i];
      base[k] = l.base[i];
      win[k] = l.win[i] < 0 ? -1 : l.win[i] + offset;
    }
    scorable.set(l.scorable, offset);
    offset += l.scorable.length;
  });
  let scorableCount = 0;
  for (let w = 0; w < windowCount; w++) {
    scorableCount += scorable[w];
  }

  const { order, groupEnd } = groupByScoreDescending(score);
  const groups = groupEnd.length;
  // NAB reports 1.1 for "detect nothing"; keep that unless scores go beyond it.
  const noDetection = groups === 0 || score[order[0]] < 1.1 ? 1.1 : Infinity;

  const results: Record<string, NabProfileResult> = {};
  const best = new Float64Array(windowCount);
  for (const [profileName, cost] of Object.entries(profiles)) {
    best.fill(-cost.fn);
    let total = 0 - cost.fn * scorableCount;
    let bestTotal = total;
    let threshold = noDetection;
    let j = 0;
    for (let g = 0; g < groups; g++) {
      const s = score[order[j]];
      for (; j < groupEnd[g]; j++) {
        const r = order[j];
        const w = win[r];
        if (w < 0) {
          total += base[r] * cost.fp;
        } else {
          const weight = (base[r] * cost.tp) / MAX_TP;
          if (weight > best[w]) {
            total += weight - best[w];
            best[w] = weight;
          }
        }
      }
      // Strictly greater: thresholds fall as the sweep goes on, so ties keep the highest.
      if (total > bestTotal) {
        bestTotal = total;
        threshold = s;
      }
    }

    const perFile = files.map((file, f) => scoreFileAt(file, layouts[f], threshold, cost));
    let raw = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of perFile) {
      raw += r.raw;
      tp += r.tp;
      fp += r.fp;
      fn += r.fn;
    }
    const nullRaw = options.nullRaw?.[profileName] ?? 0 - cost.fn * scorableCount;
    const perfect = cost.tp * labelled;
    results[profileName] = {
      threshold,
      raw,
      normalised: (100 * (raw - nullRaw)) / (perfect - nullRaw),
      nullRaw,
      perfect,
      tp,
      fp,
      fn,
      perFile,
    };
  }
  return results;
}

/**
 * Row indices ordered by score, highest first, NaN rows left out; rows of the g-th distinct score
 * are order[groupEnd[g-1] .. groupEnd[g]). A native sort of the distinct scores plus a counting
 * sort is several times faster than sorting indices with a comparator.
 */
function groupByScoreDescending(score: Float64Array): { order: Uint32Array; groupEnd: Uint32Array } {
  const sorted = new Float64Array(score.length);
  let finite = 0;
  for (let i = 0; i < score.length; i++) {
    if (!Number.isNaN(score[i])) {
      sorted[finite++] = score[i];
    }
  }
  sorted.subarray(0, finite).sort();
  let distinct = 0;
  for (let i = 0; i < finite; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      sorted[distinct++] = sorted[i];
    }
  }
  const keys = sorted.subarray(0, distinct);
  const group = new Int32Array(score.length);
  const count = new Uint32Array(distinct);
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i])) {
      group[i] = -1;
      continue;
    }
    // Group 0 is the highest score.
    const g = distinct - 1 - lowerBound(keys, score[i]);
    group[i] = g;
    count[g]++;
  }
  const groupEnd = new Uint32Array(distinct);
  let acc = 0;
  for (let g = 0; g < distinct; g++) {
    acc += count[g];
    groupEnd[g] = acc;
  }
  const order = new Uint32Array(acc);
  const next = new Uint32Array(distinct);
  for (let g = 1; g < distinct; g++) {
    next[g] = groupEnd[g - 1];
  }
  for (let i = 0; i < score.length; i++) {
    const g = group[i];
    if (g >= 0) {
      order[next[g]++] = i;
    }
  }
  return { order, groupEnd };
}

function scoreFileAt(file: NabFile, l: FileLayout, threshold: number, cost: CostProfile): NabFileResult {
  const best = new Float64Array(l.scorable.length).fill(-Infinity);
  let raw = 0;
  let fp = 0;
  for (let i = l.probation; i < l.rows; i++) {
    if (!(file.scores[i] >= threshold)) {
      continue;
    }
    const w = l.win[i];
    if (w < 0) {
      raw += l.base[i] * cost.fp;
      fp++;
    } else {
      best[w] = Math.max(best[w], (l.base[i] * cost.tp) / MAX_TP);
    }
  }
  let tp = 0;
  let fn = 0;
  for (let w = 0; w < best.length; w++) {
    if (!l.scorable[w]) {
      continue;
    }
    if (best[w] === -Infinity) {
      raw -= cost.fn;
      fn++;
    } else {
      raw += best[w];
      tp++;
    }
  }
  return { name: l.name, raw, tp, fp, fn, probation: l.probation };
}
