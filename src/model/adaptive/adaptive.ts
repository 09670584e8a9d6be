import {
  type BandCalibration,
  bandScore,
  falseAlarmRate,
  minimumDeviation,
  resolutionFloor,
  scorePoint,
} from '../calibration';
import { dlog } from '../detmath';
import type { Detector } from '../detector';
import { ModelError } from '../errors';
import { num, readHeader, savedObject, writeHeader } from '../serial';
import { MAD_TO_SIGMA, mad, median, normalQuantile, quantileSorted, sortedFinite } from '../stats';
import { describeTraining, lowerBound } from '../training';
import type { Model, ModelOptions, ScoreBuffers, Series, SerializedModel, TrainingInfo } from '../types';
import { AdaptiveFilter, type FilterConfig, type FilterState } from './filter';

/**
 * Adaptive level-and-volatility detector for the metrics Prometheus users watch most (CPU,
 * network, disk, request counts): bursty, spiky, with level shifts and often no seasonality.
 *
 * - expected value: a Huber-robust EWMA level (spikes barely move it);
 * - band: a multiple of an online robust volatility (EWMA of clipped absolute residuals), so the
 *   band widens in noisy periods and narrows in calm ones;
 * - the multiple is calibrated on this series' own history of normalised residuals with the
 *   peaks-over-threshold fit of calibration.ts: score 1 means "rarer than this series usually
 *   is", which makes a threshold mean the same on a calm and on a spiky series;
 * - multi-scale: a short rolling mean of the normalised residuals is calibrated the same way, so
 *   a sustained modest deviation (a ramp, a shift) scores as high as a spike;
 * - change-point: a run of same-side far points re-anchors the level, so a new normal stops
 *   paging after a few points instead of for hours.
 */

/**
 * 2: the score is read off the drawn band, linear beyond its edge like every other detector's
 * (scorePoint). 1: the larger of the point view's score and the sustained view's own (slower)
 * score. Models saved as 1 load and score as they did; the band is the same in both.
 */
const FORMAT_VERSION = 2;

/** The tuning every fitted model carries (serialised, so a loaded model scores identically). */
export interface AdaptiveConfig {
  alpha: number;
  beta: number;
  clip: number;
  meanWindow: number;
  shiftRun: number;
  /**
   * |normalised residual| that counts towards a shift run. Fixed in volatility units (not the
   * calibrated band) so the filter calibrated on is exactly the filter that scores.
   */
  shiftZ: number;
  /** Points at the start of training whose residuals are not used for calibration (filter warm-up). */
  burnIn: number;
}

/** The one default configuration (see the report in the commit history for the measurements). */
export const DEFAULT_ADAPTIVE_CONFIG: AdaptiveConfig = {
  alpha: 0.05,
  beta: 0.05,
  clip: 3,
  meanWindow: 12,
  shiftRun: 12,
  shiftZ: 4,
  burnIn: 60,
};

interface AdaptiveParams extends AdaptiveConfig {
  /** Band half-widths of the point residual, in volatility units. */
  kUpper: number;
  kLower: number;
  /** Band half-widths of the rolling mean of normalised residuals. */
  mUpper: number;
  mLower: number;
  /** Initial and minimum volatility (series unit). */
  scale0: number;
  scaleFloor: number;
  /** Narrowest band half-width (series unit): 1% of the training range, see resolutionFloor. */
  bandFloor: number;
  /**
   * The filter at the end of training (absent in models saved before it was kept, or when the
   * training had no finite point). With it, scoring after training resumes there: a score
   * depends on the points after training only, not on how much context the caller fetched.
   */
  state?: FilterState;
}

/** As in scorePoint: a band drawn at zero width (a constant series) never divides by zero. */
const TINY = 1e-6;

function filterConfig(p: AdaptiveParams): FilterConfig {
  return {
    alpha: p.alpha,
    beta: p.beta,
    clip: p.clip,
    meanWindow: p.meanWindow,
    shiftRun: p.shiftRun,
    shiftZ: p.shiftZ,
    scaleFloor: p.scaleFloor,
  };
}

export class AdaptiveModel implements Model {
  readonly kind = 'adaptive' as const;

  constructor(
    readonly options: ModelOptions,
    readonly training: TrainingInfo,
    readonly params: AdaptiveParams,
    /** How the model scores (see FORMAT_VERSION): a loaded model keeps its saved version's. */
    readonly formatVersion: 1 | 2 = FORMAT_VERSION
  ) {}

  /**
   * With the training-end state, a range after training needs the points since training only;
   * otherwise the filter warms up on whatever context the caller gives.
   */
  contextStartMs(rangeStartMs: number): number {
    return this.params.state && rangeStartMs > this.training.toMs ? this.training.toMs + 1 : -Infinity;
  }

  score(series: Series, out: ScoreBuffers, from = 0): void {
    const p = this.params;
    const f = new AdaptiveFilter(filterConfig(p), p.scale0);
    const { t, v } = series;
    const toMs = this.training.toMs;
    // Resume from the end of training when the scored range lies after it: the points up to
    // toMs are already in the state and are skipped.
    let start = 0;
    if (p.state && from < t.length && t[from] > toMs) {
      f.restore(p.state);
      start = lowerBound(t, toMs + 1);
    }
    const o = this.options;
    for (let i = start; i < v.length; i++) {
      const x = v[i];
      f.step(x);
      if (i < from) {
        continue;
      }
      const e = f.expected;
      if (!Number.isFinite(e)) {
        out.expected[i] = NaN;
        out.lower[i] = NaN;
        out.upper[i] = NaN;
        out.score[i] = 0;
        continue;
      }
      const s = f.usedScale;
      scorePoint(out, i, x, e, Math.max(p.kUpper * s, p.bandFloor), Math.max(p.kLower * s, p.bandFloor), o);
      // The band is where the score (point OR sustained view) stays <= 1, so its edges move in
      // while a sustained deviation builds up: the drawn band and the score tell the same story.
      // The rolling mean is linear in this point's residual r: m(r) = (zOthers + r/s) / count, so
      // the sustained view reaches 1 at r = s * (count * mBand -/+ zOthers), and never before the
      // minimum deviation (its cap, below).
      const floor = Math.max(minimumDeviation(o, e), p.bandFloor);
      const cnt = f.zCountNow;
      if (o.direction !== 'below') {
        const r1 = Math.max(s * (cnt * p.mUpper - f.zOthers), floor);
        if (e + r1 < out.upper[i]) {
          out.upper[i] = e + r1;
        }
      }
      if (o.direction !== 'above') {
        const r1 = Math.max(s * (cnt * p.mLower + f.zOthers), floor);
        if (e - r1 > out.lower[i]) {
          out.lower[i] = e - r1;
        }
      }
      if (!Number.isFinite(x)) {
        continue;
      }
      if (this.formatVersion === FORMAT_VERSION) {
        // Against the band just drawn: 1 at its edge, and a value twice as far beyond it scores
        // twice as high, as with every detector. The sustained view's own score rises far more
        // slowly beyond the edge, so a level shift read 2.7 here while the band it had drawn put
        // the value 40 band-widths out, and the ensemble, which reads members by their bands,
        // said 44: members and ensemble now tell the same story. NAB (adaptive alone, mean of
        // refits every 5/6/7 h): 35.00 / 13.53 / 46.90 before, 37.80 / 29.88 / 47.20 with it.
        const tiny = TINY * (1 + Math.abs(e));
        out.score[i] = bandScore(
          x - e,
          Math.max(out.upper[i] - e, tiny),
          Math.max(e - out.lower[i], tiny),
          o.direction
        );
        continue;
      }
      // Format 1. Sustained view: the rolling mean of normalised residuals against its own calibrated band.
      const m = f.zMean;
      let sustained = 0;
      if (m > 0 && o.direction !== 'below') {
        sustained = m / p.mUpper;
      } else if (m < 0 && o.direction !== 'above') {
        sustained = -m / p.mLower;
      }
      // Only when the point itself deviates on the same side, and never above 1 for a deviation
      // under the user's minimum: the minimum-deviation options bind both views.
      const r = x - e;
      if (sustained > 0 && r * m > 0) {
        const capped = floor > 0 ? Math.min(sustained, Math.abs(r) / floor) : sustained;
        if (capped > out.score[i]) {
          out.score[i] = capped;
        }
      }
    }
  }

  toJSON(): SerializedModel {
    return {
      ...writeHeader(this, this.formatVersion),
      ...this.params,
    };
  }

  static load(json: unknown): AdaptiveModel {
    // Models saved as version 1 score as they did (see FORMAT_VERSION).
    const saved = json && typeof json === 'object' ? (json as { formatVersion?: unknown }).formatVersion : undefined;
    const m = readHeader(json, 'adaptive', saved === 1 ? 1 : FORMAT_VERSION);
    const positive = (key: string) => {
      const x = num(m, key);
      if (!(x > 0)) {
        throw new ModelError(`adaptive model field ${key} must be positive`);
      }
      return x;
    };
    const count = (key: string, min: number) => {
      const x = num(m, key);
      if (!Number.isInteger(x) || x < min) {
        throw new ModelError(`adaptive model field ${key} must be an integer >= ${min}`);
      }
      return x;
    };
    const unit = (key: string) => {
      const x = positive(key);
      if (x > 1) {
        throw new ModelError(`adaptive model field ${key} must be in (0, 1]`);
      }
      return x;
    };
    const nonNegative = (key: string) => {
      const x = num(m, key);
      if (x < 0) {
        throw new ModelError(`adaptive model field ${key} must be non-negative`);
      }
      return x;
    };
    return new AdaptiveModel(
      m.options,
      m.training,
      {
        alpha: unit('alpha'),
        beta: unit('beta'),
        clip: positive('clip'),
        meanWindow: count('meanWindow', 1),
        shiftRun: count('shiftRun', 0),
        shiftZ: positive('shiftZ'),
        burnIn: count('burnIn', 0),
        kUpper: positive('kUpper'),
        kLower: positive('kLower'),
        mUpper: positive('mUpper'),
        mLower: positive('mLower'),
        scale0: positive('scale0'),
        scaleFloor: positive('scaleFloor'),
        bandFloor: nonNegative('bandFloor'),
        ...(m.state !== undefined && m.state !== null && { state: filterState(m.state, m) }),
      },
      m.formatVersion === 1 ? 1 : FORMAT_VERSION
    );
  }
}

export function fitAdaptive(
  series: Series,
  options: ModelOptions,
  config: AdaptiveConfig = DEFAULT_ADAPTIVE_CONFIG
): AdaptiveModel {
  const training = describeTraining(series);
  const v = series.v;
  const n = v.length;
  const globalMed = median(v);
  // Volatility of the step-to-step changes: what the filter's residuals look like when it tracks.
  const diffs = new Float64Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) {
    diffs[i - 1] = v[i] - v[i - 1];
  }
  const diffSigma = MAD_TO_SIGMA * mad(diffs, 0);
  const globalSigma = MAD_TO_SIGMA * mad(v, globalMed);
  const tiny = 1e-9 * (1 + Math.abs(globalMed || 0));
  const bandFloor = resolutionFloor(v);
  // Floor the volatility at a small share of the series' spread, so a long flat stretch of a
  // bursty metric (an idle disk) does not make the first ordinary wiggle look infinite.
  const scaleFloor = finiteOr(Math.max(globalSigma * 0.05, bandFloor / 4, tiny), 1e-9);
  const scale0 = finiteOr(Math.max(diffSigma, globalSigma * 0.25, scaleFloor), scaleFloor);

  const kMin = normalQuantile(1 - falseAlarmRate(options.sensitivity) / 2);
  const provisional: AdaptiveParams = {
    ...config,
    kUpper: kMin,
    kLower: kMin,
    mUpper: kMin,
    mLower: kMin,
    scale0,
    scaleFloor,
    bandFloor,
  };
  return new AdaptiveModel(options, training, calibrate(series, provisional, options.sensitivity, kMin));
}

/** Validates a stored filter state against the model's own configuration. */
function filterState(json: unknown, m: Record<string, unknown>): FilterState {
  const { fields: s, bad, finite } = savedObject(json, 'adaptive model state');
  const ring = (key: string, length: number) => {
    const a = s[key];
    if (!Array.isArray(a) || a.length !== length || a.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw bad(`field ${key} must be ${length} finite numbers`);
    }
    return a as number[];
  };
  const index = (key: string, hi: number) => {
    const x = finite(key);
    if (!Number.isInteger(x) || x < 0 || x > hi) {
      throw bad(`field ${key} must be an integer from 0 to ${hi}`);
    }
    return x;
  };
  const meanWindow = Math.max(1, m.meanWindow as number);
  const shiftRun = Math.max(1, m.shiftRun as number);
  const runSign = finite('runSign');
  if (runSign !== 0 && runSign !== 1 && runSign !== -1) {
    throw bad('field runSign must be -1, 0 or 1');
  }
  const runStartScale = s.runStartScale === null ? null : finite('runStartScale');
  const scale = finite('scale');
  if (!(scale > 0)) {
    throw bad('field scale must be positive');
  }
  return {
    level: finite('level'),
    scale,
    zRing: ring('zRing', meanWindow),
    zHead: index('zHead', meanWindow - 1),
    zCount: index('zCount', meanWindow),
    zSum: finite('zSum'),
    xRing: ring('xRing', shiftRun),
    run: index('run', Number.MAX_SAFE_INTEGER),
    runSign,
    runStartScale,
  };
}

function calibrate(series: Series, p: AdaptiveParams, sensitivity: number, kMin: number): AdaptiveParams {
  const v = series.v;
  const n = v.length;
  const f = new AdaptiveFilter(filterConfig(p), p.scale0);
  const zs = new Float64Array(n).fill(NaN);
  const ms = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    f.step(v[i]);
    if (i >= p.burnIn && Number.isFinite(v[i])) {
      zs[i] = f.z;
      ms[i] = f.zMean;
    }
  }
  // The calibrating filter is the scoring filter (same configuration, same start): its end is
  // where scoring after training resumes.
  const state = f.snapshot();
  const point = robustBand(zs, sensitivity);
  const sustained = robustBand(ms, sensitivity);
  // With few residuals the tail fit is unreliable: never narrower than a normal model would be.
  const mMin = kMin / Math.sqrt(p.meanWindow);
  return {
    ...p,
    kUpper: Math.max(point.upper, kMin),
    kLower: Math.max(point.lower, kMin),
    mUpper: Math.max(sustained.upper, mMin),
    mLower: Math.max(sustained.lower, mMin),
    ...(state && { state }),
  };
}

/**
 * Band edges of normalised residuals: the (1 - rate/2) quantile of each side, extrapolated with
 * an exponential tail fitted to the excesses over the side's top `TAIL_FRAC`. Unlike
 * calibrateBand's mean excess, the scale is the MEDIAN excess / ln 2 (the exponential's median),
 * so one giant incident in the training window (a 30-sigma spike) does not widen the band for the
 * next four weeks and hide everything smaller: the band edge reflects what the series usually
 * does, and past incidents stay incidents.
 */
function robustBand(z: Float64Array, sensitivity: number): BandCalibration {
  const sorted = sortedFinite(z);
  const n = sorted.length;
  if (n === 0) {
    return { upper: 0, lower: 0 };
  }
  const rate = falseAlarmRate(sensitivity) / 2;
  const frac = Math.min(0.25, Math.max(TAIL_FRAC, MIN_TAIL_POINTS / n));
  const k = Math.max(1, Math.floor(frac * n));
  const excess = new Float64Array(k);
  const side = (sign: 1 | -1) => {
    const u = sign * quantileSorted(sorted, sign > 0 ? 1 - frac : frac);
    for (let j = 0; j < k; j++) {
      excess[j] = Math.max(sign * (sign > 0 ? sorted[n - 1 - j] : sorted[j]) - u, 0);
    }
    excess.sort();
    const keep = Math.max(1, Math.ceil(k * (1 - TAIL_TRIM)));
    let sum = 0;
    for (let j = 0; j < keep; j++) {
      sum += excess[j];
    }
    const beta = sum / keep;
    return Math.max(u + beta * dlog(frac / rate), 0);
  };
  return { upper: side(1), lower: side(-1) };
}

const TAIL_FRAC = 0.05;
/** Share of the largest excesses left out of the tail scale: the training window's own incidents. */
const TAIL_TRIM = 0.1;
const MIN_TAIL_POINTS = 20;

function finiteOr(x: number, fallback: number): number {
  return Number.isFinite(x) && x > 0 ? x : fallback;
}

export const adaptiveDetector: Detector = {
  kind: 'adaptive',
  // A day of 5-minute samples is enough for the tail fit to see a few hundred residuals.
  minTrainingPoints: () => 288,
  fit: (series, options) => fitAdaptive(series, options),
  load: (json) => AdaptiveModel.load(json),
};
