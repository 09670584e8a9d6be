import { calibrateBand, falseAlarmRate, resolutionFloor, scorePoint } from '../calibration';
import type { Detector } from '../detector';
import { int, num, readHeader, writeHeader } from '../serial';
import { MAD_TO_SIGMA, mad, median, normalQuantile } from '../stats';
import { describeTraining } from '../training';
import type { Model, ModelOptions, ScoreBuffers, Series, SerializedModel, TrainingInfo } from '../types';
import { RollingWindow } from './rollingWindow';

/**
 * Robust rolling z-score: the expected value is the median of the last `window` points and the
 * band a calibrated multiple of their MAD. Needs little history, so it is the cold-start model.
 */

const FORMAT_VERSION = 1;
const DEFAULT_WINDOW = 60;

interface ZScoreParams {
  window: number;
  /** Band half-widths in units of the rolling robust sigma. */
  kUpper: number;
  kLower: number;
  /** Floor for the rolling sigma, from the whole training set, so a flat window is not zero-width. */
  sigmaFloor: number;
}

export class ZScoreModel implements Model {
  readonly kind = 'zscore' as const;

  constructor(
    readonly options: ModelOptions,
    readonly training: TrainingInfo,
    readonly params: ZScoreParams
  ) {}

  score(series: Series, out: ScoreBuffers, from = 0): void {
    const { window, kUpper, kLower, sigmaFloor } = this.params;
    const win = new RollingWindow(window);
    const { t, v } = series;
    for (let i = 0; i < t.length; i++) {
      const x = v[i];
      if (i >= from) {
        if (win.size === 0) {
          writeEmpty(out, i);
        } else {
          const med = win.median();
          const sigma = Math.max(MAD_TO_SIGMA * win.mad(med), sigmaFloor);
          scorePoint(out, i, x, med, kUpper * sigma, kLower * sigma, this.options);
        }
      }
      if (Number.isFinite(x)) {
        win.push(x);
      }
    }
  }

  toJSON(): SerializedModel {
    return {
      ...writeHeader(this, FORMAT_VERSION),
      ...this.params,
    };
  }

  static load(json: unknown): ZScoreModel {
    const m = readHeader(json, 'zscore', FORMAT_VERSION);
    const window = int(m, 'window', 1);
    return new ZScoreModel(m.options, m.training, {
      window,
      kUpper: num(m, 'kUpper'),
      kLower: num(m, 'kLower'),
      sigmaFloor: num(m, 'sigmaFloor'),
    });
  }
}

function writeEmpty(out: ScoreBuffers, i: number): void {
  out.expected[i] = NaN;
  out.lower[i] = NaN;
  out.upper[i] = NaN;
  out.score[i] = 0;
}

export function fitZScore(series: Series, options: ModelOptions, window = DEFAULT_WINDOW): ZScoreModel {
  const training = describeTraining(series);
  const n = series.t.length;
  // Residuals of the training data against its own rolling median, in units of rolling sigma.
  const normalised = new Float64Array(n).fill(NaN);
  const win = new RollingWindow(window);
  const globalMed = median(series.v);
  const globalSigma = MAD_TO_SIGMA * mad(series.v, globalMed);
  const sigmaFloor = Math.max(globalSigma * 0.05, resolutionFloor(series.v) / 3, 1e-9 * (1 + Math.abs(globalMed || 0)));
  for (let i = 0; i < n; i++) {
    const x = series.v[i];
    if (!Number.isFinite(x)) {
      continue;
    }
    if (win.size >= Math.min(window, 8)) {
      const med = win.median();
      const sigma = Math.max(MAD_TO_SIGMA * win.mad(med), sigmaFloor);
      normalised[i] = (x - med) / sigma;
    }
    win.push(x);
  }
  const band = calibrateBand(normalised, options.sensitivity);
  // With few residuals the calibration is unreliable: never narrower than a normal model.
  const kMin = normalQuantile(1 - falseAlarmRate(options.sensitivity) / 2);
  return new ZScoreModel(options, training, {
    window,
    kUpper: Math.max(band.upper, kMin),
    kLower: Math.max(band.lower, kMin),
    sigmaFloor: Number.isFinite(sigmaFloor) ? sigmaFloor : 1e-9,
  });
}

export const zscoreDetector: Detector = {
  kind: 'zscore',
  minTrainingPoints: () => 2,
  fit: (series, options) => fitZScore(series, options),
  load: (json) => ZScoreModel.load(json),
};
