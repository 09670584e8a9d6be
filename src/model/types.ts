/**
 * The scoring contract shared by every detector and every face (see DESIGN.md).
 *
 * Series are columnar: timestamps in epoch milliseconds and values as Float64Array, NaN where
 * the source has no sample. Scoring writes into caller-owned typed arrays so hot loops allocate
 * nothing per point.
 */

export type Direction = 'both' | 'above' | 'below';
export type Seasonality = 'auto' | 'daily' | 'weekly' | 'none';
export type DetectorKind = 'iforest' | 'seasonal' | 'ets' | 'zscore' | 'adaptive' | 'ensemble';
export type ModelKind = DetectorKind | 'auto';

/** One univariate series: `t` ascending epoch ms, `v` the values (NaN = gap). */
export interface Series {
  t: Float64Array;
  v: Float64Array;
}

/** Options every model honours. */
export interface ModelOptions {
  /**
   * 0..1: how readily points leave the band. Mapped to a target false-alarm rate per point
   * (see calibration.ts), calibrated on training residuals.
   */
  sensitivity: number;
  direction: Direction;
  /** Deviations smaller than this (in the series' unit) never score above 1. */
  minAbsDeviation: number;
  /** Deviations smaller than this fraction of |expected| never score above 1. */
  minRelDeviation: number;
  /** Trailing history used to train, in ms. */
  trainingWindowMs: number;
  seasonality: Seasonality;
  /** Seed for every random choice a model makes. */
  seed: number;
}

/** Per-point outputs, each of the scored length. */
export interface ScoreBuffers {
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  score: Float64Array;
}

export function allocScoreBuffers(n: number): ScoreBuffers {
  return {
    expected: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
    score: new Float64Array(n),
  };
}

/** What a model knows about the data it was trained on. */
export interface TrainingInfo {
  fromMs: number;
  toMs: number;
  points: number;
  /** Hex fingerprint of the training timestamps and values (FNV-1a 64 over their bytes). */
  fingerprint: string;
  /** Median step between samples, ms. */
  stepMs: number;
}

/** Common serialised shape; `kind` and `formatVersion` let `load()` reject what it cannot read. */
export interface SerializedModel {
  kind: DetectorKind;
  formatVersion: number;
  libraryVersion: string;
  options: ModelOptions;
  training: TrainingInfo;
  [key: string]: unknown;
}

/**
 * A trained detector. `score` treats points before `from` as context only: the model may read
 * them (rolling features, smoothing state) but writes outputs for indices >= from. The output at
 * index i depends only on the model and on points 0..i of the given series (causality).
 */
export interface Model {
  readonly kind: DetectorKind;
  readonly options: ModelOptions;
  readonly training: TrainingInfo;
  score(series: Series, out: ScoreBuffers, from?: number): void;
  /**
   * The earliest time whose point can change this model's scores from `rangeStartMs` on, so a
   * caller fetches that much context and no more. -Infinity (or no method): the scores depend on
   * however much context is given (rolling windows, filters warming up), callers cap it.
   */
  contextStartMs?(rangeStartMs: number): number;
  toJSON(): SerializedModel;
}
