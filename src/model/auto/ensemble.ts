import type { Detector } from '../detector';
import { ModelError } from '../errors';
import { minimumDeviation, resolutionFloor } from '../calibration';
import { readHeader, writeHeader } from '../serial';
import { DAY_MS } from '../options';
import { describeTraining, lowerBound } from '../training';
import { Aftermath, type AftermathState, QUIET, readAftermathState } from './aftermath';
import { fitRoutine, routineBin, type Routine } from './routine';
import {
  allocScoreBuffers,
  type DetectorKind,
  type Model,
  type ModelOptions,
  type ScoreBuffers,
  type Series,
  type SerializedModel,
  type TrainingInfo,
} from '../types';

/**
 * Ensemble of detectors: a point is as unusual as the members find it, combined as the quadratic
 * mean of their scores.
 *
 * Why combine instead of choosing one: the members fail differently. The seasonal profile knows
 * what time of day it is but is slow to accept a new level; the adaptive filter follows levels and
 * volatility but knows nothing of the day. A choice made on a holdout week is wrong whenever the
 * series changes character after it. Measured on NAB (see the commit history): combining seasonal
 * and adaptive beats either alone and beats min/max/geometric mean.
 *
 * The score. Member k at a point has an expected value e_k and band edges l_k < e_k < u_k, each
 * edge being where that member's own score reaches 1. Its one-sided linear score is
 * l_k(x) = (x - e_k) / (u_k - e_k) above e_k and (e_k - x) / (e_k - l_k) below. The ensemble
 * score is their weighted quadratic mean (weights sum to 1):
 *
 *   s(x) = sqrt( sum_k w_k l_k(x)^2 )
 *
 * (only the members' upper pieces for direction 'above', only the lower for 'below'). Why the
 * quadratic mean: it is the length of the vector of the members' standardised deviations, the
 * usual way to pool independent z-scores, and it equals the members' common score when they
 * agree. Unlike the arithmetic mean it does not halve a strong deviation that one member sees
 * while the other is blind to it (the adaptive filter on a daily pattern, the seasonal profile
 * right after a level shift): it stays at least max_k l_k * sqrt(w_k). Unlike the max it still
 * asks for more than one member's word to reach the full score. Measured on NAB (mean over three
 * refit schedules, standard / low FP / low FN): arithmetic mean 55.86 / 40.56 / 63.39, quadratic
 * 57.35 / 41.02 / 65.09, cubic 57.31 / 40.68 / 65.06, power 8 (near max) 54.62 / 39.39 / 62.67,
 * power 1/2 53.44 / 38.87 / 60.63.
 *
 * It is built from the members' BANDS, not their scores, so that s^2 is piecewise quadratic in x
 * with breakpoints at the e_k and the band can be solved exactly: every member draws its band
 * where its own score is 1 (adaptive moves its edges in while a sustained deviation builds up), so
 * the members' views all enter through it.
 *
 * The band is exactly the set {x : s(x) <= 1}: s is convex, so it is an interval, and each edge is
 * found by walking the sorted breakpoints and solving the quadratic piece that crosses 1.
 *
 * `expected` is the value the members jointly find least unusual: the argmin of the two-sided
 * s(x), a weighted mean of the e_k with weights w_k times the squared slope each member has on
 * the side of it where the minimum lies (a narrower band pulls harder).
 *
 * When the members disagree so much that s(x) > 1 everywhere, no value is normal to both: the band
 * collapses to a zero-width band at `expected` and every point scores above 1 (honestly so: any
 * value is far outside at least one member's band).
 *
 * Minimum deviations: each member already widens its band by them, around its own expected value;
 * the ensemble also keeps |x - expected| below max(minAbsDeviation, minRelDeviation * |expected|)
 * from scoring above 1 (the score is capped at |x - expected| / minimum there), and widens the
 * band to that minimum, so the band edge still scores exactly 1.
 *
 * Idle floor: many Prometheus metrics rest at a floor most of the time (an idle disk or NIC
 * writes 0 bytes, a queue is empty) and burst above it. After a burst both members' expected
 * values sit above the floor for a while (the level follows the burst), and the return to the
 * floor, the series' most common state, would score as a drop. When at least IDLE_SHARE of the
 * training points rest at the training minimum (within half its resolution, see
 * resolutionFloor), the series has two normal states, idle and active, and a point AT the floor
 * is as expected: its below-side score is 0. The members' band still describes the active state
 * and is drawn as such; the floor is a second, narrow normal state beside it, so {x : s(x) <= 1}
 * is the band plus the floor. Values below the floor (never seen in training: a counter gone
 * negative, a broken exporter) and values between the floor and the band score as before.
 * (Measured alternative: widening the band down to the floor, which keeps a single interval,
 * also scores the dips just above the floor low and gains under a fifth as much on NAB.)
 *
 * Daily routine and incident aftermath (routine.ts, aftermath.ts) both divide the combined score
 * by a level >= 1 and draw the band where the divided score is 1: the routine by time of day, the
 * aftermath by the peak of an incident that has just ended. The aftermath is the only state
 * carried from point to point; it resumes at the end of training (see score).
 */

/**
 * 4: with direction 'above' ('below'), a point below (above) `expected` scores 0. 3: the incident
 * aftermath (aftermath.ts). 2: the quadratic mean and the daily routine. Models saved as 3 keep
 * scoring such points by the members whose own expected value they are above (a little, or past 1
 * where the members disagree widely); models saved as 2 also load without an aftermath, models
 * saved as 1 also keep the arithmetic mean and no routine: each scores as it did when saved.
 */
const FORMAT_VERSION = 4;

/**
 * Share of training points at the minimum that makes it an idle floor. A fifth of the time is a
 * state the series is in every day, not a rare dip; measured on NAB, the result is flat from
 * 0.05 to 0.8 (see the commit message), so this is not a tuned value.
 */
export const IDLE_SHARE = 0.2;

/** Members the ensemble holds at most (the per-point solve is O(members^2)). */
const MAX_MEMBERS = 8;

/** As in scorePoint: rounding never scores, a flat series never divides by zero. */
const TINY = 1e-6;

export class EnsembleModel implements Model {
  readonly kind = 'ensemble' as const;
  readonly weights: Float64Array;

  constructor(
    readonly options: ModelOptions,
    readonly training: TrainingInfo,
    readonly members: readonly Model[],
    weights: ArrayLike<number>,
    /** The series' idle floor (see the module doc), or null when it has none. */
    readonly idle: IdleFloor | null = null,
    /** Its daily routine excursions (see routine.ts), or null when it has none. */
    readonly routine: Routine | null = null,
    /**
     * How the members' scores combine: the quadratic mean, or the arithmetic mean that models of
     * format version 1 were saved with (they load and score as they did).
     */
    readonly combine: 'quadratic' | 'mean' = 'quadratic',
    /**
     * Where the incident aftermath tracker stood at the end of training (aftermath.ts), or null
     * for models saved before it (format versions 1 and 2), which score without it.
     */
    readonly aftermath: AftermathState | null = null,
    /**
     * Whether a direction-restricted model scores only points on its side of `expected` (format
     * version 4); false for models saved before, which score as they did. Only fitted models
     * (which have an aftermath) are saved, and they save it as version 4.
     */
    readonly sideOfExpected = true
  ) {
    if (aftermath && combine === 'mean') {
      throw new ModelError('ensemble aftermath needs the quadratic combination (format version 3)');
    }
    if (combine === 'mean' && routine) {
      throw new ModelError('ensemble routine needs the quadratic combination (format version 2)');
    }
    if (routine) {
      const nBins = routine.up.length;
      if (
        !(routine.binMs > 0) ||
        nBins === 0 ||
        routine.down.length !== nBins ||
        nBins * routine.binMs > DAY_MS ||
        !everyAtLeastOne(routine.up) ||
        !everyAtLeastOne(routine.down)
      ) {
        throw new ModelError('ensemble routine must be one level >= 1 per time-of-day bin on each side');
      }
    }
    if (idle && !(Number.isFinite(idle.value) && idle.tolerance >= 0 && Number.isFinite(idle.tolerance))) {
      throw new ModelError('ensemble idle floor must be a finite value with a finite non-negative tolerance');
    }
    if (members.length === 0 || members.length > MAX_MEMBERS) {
      throw new ModelError(`an ensemble needs 1 to ${MAX_MEMBERS} members, got ${members.length}`);
    }
    if (weights.length !== members.length) {
      throw new ModelError('an ensemble needs one weight per member');
    }
    let sum = 0;
    for (let k = 0; k < weights.length; k++) {
      if (!(weights[k] > 0) || !Number.isFinite(weights[k])) {
        throw new ModelError('ensemble weights must be positive finite numbers');
      }
      sum += weights[k];
    }
    this.weights = Float64Array.from(weights, (w) => w / sum);
  }

  contextStartMs(rangeStartMs: number): number {
    // The aftermath runs from the end of training (see score).
    let start = this.aftermath && rangeStartMs > this.training.toMs ? this.training.toMs + 1 : rangeStartMs;
    for (const m of this.members) {
      start = Math.min(start, m.contextStartMs ? m.contextStartMs(rangeStartMs) : -Infinity);
    }
    return start;
  }

  score(series: Series, out: ScoreBuffers, from = 0): void {
    const n = series.t.length;
    const K = this.members.length;
    // The aftermath tracker resumes at the first point after training with the state training
    // ended in, so a point's score does not depend on where the caller's range starts: the points
    // between the end of training and `from` are scored too (not written) to carry it forward.
    // In-sample points (at or before the end of training) score without it.
    const t = series.t;
    const tracker = this.aftermath && new Aftermath(this.aftermath);
    const afterTraining = tracker ? lowerBound(t, this.training.toMs + 1) : n;
    const start = Math.min(from, afterTraining);
    const bufs = this.members.map(() => allocScoreBuffers(n));
    for (let k = 0; k < K; k++) {
      this.members[k].score(series, bufs[k], start);
    }
    const solver = new BandSolver(K, this.combine === 'quadratic');
    const { direction } = this.options;
    const v = series.v;
    const routine = this.routine;
    const nBins = routine ? routine.up.length : 0;
    for (let i = start; i < n; i++) {
      const write = i >= from;
      solver.reset();
      for (let k = 0; k < K; k++) {
        const b = bufs[k];
        solver.add(b.expected[i], b.lower[i], b.upper[i], this.weights[k]);
      }
      if (!solver.ready()) {
        if (write) {
          out.expected[i] = NaN;
          out.lower[i] = NaN;
          out.upper[i] = NaN;
          out.score[i] = Number.isFinite(v[i]) ? 0 : NaN;
        }
        continue;
      }
      const e = solver.argmin();
      // At a time of day with a routine excursion, that side's band is drawn where the score
      // reaches the routine's level, and scores are relative to it (see routine.ts).
      let levelUp = 1;
      let levelDown = 1;
      if (routine) {
        const b = routineBin(series.t[i], routine.binMs, nBins);
        levelUp = routine.up[b];
        levelDown = routine.down[b];
      }
      // Within an incident's aftermath, scores are relative to its peak (aftermath.ts): the band
      // is drawn where the score reaches it.
      const held = tracker && i >= afterTraining ? tracker.divisor(t[i]) : 1;
      // The unscored side is drawn as for 'both', as the single detectors draw it.
      let upper = solver.upperEdge(e, direction === 'above' ? UP : BOTH, levelUp * held);
      let lower = solver.lowerEdge(e, direction === 'below' ? DOWN : BOTH, levelDown * held);
      const floor = Math.max(minimumDeviation(this.options, e), TINY * (1 + Math.abs(e)));
      if (upper < e + floor) {
        upper = e + floor;
      }
      if (lower > e - floor) {
        lower = e - floor;
      }
      if (write) {
        out.expected[i] = e;
        out.upper[i] = upper;
        out.lower[i] = lower;
      }
      const x = v[i];
      if (!Number.isFinite(x)) {
        if (write) {
          out.score[i] = NaN;
        }
        continue;
      }
      const which = direction === 'above' ? UP : direction === 'below' ? DOWN : BOTH;
      const idle = this.idle;
      const atFloor = idle !== null && Math.abs(x - idle.value) <= idle.tolerance;
      // The members' upper pieces see a point above the lowest member's expected value; the user
      // who asked for 'above' sees it against the drawn expected value.
      const wrongSide = this.sideOfExpected && ((direction === 'above' && x < e) || (direction === 'below' && x > e));
      let s = wrongSide ? 0 : solver.value(x, atFloor ? which & UP : which) / (x > e ? levelUp : levelDown);
      const d = Math.abs(x - e);
      // Within the minimum deviation nothing scores above 1, and the widened band's edge scores
      // exactly 1: the cap applies after the aftermath's division, as after the routine's. The
      // tracker follows the undivided score.
      // (Tested as the band edges were computed, so a value AT a widened edge is capped to 1.)
      const cap = x <= e + floor && x >= e - floor ? d / floor : Infinity;
      if (tracker && i >= afterTraining) {
        tracker.observe(t[i], Math.min(s, cap));
        s /= held;
      }
      if (s > cap) {
        s = cap;
      }
      if (write) {
        out.score[i] = s;
      }
    }
  }

  toJSON(): SerializedModel {
    return {
      ...writeHeader(
        this,
        this.combine === 'mean' ? 1 : !this.aftermath ? 2 : this.sideOfExpected ? FORMAT_VERSION : 3
      ),
      weights: Array.from(this.weights),
      idle: this.idle,
      routine: this.routine && {
        binMs: this.routine.binMs,
        up: Array.from(this.routine.up),
        down: Array.from(this.routine.down),
      },
      members: this.members.map((m) => m.toJSON()),
      ...(this.aftermath && { aftermath: { ...this.aftermath } }),
    };
  }

  /** Restores an ensemble; `loadMember` restores each embedded member (the registry's loadModel). */
  static load(json: unknown, loadMember: (json: unknown) => Model): EnsembleModel {
    // Older versions score as they did when saved (see FORMAT_VERSION).
    const saved = json && typeof json === 'object' ? (json as { formatVersion?: unknown }).formatVersion : undefined;
    const m = readHeader(json, 'ensemble', saved === 1 || saved === 2 || saved === 3 ? saved : FORMAT_VERSION);
    const members = m.members;
    if (!Array.isArray(members) || members.length === 0 || members.length > MAX_MEMBERS) {
      throw new ModelError(`ensemble model members must be an array of 1 to ${MAX_MEMBERS} models`);
    }
    const weights = m.weights;
    if (
      !Array.isArray(weights) ||
      weights.length !== members.length ||
      weights.some((w) => typeof w !== 'number' || !(w > 0) || !Number.isFinite(w))
    ) {
      throw new ModelError('ensemble model weights must be one positive number per member');
    }
    const loaded = members.map((j) => {
      const kind = j && typeof j === 'object' ? (j as { kind?: unknown }).kind : undefined;
      if (kind === 'ensemble') {
        throw new ModelError('ensemble members cannot be ensembles');
      }
      return loadMember(j);
    });
    // Models saved before the idle floor existed have none, and score as they did.
    const idle = m.idle;
    let floor: IdleFloor | null = null;
    if (idle !== undefined && idle !== null) {
      const o = idle as { value?: unknown; tolerance?: unknown };
      if (typeof idle !== 'object' || typeof o.value !== 'number' || typeof o.tolerance !== 'number') {
        throw new ModelError('ensemble model idle must be null or {value, tolerance}');
      }
      floor = { value: o.value, tolerance: o.tolerance };
    }
    let routine: Routine | null = null;
    if (m.routine !== undefined && m.routine !== null) {
      const o = m.routine as { binMs?: unknown; up?: unknown; down?: unknown };
      if (
        typeof o !== 'object' ||
        typeof o.binMs !== 'number' ||
        !Array.isArray(o.up) ||
        !Array.isArray(o.down) ||
        [...o.up, ...o.down].some((x) => typeof x !== 'number')
      ) {
        throw new ModelError('ensemble model routine must be null or {binMs, up, down}');
      }
      routine = {
        binMs: o.binMs,
        up: Float64Array.from(o.up as number[]),
        down: Float64Array.from(o.down as number[]),
      };
    }
    return new EnsembleModel(
      m.options,
      m.training,
      loaded,
      weights as number[],
      floor,
      routine,
      m.formatVersion === 1 ? 'mean' : 'quadratic',
      m.formatVersion >= 3 ? readAftermathState(m.aftermath) : null,
      m.formatVersion >= 4
    );
  }
}

const UP = 1;
const DOWN = 2;
const BOTH = 3;

/**
 * The combined score at one point and its exact solution: the quadratic mean of the members'
 * one-sided linear scores, s(x) = sqrt(F(x) / W) with F(x) = sum_k w_k l_k(x)^2, which is
 * piecewise quadratic in x with breakpoints at the e_k; or, for models saved before it (format
 * version 1), their arithmetic mean F(x) / W with F(x) = sum_k w_k l_k(x), piecewise linear.
 * Preallocated per score() call; nothing is allocated per point.
 */
export class BandSolver {
  private readonly e: Float64Array;
  /** 1 / (u_k - e_k) and 1 / (e_k - l_k): the member's slopes above and below. */
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly w: Float64Array;
  /** Member indices sorted by e. */
  private readonly order: Int32Array;
  private count = 0;
  private weightSum = 0;

  constructor(
    capacity: number,
    /** Quadratic mean (the default) or, as models of format version 1 combine, arithmetic mean. */
    private readonly quadratic = true
  ) {
    this.e = new Float64Array(capacity);
    this.a = new Float64Array(capacity);
    this.b = new Float64Array(capacity);
    this.w = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
  }

  reset(): void {
    this.count = 0;
    this.weightSum = 0;
  }

  /** Adds a member's view; members that cannot say anything here (no expected value yet) are left out. */
  add(e: number, lower: number, upper: number, w: number): void {
    if (!Number.isFinite(e) || !Number.isFinite(lower) || !Number.isFinite(upper)) {
      return;
    }
    const tiny = TINY * (1 + Math.abs(e));
    const j = this.count++;
    this.e[j] = e;
    this.w[j] = w;
    this.a[j] = 1 / Math.max(upper - e, tiny);
    this.b[j] = 1 / Math.max(e - lower, tiny);
    this.weightSum += w;
    // Insertion into the sorted order (a handful of members).
    let p = j;
    while (p > 0 && this.e[this.order[p - 1]] > e) {
      this.order[p] = this.order[p - 1];
      p--;
    }
    this.order[p] = j;
  }

  ready(): boolean {
    return this.count > 0;
  }

  /**
   * w_k times the slope member j has at x on the sides in `which` (0 on the others), squared for
   * the quadratic mean.
   */
  private curvature(j: number, x: number, which: number): number {
    const r = x - this.e[j];
    let slope = 0;
    if (r > 0) {
      slope = which & UP ? this.a[j] : 0;
    } else if (r < 0) {
      slope = which & DOWN ? this.b[j] : 0;
    }
    return this.quadratic ? this.w[j] * slope * slope : this.w[j] * slope;
  }

  /** The combined score at x (weights renormalised over the members present). */
  value(x: number, which: number): number {
    let f = 0;
    for (let j = 0; j < this.count; j++) {
      const r = x - this.e[j];
      f += this.curvature(j, x, which) * (this.quadratic ? r * r : Math.abs(r));
    }
    const s = this.quadratic ? Math.sqrt(f / this.weightSum) : f / this.weightSum;
    return Number.isFinite(s) || !Number.isFinite(x) || !this.quadratic ? s : this.scaledValue(x, which);
  }

  /**
   * The quadratic value() for an x so far out (beyond ~1e154) that r * r overflows, which gave
   * Infinity, or NaN where a member's zero slope met it: the same mean, each term scaled by the
   * largest. Only reached on overflow, so ordinary scores keep their exact bits.
   */
  private scaledValue(x: number, which: number): number {
    let big = 0;
    for (let j = 0; j < this.count; j++) {
      big = Math.max(big, Math.sqrt(this.curvature(j, x, which)) * Math.abs(x - this.e[j]));
    }
    if (!(big > 0) || !Number.isFinite(big)) {
      return big;
    }
    let f = 0;
    for (let j = 0; j < this.count; j++) {
      const term = (Math.sqrt(this.curvature(j, x, which)) * Math.abs(x - this.e[j])) / big;
      f += term * term;
    }
    return big * Math.sqrt(f / this.weightSum);
  }

  /**
   * Argmin of the two-sided score: F is convex and smooth, so its minimum is where F' = 0, a
   * weighted mean of the e_k with weights w_k times the squared slope each member has there;
   * found segment by segment between the sorted e_k (it lies within their range).
   */
  argmin(): number {
    const n = this.count;
    if (!this.quadratic) {
      return this.argminLinear();
    }
    for (let p = 0; p + 1 < n; p++) {
      const lo = this.e[this.order[p]];
      const hi = this.e[this.order[p + 1]];
      if (!(hi > lo)) {
        continue;
      }
      const mid = 0.5 * (lo + hi);
      let c = 0;
      let ce = 0;
      for (let j = 0; j < n; j++) {
        const k = this.curvature(j, mid, BOTH);
        c += k;
        ce += k * this.e[j];
      }
      const x = ce / c;
      if (x <= hi) {
        return x < lo ? lo : x;
      }
    }
    return this.e[this.order[n - 1]];
  }

  /**
   * Argmin of the arithmetic mean: where its slope turns non-negative (mid-segment if flat), a
   * weighted median of the e_k.
   */
  private argminLinear(): number {
    let slope = 0;
    for (let j = 0; j < this.count; j++) {
      slope -= this.w[j] * this.b[j];
    }
    for (let p = 0; p < this.count; p++) {
      const j = this.order[p];
      slope += this.w[j] * (this.a[j] + this.b[j]);
      if (slope > 0) {
        return this.e[j];
      }
      if (slope === 0) {
        return p + 1 < this.count ? (this.e[j] + this.e[this.order[p + 1]]) / 2 : this.e[j];
      }
    }
    return this.e[this.order[this.count - 1]];
  }

  /**
   * Largest x >= start with value(x) <= level (value is nondecreasing right of start); start itself
   * if value(start) > level already (an empty band collapses there).
   */
  upperEdge(start: number, which: number, level = 1): number {
    return this.edge(start, which, level, 1);
  }

  /** Smallest x <= start with value(x) <= level, mirrored from upperEdge. */
  lowerEdge(start: number, which: number, level = 1): number {
    return this.edge(start, which, level, -1);
  }

  /**
   * Walks the breakpoints from `start` in direction `dir` and solves the piece that crosses
   * F = level^2 W (quadratic) or level W (linear) exactly. On a piece starting at x0, with
   * y = dir (x - x0) >= 0 and d_k = dir (x0 - e_k), quadratic: F = S y^2 + 2 D y + E (S = sum c_k,
   * D = sum c_k d_k, E = sum c_k d_k^2 over the members c_k active on it), whose rising root is
   * y = (sqrt(D^2 + S (L - E)) - D) / S; linear: F = E + G y (E = sum c_k |d_k|, G = the sum of
   * c_k signed by the side each member is on), so y = (L - E) / G where G > 0.
   */
  private edge(start: number, which: number, level: number, dir: 1 | -1): number {
    const target = (this.quadratic ? level * level : level) * this.weightSum;
    let x0 = start;
    const f0 = this.value(x0, which);
    if (f0 >= level) {
      return x0;
    }
    const n = this.count;
    for (let q = 0; q <= n; q++) {
      // The next breakpoint beyond x0 in direction dir (Infinity past the last).
      let x1 = dir * Infinity;
      for (let p = 0; p < n; p++) {
        const ep = this.e[this.order[dir > 0 ? p : n - 1 - p]];
        if (dir * (ep - x0) > 0) {
          x1 = ep;
          break;
        }
      }
      const probe = Number.isFinite(x1) ? 0.5 * (x0 + x1) : x0 + dir * (1 + Math.abs(x0));
      let S = 0;
      let D = 0;
      let E = 0;
      for (let j = 0; j < n; j++) {
        const c = this.curvature(j, probe, which);
        const d = dir * (x0 - this.e[j]);
        if (this.quadratic) {
          S += c;
          D += c * d;
          E += c * d * d;
        } else {
          // The member's side on this piece: +1 when its score rises as y grows.
          const side = dir * (probe - this.e[j]) > 0 ? 1 : -1;
          D += side * c;
          E += c * Math.abs(d);
        }
      }
      if (!this.quadratic) {
        if (D > 0) {
          const y = (target - E) / D;
          if (!Number.isFinite(x1) || y <= dir * (x1 - x0)) {
            return x0 + dir * y;
          }
        }
      } else if (S > 0) {
        const y = (Math.sqrt(Math.max(D * D + S * (target - E), 0)) - D) / S;
        if (!Number.isFinite(x1) || y <= dir * (x1 - x0)) {
          return x0 + dir * y;
        }
      }
      if (!Number.isFinite(x1)) {
        return dir * Infinity;
      }
      x0 = x1;
    }
    return x0;
  }
}

/** The members `auto` combines, with their weights (see the ablation in the commit history). */
export const DEFAULT_ENSEMBLE: ReadonlyArray<{ kind: DetectorKind; weight: number }> = [
  { kind: 'seasonal', weight: 1 },
  { kind: 'adaptive', weight: 1 },
];

export function fitEnsemble(
  series: Series,
  options: ModelOptions,
  resolve: (kind: DetectorKind) => Detector,
  spec: ReadonlyArray<{ kind: DetectorKind; weight: number }> = DEFAULT_ENSEMBLE
): EnsembleModel {
  const training = describeTraining(series);
  // Members join as soon as they have the history they need (the seasonal profile needs far less
  // than the adaptive filter's calibration), so a new series gets the ensemble's judgement early
  // instead of the cold-start model's; the engine refits when the next member becomes ready.
  let ready: ReadonlyArray<{ kind: DetectorKind; weight: number }> = spec.filter(
    (m) => resolve(m.kind).minTrainingPoints(options, training.stepMs) <= training.points
  );
  if (ready.length === 0) {
    ready = spec;
  }
  const members = ready.map((m) => resolve(m.kind).fit(series, options));
  const weights = ready.map((m) => m.weight);
  const idle = idleFloor(series.v);
  const plain = new EnsembleModel(options, training, members, weights, idle);
  // The daily routine is learnt from the model's own scores on its training window (in-sample:
  // causal, the window is all before the points it will score).
  const inSample = allocScoreBuffers(series.t.length);
  plain.score(series, inSample);
  const routine = fitRoutine(series.t, series.v, inSample.expected, inSample.score, training.stepMs);
  if (routine) {
    new EnsembleModel(options, training, members, weights, idle, routine).score(series, inSample);
  }
  // The aftermath tracker starts where the training window's own scores leave it: an incident
  // that ends just before a refit keeps its aftermath in the new model.
  const tracker = new Aftermath(QUIET);
  for (let i = 0; i < inSample.score.length; i++) {
    tracker.divisor(series.t[i]);
    tracker.observe(series.t[i], inSample.score[i]);
  }
  return new EnsembleModel(options, training, members, weights, idle, routine, 'quadratic', tracker.state());
}

/** A value the series rests at, give or take `tolerance` (see the module doc). */
export interface IdleFloor {
  value: number;
  tolerance: number;
}

/**
 * The series' idle floor (see the module doc): its training minimum, give or take half its
 * resolution (rounding), when at least IDLE_SHARE of the finite points are there; else null.
 */
export function idleFloor(v: ArrayLike<number>): IdleFloor | null {
  let min = Infinity;
  let finite = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isFinite(x)) {
      finite++;
      if (x < min) {
        min = x;
      }
    }
  }
  if (finite === 0) {
    return null;
  }
  const tolerance = 0.5 * resolutionFloor(v);
  let resting = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] <= min + tolerance) {
      resting++;
    }
  }
  return resting >= IDLE_SHARE * finite ? { value: min, tolerance } : null;
}

/** Finite training points each member needs, ascending: the ensemble starts at the first. */
export function memberNeeds(
  resolve: (kind: DetectorKind) => Detector,
  options: ModelOptions,
  stepMs: number
): number[] {
  return DEFAULT_ENSEMBLE.map((m) => resolve(m.kind).minTrainingPoints(options, stepMs)).sort((a, b) => a - b);
}

/**
 * The ensemble as a detector. Built by the registry (which it needs to fit and load members), so
 * this module does not import the registry and no import cycle arises.
 */
export function makeEnsembleDetector(
  resolve: (kind: DetectorKind) => Detector,
  loadMember: (json: unknown) => Model
): Detector {
  return {
    kind: 'ensemble',
    // It can start with its least demanding member (see fitEnsemble).
    minTrainingPoints: (options, stepMs) => memberNeeds(resolve, options, stepMs)[0],
    fit: (series, options) => fitEnsemble(series, options, resolve),
    load: (json) => EnsembleModel.load(json, loadMember),
  };
}

function everyAtLeastOne(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] >= 1) || !Number.isFinite(a[i])) {
      return false;
    }
  }
  return true;
}
