import { dpowInt } from '../detmath';
import { calibrateBand, falseAlarmRate, resolutionFloor, scorePoint } from '../calibration';
import type { Detector } from '../detector';
import { ModelError } from '../errors';
import { detectSeasonality, type SeasonalityKind } from '../seasonality';
import { seasonalMinTrainingPoints, strideSample } from '../seasonal/seasonal';
import { f64, int, num, oneOf, readHeader, writeHeader } from '../serial';
import { MAD_TO_SIGMA, normalQuantile } from '../stats';
import { describeTraining } from '../training';
import type { Model, ModelOptions, ScoreBuffers, Series, SerializedModel, TrainingInfo } from '../types';
import { dampedSum, type HwParams } from './holtWinters';
import { fitHoltWinters } from './fitHoltWinters';

/**
 * ETS forecasting-band detector: expected = one-step-ahead Holt–Winters forecast continued from the
 * state at the end of training; band = calibrated one-step error quantiles. While scoring, each
 * observation updates the state with its innovation clipped to the band, so an anomaly does not
 * drag the forecast along with it.
 */

const FORMAT_VERSION = 1;
const MAX_CALIBRATION_POINTS = 32_768;
const KINDS: readonly SeasonalityKind[] = ['daily', 'weekly', 'none'];

export interface EtsParams extends HwParams {
  seasonality: SeasonalityKind;
  /** Season length in steps (1 = no season). */
  m: number;
  stepMs: number;
  /** Grid origin: point t has grid index round((t - originMs) / stepMs). */
  originMs: number;
  level: number;
  trend: number;
  season: Float64Array;
  lastK: number;
  bandUpper: number;
  bandLower: number;
}

export class EtsModel implements Model {
  readonly kind = 'ets' as const;

  constructor(
    readonly options: ModelOptions,
    readonly training: TrainingInfo,
    readonly params: EtsParams
  ) {}

  /** Only points after training move the scoring state; earlier ones are never read. */
  contextStartMs(rangeStartMs: number): number {
    return rangeStartMs > this.training.toMs ? this.training.toMs + 1 : rangeStartMs;
  }

  score(series: Series, out: ScoreBuffers, from = 0): void {
    const p = this.params;
    const { alpha, beta, gamma, phi, m, stepMs, originMs, bandUpper, bandLower } = p;
    // The stored state is the end of training; scoring works on a copy so the model stays reusable.
    const season = p.season.slice();
    let l = p.level;
    let b = p.trend;
    let lastK = p.lastK;
    const toMs = this.training.toMs;
    const options = this.options;
    const { t, v } = series;
    for (let i = 0; i < t.length; i++) {
      const ti = t[i];
      if (ti <= toMs) {
        // Training-range points are already in the state.
        if (i >= from) {
          writeEmpty(out, i);
        }
        continue;
      }
      let k = Math.round((ti - originMs) / stepMs);
      if (k <= lastK) {
        k = lastK + 1;
      }
      const h = k - lastK;
      let lh = l;
      let bh = b;
      if (h > 1) {
        lh += b * dampedSum(phi, h - 1);
        bh *= dpowInt(phi, h - 1);
      }
      const j = m > 1 ? k % m : 0;
      const pb = phi * bh;
      const expected = lh + pb + season[j];
      const x = v[i];
      if (i >= from) {
        scorePoint(out, i, x, expected, bandUpper, bandLower, options);
      }
      if (x === x) {
        let e = x - expected;
        e = e > bandUpper ? bandUpper : e < -bandLower ? -bandLower : e;
        l = lh + pb + alpha * e;
        b = pb + beta * e;
        season[j] += gamma * e;
        lastK = k;
      }
    }
  }

  toJSON(): SerializedModel {
    const p = this.params;
    return {
      ...writeHeader(this, FORMAT_VERSION),
      seasonality: p.seasonality,
      m: p.m,
      stepMs: p.stepMs,
      originMs: p.originMs,
      alpha: p.alpha,
      beta: p.beta,
      gamma: p.gamma,
      phi: p.phi,
      level: p.level,
      trend: p.trend,
      season: Array.from(p.season),
      lastK: p.lastK,
      bandUpper: p.bandUpper,
      bandLower: p.bandLower,
    };
  }

  static load(json: unknown): EtsModel {
    const h = readHeader(json, 'ets', FORMAT_VERSION);
    const seasonality = oneOf(h, 'seasonality', KINDS);
    const m = int(h, 'm', 1);
    const stepMs = num(h, 'stepMs');
    if (!(stepMs > 0)) {
      throw new ModelError('ets model stepMs must be positive');
    }
    const lastK = int(h, 'lastK');
    const unit = (key: string) => {
      const x = num(h, key);
      if (x < 0 || x > 1) {
        throw new ModelError(`ets model ${key} must be from 0 to 1`);
      }
      return x;
    };
    const bandUpper = num(h, 'bandUpper');
    const bandLower = num(h, 'bandLower');
    if (bandUpper < 0 || bandLower < 0) {
      throw new ModelError('ets model band half-widths must be non-negative');
    }
    return new EtsModel(h.options, h.training, {
      seasonality,
      m,
      stepMs,
      originMs: num(h, 'originMs'),
      alpha: unit('alpha'),
      beta: unit('beta'),
      gamma: unit('gamma'),
      phi: unit('phi'),
      level: num(h, 'level'),
      trend: num(h, 'trend'),
      season: f64(h, 'season', m),
      lastK,
      bandUpper,
      bandLower,
    });
  }
}

function writeEmpty(out: ScoreBuffers, i: number): void {
  out.expected[i] = NaN;
  out.lower[i] = NaN;
  out.upper[i] = NaN;
  out.score[i] = 0;
}

export function fitEts(series: Series, options: ModelOptions): EtsModel {
  const training = describeTraining(series);
  const stepMs = training.stepMs > 0 ? training.stepMs : 60_000;
  const detected = detectSeasonality(series, options.seasonality);
  let m = detected.kind === 'none' ? 1 : Math.round(detected.periodMs / stepMs);
  const seasonality: SeasonalityKind = m >= 2 ? detected.kind : 'none';
  if (m < 2) {
    m = 1;
  }
  let originMs = 0;
  for (let i = 0; i < series.t.length; i++) {
    if (Number.isFinite(series.v[i])) {
      originMs = series.t[i];
      break;
    }
  }
  const fit = fitHoltWinters(series, originMs, stepMs, m);
  const band = calibrateBand(strideSample(fit.residuals, MAX_CALIBRATION_POINTS), options.sensitivity);
  // Never narrower than the normal model at the robust residual sigma (few residuals, clean data).
  const floor = normalQuantile(1 - falseAlarmRate(options.sensitivity) / 2) * MAD_TO_SIGMA * fit.residualMad;
  // Also never narrower than 1% of the series' range: a noiseless signal forecast to rounding
  // error would otherwise get a zero-width band and page on float wiggles.
  const tiny = Math.max(1e-9 * (1 + Math.abs(fit.state.level)), resolutionFloor(series.v));
  return new EtsModel(options, training, {
    seasonality,
    m,
    stepMs,
    originMs,
    ...fit.params,
    level: fit.state.level,
    trend: fit.state.trend,
    season: fit.state.season,
    lastK: fit.state.lastK,
    bandUpper: Math.max(band.upper, floor, tiny),
    bandLower: Math.max(band.lower, floor, tiny),
  });
}

export const etsDetector: Detector = {
  kind: 'ets',
  minTrainingPoints: seasonalMinTrainingPoints,
  fit: (series, options) => fitEts(series, options),
  load: (json) => EtsModel.load(json),
};
