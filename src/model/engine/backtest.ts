import { ModelError } from '../errors';
import { DAY_MS } from '../options';
import { countFiniteValues, medianStep } from '../stats';
import { lowerBound } from '../training';
import type { DetectorKind, ModelKind, ModelOptions, ScoreBuffers, Series } from '../types';
import { allocScoreBuffers } from '../types';
import { fitModel } from './fit';

/**
 * The causal replay: walks a series in time order, (re)training on a trailing window at each
 * refit time from data strictly before it, and scoring the points up to the next refit. Every
 * score therefore uses only data at or before its own timestamp — what a live deployment that
 * retrains on a schedule would have produced.
 */

export interface BacktestConfig {
  model: ModelKind;
  options: ModelOptions;
  /** How often the model is retrained on the trailing window. */
  refitEveryMs?: number;
  /** Points before a chunk handed to the model as context (rolling features). */
  contextPoints?: number;
  /**
   * Replay from this time: earlier points are history only (trained on, never scored: score 0,
   * fitIndex -1), and the first fit is at the first point at or after it. Default: the first point.
   * A replay of a range given a training window of history before it starts warm and does not
   * spend fits on that history.
   */
  startMs?: number;
}

export interface FitRecord {
  atMs: number;
  kind: DetectorKind;
  trainingPoints: number;
  warmingUp: boolean;
  reason: string;
}

export interface BacktestResult extends ScoreBuffers {
  /** Per point: index into `fits` of the model that scored it, -1 where nothing could score. */
  fitIndex: Int32Array;
  fits: FitRecord[];
}

/**
 * Retrain every six hours. A new normal (a deploy, a resized instance, a migrated workload) is
 * learnt within hours instead of a day, and a refit right after an incident takes it into the
 * band's tail so its aftermath pages less. Fitting is cheap (milliseconds per series), and the
 * results also depend far less on when in the day the refits happen: on NAB the daily cadence
 * swung the seasonal detector between 17 and 42 with a one-hour shift of the schedule, six-hourly
 * between 38 and 39 (auto: 40-41 daily, 50-51 six-hourly; see the commit message).
 */
export const DEFAULT_REFIT_EVERY_MS = DAY_MS / 4;
const DEFAULT_CONTEXT_POINTS = 2048;

export function backtest(series: Series, config: BacktestConfig): BacktestResult {
  const steps = backtestSteps(series, config);
  for (;;) {
    const r = steps.next();
    if (r.done) {
      return r.value;
    }
  }
}

/**
 * `backtest` one fit at a time: yields the index replayed so far after each fit, so a caller on a
 * shared thread (the plugin backend) can let other work run between fits; returns the result.
 */
export function* backtestSteps(series: Series, config: BacktestConfig): Generator<number, BacktestResult, void> {
  const { t } = series;
  const n = t.length;
  for (let i = 1; i < n; i++) {
    if (!(t[i] >= t[i - 1])) {
      throw new ModelError(`timestamps must be in ascending order (index ${i})`);
    }
  }
  const refitEvery = config.refitEveryMs ?? DEFAULT_REFIT_EVERY_MS;
  if (!(refitEvery > 0)) {
    throw new ModelError('refitEveryMs must be positive');
  }
  const contextPoints = config.contextPoints ?? DEFAULT_CONTEXT_POINTS;
  const out = allocScoreBuffers(n);
  out.expected.fill(NaN);
  out.lower.fill(NaN);
  out.upper.fill(NaN);
  const fitIndex = new Int32Array(n).fill(-1);
  const fits: FitRecord[] = [];
  const stepMs = medianStep(t);

  let i = config.startMs === undefined ? 0 : lowerBound(t, config.startMs);
  while (i < n) {
    const now = t[i];
    const trainStart = lowerBound(t, now - config.options.trainingWindowMs);
    const train: Series = { t: t.subarray(trainStart, i), v: series.v.subarray(trainStart, i) };
    const decision = fitModel(config.model, train, config.options, stepMs);
    // While warming up, refit as history grows (by half again) so the real model takes over soon.
    const history = now - t[0];
    const wait =
      decision && !decision.warmingUp ? refitEvery : Math.min(refitEvery, Math.max(stepMs * 8, history * 0.5));
    let end = lowerBound(t, now + wait);
    if (decision?.warmingUp) {
      // Hand over to the requested model as soon as it has the history it needs.
      end = Math.min(end, i + Math.max(1, decision.needPoints - countFiniteValues(train.v)));
    }
    if (end <= i) {
      end = i + 1;
    }
    if (decision) {
      fits.push({
        atMs: now,
        kind: decision.model.kind,
        trainingPoints: train.t.length,
        warmingUp: decision.warmingUp,
        reason: decision.reason,
      });
      const ctx = Math.max(trainStart, i - contextPoints, 0);
      const view: ScoreBuffers = {
        expected: out.expected.subarray(ctx, end),
        lower: out.lower.subarray(ctx, end),
        upper: out.upper.subarray(ctx, end),
        score: out.score.subarray(ctx, end),
      };
      decision.model.score({ t: t.subarray(ctx, end), v: series.v.subarray(ctx, end) }, view, i - ctx);
      fitIndex.fill(fits.length - 1, i, end);
    }
    i = end;
    yield i;
  }
  return { ...out, fitIndex, fits };
}
