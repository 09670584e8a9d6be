/**
 * The per-series scoring pipeline that QueryData (backend) and the browser's Web Worker both run:
 * which ranges to fetch, which slice a fresh model trains on, how it is fitted, and how the
 * requested range is scored with the points before it as context. One implementation, so a panel
 * running in the browser and the backend give the same bits for the same series.
 *
 * Pure: no Node, DOM or Grafana imports. Fetching and storing models stay with the callers.
 */
import { fitModel, type FitDecision } from '../model/engine/fit';
import {
  allocScoreBuffers,
  type Model,
  type ModelKind,
  type ModelOptions,
  type ScoreBuffers,
  type Series,
} from '../model/types';
import { lowerBound } from '../model/training';

/** maxDataPoints when Grafana sends none. */
export const DEFAULT_MAX_DATA_POINTS = 1000;

/** Points before the requested range handed to the model as context (capped by the training window). */
export const DEFAULT_CONTEXT_POINTS = 2048;

export interface TimeSpan {
  startMs: number;
  endMs: number;
}

export interface ExecutionRanges {
  /** What is fetched to score: context points before the requested range, then the range itself. */
  scored: TimeSpan;
  /** The training window just before the requested range, for series without a model; absent when empty. */
  training?: TimeSpan;
}

/**
 * The ranges one query fetches, on the step grid of `range` (already aligned to `stepMs`). The
 * context never reaches further back than the training window.
 */
export function executionRanges(
  range: TimeSpan,
  stepMs: number,
  trainingWindowMs: number,
  contextPoints = DEFAULT_CONTEXT_POINTS
): ExecutionRanges {
  const windowPoints = Math.floor(trainingWindowMs / stepMs);
  const context = Math.min(contextPoints, windowPoints);
  const trainEnd = range.startMs - stepMs;
  const trainStart = range.startMs - windowPoints * stepMs;
  return {
    scored: { startMs: range.startMs - context * stepMs, endMs: range.endMs },
    ...(trainEnd >= trainStart && { training: { startMs: trainStart, endMs: trainEnd } }),
  };
}

/**
 * Where the context a model needs before `rangeStartMs` begins, on the step grid of the range and
 * never before `earliestMs` (the capped context of executionRanges): a model that resumes from
 * the end of its training needs only the points since then, one that scores from whatever it is
 * given (or no model) gets the whole capped context. Scores on the range then do not depend on
 * how much earlier the requested range started, as long as the cap does not bind.
 */
export function contextStartMs(
  model: Model | undefined,
  rangeStartMs: number,
  stepMs: number,
  earliestMs: number
): number {
  const wanted = model?.contextStartMs ? model.contextStartMs(rangeStartMs) : -Infinity;
  if (!(wanted > earliestMs)) {
    return earliestMs;
  }
  const steps = Math.ceil((wanted - rangeStartMs) / stepMs);
  return Math.min(rangeStartMs, rangeStartMs + steps * stepMs);
}

/** The points from `startMs` on of `context` (all before `series`), then `series`. */
export function withContext(context: Series | undefined, startMs: number, series: Series): Series {
  if (!context) {
    return series;
  }
  const a = lowerBound(context.t, startMs);
  const b = lowerBound(context.t, series.t.length > 0 ? series.t[0] : Infinity);
  if (a >= b) {
    return series;
  }
  const n = b - a + series.t.length;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  t.set(context.t.subarray(a, b));
  v.set(context.v.subarray(a, b));
  t.set(series.t, b - a);
  v.set(series.v, b - a);
  return { t, v };
}

/** The points strictly before `t`. */
export function pointsBefore(series: Series, t: number): Series {
  const n = lowerBound(series.t, t);
  return { t: series.t.subarray(0, n), v: series.v.subarray(0, n) };
}

/**
 * The history a fresh model trains on: the series' own training-window fetch when Prometheus
 * returned it, else the context points before the requested range.
 */
export function trainingHistory(training: Series | undefined, scored: Series, rangeStartMs: number): Series {
  return training ?? pointsBefore(scored, rangeStartMs);
}

/** Fits the requested kind on the history (null: too few points to train anything). */
export function fitSeries(kind: ModelKind, history: Series, options: ModelOptions, stepMs: number): FitDecision | null {
  return fitModel(kind, history, options, stepMs);
}

export interface SeriesScores {
  /** Index of the first point of the requested range in the scored series (earlier points are context). */
  from: number;
  /** Outputs at indices >= from; NaN everywhere when there is no model. */
  out: ScoreBuffers;
}

/** Scores the requested range of `series` (from `rangeStartMs`), the earlier points as context. */
export function scoreSeries(model: Model | undefined, series: Series, rangeStartMs: number): SeriesScores {
  const from = lowerBound(series.t, rangeStartMs);
  const out = allocScoreBuffers(series.t.length);
  if (model) {
    model.score(series, out, from);
  } else {
    for (const b of [out.expected, out.lower, out.upper, out.score]) {
      b.fill(NaN);
    }
  }
  return { from, out };
}

/** The `anomalies` output: the observed value where the score is above 1 (the band's edge), NaN elsewhere. */
export function anomalyValues(values: Float64Array, score: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = score[i] > 1 ? values[i] : NaN;
  }
  return out;
}

export interface FreshScores extends SeriesScores {
  fit: FitDecision | null;
}

/** A series scored by a model trained now on its history: what the browser runs for every series. */
export function trainAndScore(
  kind: ModelKind,
  options: ModelOptions,
  stepMs: number,
  scored: Series,
  history: Series,
  rangeStartMs: number
): FreshScores {
  const fit = fitSeries(kind, history, options, stepMs);
  return { fit, ...scoreSeries(fit?.model, scored, rangeStartMs) };
}

/** Grafana's Prometheus legend: `{{label}}` replaced by the label's value ('' when absent). */
export function formatLegend(format: string, labels: Record<string, string>): string {
  return format.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

/** A series' display name for one output, as both faces set it from the query's legendFormat. */
export function displayName(legend: string, output: string): string {
  return output === 'value' ? legend : `${legend} ${output}`;
}

/** Which model scored a series; on every value field's config.custom under MODEL_INFO_KEY. */
export interface SeriesModelInfo {
  /** The fitted detector kind (e.g. "ensemble" for auto); absent when nothing could be trained. */
  kind?: string;
  /** The stored version; absent for models not saved (browser, warming up, cold start). */
  version?: number;
}

/** Namespaced so panel plugins, which read their own options from config.custom, never collide with it. */
export const MODEL_INFO_KEY = 'vigilModel';
