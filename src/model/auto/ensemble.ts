import type { Detector } from '../detector';
import { ModelError } from '../errors';
import { resolutionFloor } from '../calibration';
import { readHeader, writeHeader } from '../serial';
import { DAY_MS } from '../options';
import { describeTraining } from '../training';
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
 * Ensemble of detectors: a point is as unusual as the members find it ON AVERAGE.
 *
 * Why combine instead of choosing one: the members fail differently. The seasonal profile knows
 * what time of day it is but is slow to accept a new level; the adaptive filter follows levels and
 * volatility but knows nothing of the day. A choice made on a holdout week is wrong whenever the
 * series changes character after it; a point that is unusual to both is an incident, a point
 * that only one finds odd is usually that member's blind spot. Measured on NAB (see the commit
 * history): the mean of seasonal and adaptive beats either alone and beats min/max/geometric mean.
 *
 * The score. Member k at a point has an expected value e_k and band edges l_k < e_k < u_k, each
 * edge being where that member's own score reaches 1. Its one-sided linear score is
 * (x - e_k) / (u_k - e_k) above e_k and (e_k - x) / (e_k - l_k) below. The ensemble score is the
 * weighted mean of these (weights sum to 1):
 *
 *   s(x) = up(x) + down(x),  up(x) = sum_k w_k (x - e_k)+ / (u_k - e_k),
 *                            down(x) = sum_k w_k (e_k - x)+ / (e_k - l_k)
 *
 * (`up` alone for direction 'above', `down` alone for 'below'). It is built from the members'
 * BANDS, not their scores, so that it is piecewise linear in x with breakpoints at the e_k and the
 * band can be solved exactly: every member draws its band where its own score is 1 (adaptive moves
 * its edges in while a sustained deviation builds up), so the members' views all enter through it.
 *
 * The band is exactly the set {x : s(x) <= 1}: s is convex, so it is an interval, and each edge is
 * found by walking the sorted breakpoints and solving the linear piece that crosses 1.
 *
 * `expected` is the value the members jointly find least unusual: the argmin of the two-sided
 * s(x). It is a weighted median of the e_k (weights w_k times the member's two side slopes); where
 * s is flat between two breakpoints, the middle of that segment. A median rather than the
 * weighted mean of the e_k because the band is built around it: the mean can sit where s is not
 * smallest when one member's band is much narrower than the other's.
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
 */

/** 2: the daily routine (version 1 models load without one). */
const FORMAT_VERSION = 2;

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
    readonly routine: Routine | null = null
  ) {
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
    let start = rangeStartMs;
    for (const m of this.members) {
      start = Math.min(start, m.contextStartMs ? m.contextStartMs(rangeStartMs) : -Infinity);
    }
    return start;
  }

  score(series: Series, out: ScoreBuffers, from = 0): void {
    const n = series.t.length;
    const K = this.members.length;
    const bufs = this.members.map(() => allocScoreBuffers(n));
    for (let k = 0; k < K; k++) {
      this.members[k].score(series, bufs[k], from);
    }
    const solver = new BandSolver(K);
    const { direction, minAbsDeviation, minRelDeviation } = this.options;
    const v = series.v;
    const routine = this.routine;
    const nBins = routine ? routine.up.length : 0;
    for (let i = from; i < n; i++) {
      solver.reset();
      for (let k = 0; k < K; k++) {
        const b = bufs[k];
        solver.add(b.expected[i], b.lower[i], b.upper[i], this.weights[k]);
      }
      if (!solver.ready()) {
        out.expected[i] = NaN;
        out.lower[i] = NaN;
        out.upper[i] = NaN;
        out.score[i] = Number.isFinite(v[i]) ? 0 : NaN;
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
      // The unscored side is drawn as for 'both', as the single detectors draw it.
      let upper = solver.upperEdge(e, direction === 'above' ? UP : BOTH, levelUp);
      let lower = solver.lowerEdge(e, direction === 'below' ? DOWN : BOTH, levelDown);
      const floor = Math.max(minAbsDeviation, minRelDeviation * Math.abs(e), TINY * (1 + Math.abs(e)));
      if (upper < e + floor) {
        upper = e + floor;
      }
      if (lower > e - floor) {
        lower = e - floor;
      }
      out.expected[i] = e;
      out.upper[i] = upper;
      out.lower[i] = lower;
      const x = v[i];
      if (!Number.isFinite(x)) {
        out.score[i] = NaN;
        continue;
      }
      const which = direction === 'above' ? UP : direction === 'below' ? DOWN : BOTH;
      const idle = this.idle;
      const atFloor = idle !== null && Math.abs(x - idle.value) <= idle.tolerance;
      let s = solver.value(x, atFloor ? which & UP : which) / (x > e ? levelUp : levelDown);
      const d = Math.abs(x - e);
      if (d < floor && s > d / floor) {
        s = d / floor;
      }
      out.score[i] = s;
    }
  }

  toJSON(): SerializedModel {
    return {
      ...writeHeader(this, FORMAT_VERSION),
      weights: Array.from(this.weights),
      idle: this.idle,
      routine: this.routine && {
        binMs: this.routine.binMs,
        up: Array.from(this.routine.up),
        down: Array.from(this.routine.down),
      },
      members: this.members.map((m) => m.toJSON()),
    };
  }

  /** Restores an ensemble; `loadMember` restores each embedded member (the registry's loadModel). */
  static load(json: unknown, loadMember: (json: unknown) => Model): EnsembleModel {
    // Version 1 (saved before the daily routine existed) has none and scores as it did.
    const saved = json && typeof json === 'object' ? (json as { formatVersion?: unknown }).formatVersion : undefined;
    const m = readHeader(json, 'ensemble', saved === 1 ? 1 : FORMAT_VERSION);
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
    return new EnsembleModel(m.options, m.training, loaded, weights as number[], floor, routine);
  }
}

const UP = 1;
const DOWN = 2;
const BOTH = 3;

/**
 * The piecewise-linear combined score at one point and its exact solution. Preallocated per
 * score() call; nothing is allocated per point.
 */
export class BandSolver {
  private readonly e: Float64Array;
  /** w_k / (u_k - e_k) and w_k / (e_k - l_k). */
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly w: Float64Array;
  /** Member indices sorted by e. */
  private readonly order: Int32Array;
  private count = 0;
  private weightSum = 0;

  constructor(capacity: number) {
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
    this.a[j] = w / Math.max(upper - e, tiny);
    this.b[j] = w / Math.max(e - lower, tiny);
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

  /** The combined score at x (weights renormalised over the members present). */
  value(x: number, which: number): number {
    let s = 0;
    for (let j = 0; j < this.count; j++) {
      const r = x - this.e[j];
      if (r > 0) {
        if (which & UP) {
          s += this.a[j] * r;
        }
      } else if (which & DOWN) {
        s -= this.b[j] * r;
      }
    }
    return s / this.weightSum;
  }

  /** Argmin of the two-sided score: where its slope turns non-negative (mid-segment if flat). */
  argmin(): number {
    let slope = 0;
    for (let j = 0; j < this.count; j++) {
      slope -= this.b[j];
    }
    for (let p = 0; p < this.count; p++) {
      const j = this.order[p];
      slope += this.a[j] + this.b[j];
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
    let x0 = start;
    let f0 = this.value(x0, which);
    if (f0 >= level) {
      return x0;
    }
    for (let p = 0; p < this.count; p++) {
      const x1 = this.e[this.order[p]];
      if (x1 <= x0) {
        continue;
      }
      const f1 = this.value(x1, which);
      if (f1 >= level) {
        return x0 + ((level - f0) * (x1 - x0)) / (f1 - f0);
      }
      x0 = x1;
      f0 = f1;
    }
    // Beyond the last breakpoint every member is below x: the slope is the sum of the a's.
    let slope = 0;
    for (let j = 0; j < this.count; j++) {
      if (this.e[j] <= x0 && which & UP) {
        slope += this.a[j];
      }
    }
    slope /= this.weightSum;
    return slope > 0 ? x0 + (level - f0) / slope : Infinity;
  }

  /** Smallest x <= start with value(x) <= level, mirrored from upperEdge. */
  lowerEdge(start: number, which: number, level = 1): number {
    let x0 = start;
    let f0 = this.value(x0, which);
    if (f0 >= level) {
      return x0;
    }
    for (let p = this.count - 1; p >= 0; p--) {
      const x1 = this.e[this.order[p]];
      if (x1 >= x0) {
        continue;
      }
      const f1 = this.value(x1, which);
      if (f1 >= level) {
        return x0 - ((level - f0) * (x0 - x1)) / (f1 - f0);
      }
      x0 = x1;
      f0 = f1;
    }
    let slope = 0;
    for (let j = 0; j < this.count; j++) {
      if (this.e[j] >= x0 && which & DOWN) {
        slope += this.b[j];
      }
    }
    slope /= this.weightSum;
    return slope > 0 ? x0 - (level - f0) / slope : -Infinity;
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
  return routine ? new EnsembleModel(options, training, members, weights, idle, routine) : plain;
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
