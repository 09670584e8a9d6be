import { dexp2 } from '../detmath';
import { calibrateBand, falseAlarmRate, resolutionFloor, scorePoint } from '../calibration';
import type { Detector } from '../detector';
import { ModelError } from '../errors';
import { DAY_MS } from '../options';
import { detectSeasonality, type SeasonalityKind } from '../seasonality';
import { f64, int, num, oneOf, readHeader, writeHeader } from '../serial';
import { normalQuantile } from '../stats';
import { describeTraining } from '../training';
import type { Model, ModelOptions, ScoreBuffers, Series, SerializedModel, TrainingInfo } from '../types';
import { binOf, decompose } from './decompose';
import { withoutIncidentInProgress } from './trailing';

/**
 * Seasonal-profile detector: expected = robust trend + median profile at the point's position in
 * the day or week, band = calibrated multiple of that position's robust residual scale. A slow
 * causal level correction lets a series that drifted since training stop alerting, while a fresh
 * level shift still scores above 1 for about a half-life.
 */

const FORMAT_VERSION = 1;
/** At most this many profile bins per period: 5-minute bins for a week. */
const MAX_BINS = 2016;
/** Half-life of the level correction: at least this long and at least LEVEL_HALF_LIFE_STEPS points. */
const LEVEL_HALF_LIFE_MS = DAY_MS / 4;
const LEVEL_HALF_LIFE_STEPS = 50;
/** Points needed for the level+trend fallback. */
const MIN_POINTS_NONE = 30;

/** Calibration sorts its input twice; a stride sample this size keeps tails well estimated (>100 points beyond the 99.5th percentile). */
const MAX_CALIBRATION_POINTS = 32_768;

const KINDS: readonly SeasonalityKind[] = ['daily', 'weekly', 'none'];

export interface SeasonalParams {
  seasonality: SeasonalityKind;
  periodMs: number;
  nBins: number;
  level: number;
  /** Trend per ms, relative to t0 (the end of training). */
  slope: number;
  t0: number;
  profile: Float64Array;
  scale: Float64Array;
  /** Band half-widths in units of scale[bin]. */
  kUpper: number;
  kLower: number;
  /** EWMA weight per point of the level correction (0 disables it). */
  levelAlpha: number;
  /** Narrowest band half-width in the series' unit (resolutionFloor of the training values). */
  bandFloor: number;
}

export class SeasonalModel implements Model {
  readonly kind = 'seasonal' as const;

  constructor(
    readonly options: ModelOptions,
    readonly training: TrainingInfo,
    readonly params: SeasonalParams
  ) {}

  /** Only points after training move the scoring state; earlier ones are never read. */
  contextStartMs(rangeStartMs: number): number {
    return rangeStartMs > this.training.toMs ? this.training.toMs + 1 : rangeStartMs;
  }

  score(series: Series, out: ScoreBuffers, from = 0): void {
    const { periodMs, nBins, level, slope, t0, profile, scale, kUpper, kLower, levelAlpha, bandFloor } = this.params;
    const binMs = nBins > 1 ? periodMs / nBins : 1;
    const toMs = this.training.toMs;
    const options = this.options;
    const { t, v } = series;
    const n = t.length;
    let correction = 0;
    for (let i = 0; i < n; i++) {
      const ti = t[i];
      const x = v[i];
      const b = nBins > 1 ? binOf(ti, periodMs, binMs, nBins) : 0;
      const s = scale[b];
      const expected = level + slope * (ti - t0) + profile[b] + correction;
      const hi = Math.max(kUpper * s, bandFloor);
      const lo = Math.max(kLower * s, bandFloor);
      if (i >= from) {
        scorePoint(out, i, x, expected, hi, lo, options);
      }
      // Only points after training move the correction, so a score never depends on how much
      // pre-training context the caller passed.
      if (ti > toMs && x === x) {
        // Clip symmetrically at the narrower side: on a skewed series (spiky CPU, bursty
        // traffic) the upper band is many times the lower, and burst after burst clipped at the
        // upper edge would lift the level above the quiet baseline, which then pages below.
        const c = hi < lo ? hi : lo;
        let e = x - expected;
        e = e > c ? c : e < -c ? -c : e;
        correction += levelAlpha * e;
      }
    }
  }

  toJSON(): SerializedModel {
    const p = this.params;
    return {
      ...writeHeader(this, FORMAT_VERSION),
      seasonality: p.seasonality,
      periodMs: p.periodMs,
      nBins: p.nBins,
      level: p.level,
      slope: p.slope,
      t0: p.t0,
      profile: Array.from(p.profile),
      scale: Array.from(p.scale),
      kUpper: p.kUpper,
      kLower: p.kLower,
      levelAlpha: p.levelAlpha,
      bandFloor: p.bandFloor,
    };
  }

  static load(json: unknown): SeasonalModel {
    const m = readHeader(json, 'seasonal', FORMAT_VERSION);
    const seasonality = oneOf(m, 'seasonality', KINDS);
    const nBins = int(m, 'nBins', 1, MAX_BINS);
    const periodMs = num(m, 'periodMs');
    if (nBins > 1 && !(periodMs > 0)) {
      throw new ModelError('seasonal model periodMs must be positive when it has more than one bin');
    }
    const scale = f64(m, 'scale', nBins);
    if (scale.some((s) => !(s > 0))) {
      throw new ModelError('seasonal model scale entries must be positive');
    }
    const levelAlpha = num(m, 'levelAlpha');
    if (levelAlpha < 0 || levelAlpha > 1) {
      throw new ModelError('seasonal model levelAlpha must be from 0 to 1');
    }
    const kUpper = num(m, 'kUpper');
    const kLower = num(m, 'kLower');
    if (kUpper < 0 || kLower < 0) {
      throw new ModelError('seasonal model band multipliers must be non-negative');
    }
    return new SeasonalModel(m.options, m.training, {
      seasonality,
      periodMs,
      nBins,
      level: num(m, 'level'),
      slope: num(m, 'slope'),
      t0: num(m, 't0'),
      profile: f64(m, 'profile', nBins),
      scale,
      kUpper,
      kLower,
      levelAlpha,
      // Models saved before the floor existed score as they did.
      bandFloor: m.bandFloor === undefined ? 0 : nonNegative(m, 'bandFloor'),
    });
  }
}

export function fitSeasonal(series: Series, options: ModelOptions): SeasonalModel {
  const training = describeTraining(series);
  const step = training.stepMs > 0 ? training.stepMs : 60_000;
  const detected = detectSeasonality(series, options.seasonality, training.stepMs);
  let nBins = 1;
  if (detected.kind !== 'none') {
    nBins = Math.min(MAX_BINS, Math.max(1, Math.round(detected.periodMs / step)));
  }
  const periodMs = detected.kind === 'none' ? 0 : detected.periodMs;
  const d = decompose(series, periodMs, nBins, training.toMs);
  // An incident under way at the end of training is not how far this series strays (trailing.ts).
  const calibration = withoutIncidentInProgress(d.normalised, step);
  const band = calibrateBand(strideSample(calibration, MAX_CALIBRATION_POINTS), options.sensitivity);
  // Few residuals make the empirical tail unreliable: never narrower than the normal model.
  const kMin = normalQuantile(1 - falseAlarmRate(options.sensitivity) / 2);
  const halfLifeSteps = Math.max(LEVEL_HALF_LIFE_STEPS, LEVEL_HALF_LIFE_MS / step);
  return new SeasonalModel(options, training, {
    seasonality: detected.kind,
    periodMs,
    nBins,
    level: d.level,
    slope: d.slope,
    t0: d.t0,
    profile: d.profile,
    scale: d.scale,
    kUpper: Math.max(band.upper, kMin),
    kLower: Math.max(band.lower, kMin),
    levelAlpha: 1 - dexp2(-1 / halfLifeSteps),
    // A noiseless periodic series fits to rounding error: without a floor its band has zero
    // width and a float wiggle pages. 1% of the series' range is noise to any reader.
    bandFloor: resolutionFloor(series.v),
  });
}

function nonNegative(m: Record<string, unknown>, key: string): number {
  const x = num(m, key);
  if (x < 0) {
    throw new ModelError(`seasonal model ${key} must be non-negative`);
  }
  return x;
}

/** Every k-th value so at most `max` remain; deterministic and spread over the whole training range. */
export function strideSample(x: Float64Array, max: number): Float64Array {
  if (x.length <= max) {
    return x;
  }
  const stride = Math.ceil(x.length / max);
  const out = new Float64Array(Math.ceil(x.length / stride));
  for (let i = 0, j = 0; i < x.length; i += stride) {
    out[j++] = x[i];
  }
  return out;
}

export function seasonalMinTrainingPoints(options: ModelOptions, stepMs: number): number {
  if (options.seasonality === 'daily' || options.seasonality === 'weekly') {
    // The profile needs two whole days (a weekly request falls back to daily below two weeks).
    return stepMs > 0 ? Math.max(MIN_POINTS_NONE, Math.ceil((2 * DAY_MS) / stepMs)) : MIN_POINTS_NONE;
  }
  return MIN_POINTS_NONE;
}

export const seasonalDetector: Detector = {
  kind: 'seasonal',
  minTrainingPoints: seasonalMinTrainingPoints,
  fit: (series, options) => fitSeasonal(series, options),
  load: (json) => SeasonalModel.load(json),
};
