import { ModelError } from '../errors';
import { Rng } from '../random';
import { int } from '../serial';
import { dexp2, dlog } from '../detmath';

/**
 * Isolation forest (Liu, Ting & Zhou 2008) over a row-major Float64Array, following
 * scikit-learn's IsolationForest so scores are comparable: per-tree subsample without
 * replacement, depth limit ceil(log2(maxSamples)), random non-constant feature, threshold
 * uniform in [min, max) of the node's samples, `x <= threshold` goes left, and the anomaly score
 * 2^(-E[h] / c(maxSamples)) equals -score_samples.
 *
 * Each tree is stored as a complete binary tree of depth maxDepth with implicit indexing
 * (children 2k+1, 2k+2). A branch that became a leaf early gets threshold +Infinity on its left
 * spine, so every row walks exactly maxDepth steps with no "is leaf" branch and ends on a leaf
 * whose path length (depth + c(size)) was precomputed. This keeps the scoring loop tiny.
 */

const EULER_GAMMA = 0.5772156649;

/** Average path length of an unsuccessful BST search among n points, as scikit-learn defines it. */
export function averagePathLength(n: number): number {
  if (n <= 1) {
    return 0;
  }
  if (n === 2) {
    return 1;
  }
  return 2 * (dlog(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export interface ForestParams {
  nTrees: number;
  maxSamples: number;
  seed: number;
}

export const DEFAULT_FOREST_PARAMS: Readonly<ForestParams> = Object.freeze({ nTrees: 100, maxSamples: 256, seed: 0 });

/** A complete tree of this depth has 2^depth leaves per tree; beyond this memory grows too fast. */
const MAX_DEPTH_LIMIT = 16;
/** Rows per block when scoring: a block of rows plus one tree stay in cache while all trees pass. */
const BLOCK_ROWS = 2048;

export interface SerializedForest {
  nFeatures: number;
  nTrees: number;
  /** Subsample size actually used per tree (min(maxSamples, nRows)); c() of it normalises. */
  sampleSize: number;
  maxDepth: number;
  /** Per tree, 2^maxDepth - 1 internal nodes; -1 marks an early-leaf spine (always left). */
  feature: number[];
  threshold: number[];
  /** Per tree, 2^maxDepth leaves: depth + c(leaf size); 0 where unreachable. */
  leafPath: number[];
}

export class IsolationForest {
  readonly nodesPerTree: number;
  readonly leavesPerTree: number;
  /** c(sampleSize), the normaliser of the mean path length. */
  readonly norm: number;
  private sums: Float64Array = new Float64Array(BLOCK_ROWS);

  private constructor(
    readonly nFeatures: number,
    readonly nTrees: number,
    readonly sampleSize: number,
    readonly maxDepth: number,
    private readonly feature: Uint16Array,
    private readonly threshold: Float64Array,
    private readonly leafPath: Float64Array
  ) {
    this.nodesPerTree = (1 << maxDepth) - 1;
    this.leavesPerTree = 1 << maxDepth;
    // c(1) = 0 would divide by zero; a one-sample forest isolates nothing, so every score is 1.
    this.norm = Math.max(averagePathLength(sampleSize), 1);
  }

  /** Fits on `nRows` x `nFeatures` finite values, row-major. */
  static fit(x: Float64Array, nRows: number, nFeatures: number, params: Partial<ForestParams> = {}): IsolationForest {
    const p = { ...DEFAULT_FOREST_PARAMS, ...params };
    checkShape(x, nRows, nFeatures);
    if (!Number.isInteger(p.nTrees) || p.nTrees < 1) {
      throw new ModelError(`nTrees must be a positive integer, got ${String(p.nTrees)}`);
    }
    if (!Number.isInteger(p.maxSamples) || p.maxSamples < 1) {
      throw new ModelError(`maxSamples must be a positive integer, got ${String(p.maxSamples)}`);
    }
    for (let i = 0; i < nRows * nFeatures; i++) {
      if (!Number.isFinite(x[i])) {
        throw new ModelError('isolation forest training data must be finite (impute gaps first)');
      }
    }
    const m = Math.min(p.maxSamples, nRows);
    const maxDepth = ceilLog2(m);
    if (maxDepth > MAX_DEPTH_LIMIT) {
      throw new ModelError(`maxSamples ${m} needs depth ${maxDepth}; at most ${2 ** MAX_DEPTH_LIMIT} samples per tree`);
    }
    const nodes = (1 << maxDepth) - 1;
    const leaves = 1 << maxDepth;
    const feature = new Uint16Array(nodes * p.nTrees);
    const threshold = new Float64Array(nodes * p.nTrees).fill(Infinity);
    const leafPath = new Float64Array(leaves * p.nTrees);
    const builder = new TreeBuilder(x, nRows, nFeatures, m, maxDepth, new Rng(p.seed));
    for (let t = 0; t < p.nTrees; t++) {
      builder.build(
        feature.subarray(t * nodes, (t + 1) * nodes),
        threshold.subarray(t * nodes, (t + 1) * nodes),
        leafPath.subarray(t * leaves, (t + 1) * leaves)
      );
    }
    return new IsolationForest(nFeatures, p.nTrees, m, maxDepth, feature, threshold, leafPath);
  }

  /**
   * Writes the anomaly score 2^(-E[h]/c) of each row into `out` (length >= nRows). NaN features
   * go left at every split; callers decide what a row with gaps means.
   */
  score(x: Float64Array, nRows: number, out: Float64Array): void {
    checkShape(x, nRows, this.nFeatures);
    const sums = this.sums;
    const inv = 1 / (this.nTrees * this.norm);
    for (let b0 = 0; b0 < nRows; b0 += BLOCK_ROWS) {
      const b1 = Math.min(nRows, b0 + BLOCK_ROWS);
      sums.fill(0);
      for (let t = 0; t < this.nTrees; t++) {
        this.walkTree(t, x, b0, b1, sums);
      }
      for (let r = b0; r < b1; r++) {
        out[r] = dexp2(-sums[r - b0] * inv);
      }
    }
  }

  /** Anomaly score of one row (`x` of length nFeatures), e.g. for attribution. */
  scoreRow(row: Float64Array): number {
    let sum = 0;
    for (let t = 0; t < this.nTrees; t++) {
      sum += this.pathLength(t, row);
    }
    return dexp2(-sum / (this.nTrees * this.norm));
  }

  /** Path length (depth + c(leaf size)) of one row in tree t. */
  pathLength(t: number, row: Float64Array): number {
    const feature = this.feature;
    const threshold = this.threshold;
    const base = t * this.nodesPerTree;
    let k = 0;
    for (let d = 0; d < this.maxDepth; d++) {
      const n = base + k;
      k = 2 * k + 1 + (((row[feature[n]] > threshold[n]) as unknown as number) | 0);
    }
    return this.leafPath[t * this.leavesPerTree + k - this.nodesPerTree];
  }

  // The hot loop: one tree over a block of rows, allocation-free and monomorphic. Eight rows walk
  // side by side so their independent load chains overlap, and `(a > b) | 0` compiles without a
  // branch: on unstructured data a branch per split is mispredicted half the time, which cost
  // 3-4x in measurements (see bench/iforest/README.md).
  private walkTree(t: number, x: Float64Array, b0: number, b1: number, sums: Float64Array): void {
    const feature = this.feature;
    const threshold = this.threshold;
    const leafPath = this.leafPath;
    const depth = this.maxDepth;
    const nF = this.nFeatures;
    const base = t * this.nodesPerTree;
    const leafBase = t * this.leavesPerTree - this.nodesPerTree;
    let r = b0;
    for (; r + 7 < b1; r += 8) {
      const o0 = r * nF;
      const o1 = o0 + nF;
      const o2 = o1 + nF;
      const o3 = o2 + nF;
      const o4 = o3 + nF;
      const o5 = o4 + nF;
      const o6 = o5 + nF;
      const o7 = o6 + nF;
      let k0 = 0;
      let k1 = 0;
      let k2 = 0;
      let k3 = 0;
      let k4 = 0;
      let k5 = 0;
      let k6 = 0;
      let k7 = 0;
      for (let d = 0; d < depth; d++) {
        const n0 = base + k0;
        const n1 = base + k1;
        const n2 = base + k2;
        const n3 = base + k3;
        const n4 = base + k4;
        const n5 = base + k5;
        const n6 = base + k6;
        const n7 = base + k7;
        k0 = 2 * k0 + 1 + (((x[o0 + feature[n0]] > threshold[n0]) as unknown as number) | 0);
        k1 = 2 * k1 + 1 + (((x[o1 + feature[n1]] > threshold[n1]) as unknown as number) | 0);
        k2 = 2 * k2 + 1 + (((x[o2 + feature[n2]] > threshold[n2]) as unknown as number) | 0);
        k3 = 2 * k3 + 1 + (((x[o3 + feature[n3]] > threshold[n3]) as unknown as number) | 0);
        k4 = 2 * k4 + 1 + (((x[o4 + feature[n4]] > threshold[n4]) as unknown as number) | 0);
        k5 = 2 * k5 + 1 + (((x[o5 + feature[n5]] > threshold[n5]) as unknown as number) | 0);
        k6 = 2 * k6 + 1 + (((x[o6 + feature[n6]] > threshold[n6]) as unknown as number) | 0);
        k7 = 2 * k7 + 1 + (((x[o7 + feature[n7]] > threshold[n7]) as unknown as number) | 0);
      }
      const s = r - b0;
      sums[s] += leafPath[leafBase + k0];
      sums[s + 1] += leafPath[leafBase + k1];
      sums[s + 2] += leafPath[leafBase + k2];
      sums[s + 3] += leafPath[leafBase + k3];
      sums[s + 4] += leafPath[leafBase + k4];
      sums[s + 5] += leafPath[leafBase + k5];
      sums[s + 6] += leafPath[leafBase + k6];
      sums[s + 7] += leafPath[leafBase + k7];
    }
    for (; r < b1; r++) {
      const o0 = r * nF;
      let k0 = 0;
      for (let d = 0; d < depth; d++) {
        const n0 = base + k0;
        k0 = 2 * k0 + 1 + (((x[o0 + feature[n0]] > threshold[n0]) as unknown as number) | 0);
      }
      sums[r - b0] += leafPath[leafBase + k0];
    }
  }

  toJSON(): SerializedForest {
    const feature = new Array<number>(this.feature.length);
    const threshold = new Array<number>(this.threshold.length);
    for (let i = 0; i < feature.length; i++) {
      const spine = this.threshold[i] === Infinity;
      feature[i] = spine ? -1 : this.feature[i];
      threshold[i] = spine ? 0 : this.threshold[i];
    }
    return {
      nFeatures: this.nFeatures,
      nTrees: this.nTrees,
      sampleSize: this.sampleSize,
      maxDepth: this.maxDepth,
      feature,
      threshold,
      leafPath: Array.from(this.leafPath),
    };
  }

  static load(json: unknown): IsolationForest {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new ModelError('forest must be an object');
    }
    const m = json as Record<string, unknown>;
    const nFeatures = int(m, 'nFeatures', 1, 65535);
    const nTrees = int(m, 'nTrees', 1, 1e6);
    const sampleSize = int(m, 'sampleSize', 1, 2 ** MAX_DEPTH_LIMIT);
    const maxDepth = int(m, 'maxDepth', 1, MAX_DEPTH_LIMIT);
    if (maxDepth !== ceilLog2(sampleSize)) {
      throw new ModelError(`forest maxDepth ${maxDepth} does not match sampleSize ${sampleSize}`);
    }
    const nodes = ((1 << maxDepth) - 1) * nTrees;
    const leaves = (1 << maxDepth) * nTrees;
    const f = numArray(m, 'feature', nodes);
    const th = numArray(m, 'threshold', nodes);
    const lp = numArray(m, 'leafPath', leaves);
    const feature = new Uint16Array(nodes);
    const threshold = new Float64Array(nodes);
    for (let i = 0; i < nodes; i++) {
      const fi = f[i];
      if (!Number.isInteger(fi) || fi < -1 || fi >= nFeatures) {
        throw new ModelError(`forest feature[${i}] = ${fi} is not a feature index`);
      }
      feature[i] = fi < 0 ? 0 : fi;
      threshold[i] = fi < 0 ? Infinity : th[i];
    }
    const maxPath = maxDepth + averagePathLength(sampleSize);
    for (let i = 0; i < leaves; i++) {
      if (lp[i] < 0 || lp[i] > maxPath) {
        throw new ModelError(`forest leafPath[${i}] = ${lp[i]} is out of range`);
      }
    }
    return new IsolationForest(nFeatures, nTrees, sampleSize, maxDepth, feature, threshold, Float64Array.from(lp));
  }
}

/**
 * Grows one tree at a time into the flat arrays. Reuses its buffers across trees, so fitting
 * allocates O(maxSamples * nFeatures) once, not per tree.
 */
class TreeBuilder {
  /** A permutation of row indices; a partial Fisher-Yates on it draws each tree's subsample. */
  private readonly pool: Int32Array;
  /** The subsample, column-major, so a node's min/max scan is contiguous. */
  private readonly cols: Float64Array;
  /** Sample positions (0..m) partitioned in place as the tree grows. */
  private readonly idx: Int32Array;
  private readonly featOrder: Int32Array;
  private feature!: Uint16Array;
  private threshold!: Float64Array;
  private leafPath!: Float64Array;

  constructor(
    private readonly x: Float64Array,
    private readonly nRows: number,
    private readonly nFeatures: number,
    private readonly m: number,
    private readonly maxDepth: number,
    private readonly rng: Rng
  ) {
    this.pool = new Int32Array(nRows);
    for (let i = 0; i < nRows; i++) {
      this.pool[i] = i;
    }
    this.cols = new Float64Array(m * nFeatures);
    this.idx = new Int32Array(m);
    this.featOrder = new Int32Array(nFeatures);
  }

  build(feature: Uint16Array, threshold: Float64Array, leafPath: Float64Array): void {
    this.feature = feature;
    this.threshold = threshold;
    this.leafPath = leafPath;
    const { pool, cols, idx, x, nRows, nFeatures, m, rng } = this;
    // Any starting permutation gives a uniform subset, so the pool is not reset between trees.
    for (let j = 0; j < m; j++) {
      const k = j + rng.int(nRows - j);
      const tmp = pool[j];
      pool[j] = pool[k];
      pool[k] = tmp;
      const row = pool[j] * nFeatures;
      for (let f = 0; f < nFeatures; f++) {
        cols[f * m + j] = x[row + f];
      }
      idx[j] = j;
    }
    this.grow(0, 0, 0, m);
  }

  private grow(k: number, depth: number, lo: number, hi: number): void {
    const size = hi - lo;
    if (depth < this.maxDepth && size > 1) {
      const { cols, idx, featOrder, nFeatures, m, rng } = this;
      for (let f = 0; f < nFeatures; f++) {
        featOrder[f] = f;
      }
      // Like scikit-learn: draw features without replacement until one is not constant here.
      for (let tries = 0; tries < nFeatures; tries++) {
        const pick = tries + rng.int(nFeatures - tries);
        const f = featOrder[pick];
        featOrder[pick] = featOrder[tries];
        featOrder[tries] = f;
        const col = f * m;
        let min = Infinity;
        let max = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = cols[col + idx[i]];
          if (v < min) {
            min = v;
          }
          if (v > max) {
            max = v;
          }
        }
        if (!(max > min)) {
          continue;
        }
        let thr = min + rng.next() * (max - min);
        if (thr >= max) {
          thr = min; // rounding: keep the right side non-empty
        }
        let i = lo;
        let j = hi - 1;
        while (i <= j) {
          if (cols[col + idx[i]] <= thr) {
            i++;
          } else {
            const tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
            j--;
          }
        }
        this.feature[k] = f;
        this.threshold[k] = thr;
        this.grow(2 * k + 1, depth + 1, lo, i);
        this.grow(2 * k + 2, depth + 1, i, hi);
        return;
      }
    }
    // Leaf: threshold stays +Infinity down the left spine, so a row reaching k lands on its
    // leftmost descendant at full depth; that slot holds the path length.
    let leaf = k;
    for (let d = depth; d < this.maxDepth; d++) {
      leaf = 2 * leaf + 1;
    }
    this.leafPath[leaf - ((1 << this.maxDepth) - 1)] = depth + averagePathLength(size);
  }
}

function checkShape(x: Float64Array, nRows: number, nFeatures: number): void {
  if (!Number.isInteger(nRows) || nRows < 0 || !Number.isInteger(nFeatures) || nFeatures < 1 || nFeatures > 65535) {
    throw new ModelError(`bad matrix shape ${nRows} x ${nFeatures}`);
  }
  if (x.length < nRows * nFeatures) {
    throw new ModelError(`matrix has ${x.length} values, needs ${nRows} x ${nFeatures}`);
  }
}

function numArray(m: Record<string, unknown>, key: string, length: number): number[] {
  const v = m[key];
  if (!Array.isArray(v) || v.length !== length) {
    throw new ModelError(`forest field ${key} must be an array of ${length} numbers`);
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) {
      throw new ModelError(`forest field ${key}[${i}] must be a finite number`);
    }
  }
  return v as number[];
}

/** ceil(log2(n)) for n >= 2 (and 1 below), in integers so it cannot round the wrong way. */
function ceilLog2(n: number): number {
  let depth = 1;
  while (2 ** depth < n) {
    depth++;
  }
  return depth;
}
