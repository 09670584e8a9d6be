// The backtest of a query: each series is replayed causally over [from, to] (src/model's engine:
// refit every `refitEvery` on the trailing training window, scoring only what came after each
// fit), its score smoothed as alert rules smooth it, and each threshold replayed with its `for`,
// giving the alerts a live deployment would have fired. POST /backtest answers it as JSON and a
// backtest query answers it as frames; both come from `replay` so they never disagree.
//
// The data starts one training window before `from` and the replay starts at `from` on it, so it is
// warm when the range begins. Smoothing starts there too: the first points of the range are smoothed
// over the range's own first scores only.

import {
  backtestSteps,
  simulateAlerts,
  smoothScore,
  type AlertEvent,
  type AlertRule,
  type BacktestResult,
  type ModelKind,
  type ModelOptions,
  type Series,
} from '../../model';
import { WEEK_MS } from '../../model/options';
import { lowerBound } from '../../model/training';
import { alignRange, NICE_STEPS_MS, type PrometheusClient } from '../../prometheus/client';
import { PrometheusError, seriesName } from '../../prometheus/decode';
import { BACKTEST_LIMITS, type BacktestThresholdSummary } from '../../query/api';
import { formatDuration } from '../../query/duration';
import type { ValidQuery } from '../../query/validate';
import { formatLegend } from '../../query/execute';
import { yieldToEventLoop } from '../../service/pool';

export interface ReplayPlan {
  expr: string;
  model: ModelKind;
  options: ModelOptions;
  rules: AlertRule[];
  refitEveryMs: number;
  /** Trailing mean window applied to the score before the rules; 0 uses the raw score. */
  smoothingMs: number;
  stepMs: number;
  /** The replayed range, on the step grid. */
  fromMs: number;
  toMs: number;
  legendFormat?: string;
}

export interface ReplayedSeries {
  labels: Record<string, string>;
  /** Display name: legendFormat applied, else Prometheus' text form. */
  name: string;
  /** Everything fetched, the warm-up history included. */
  series: Series;
  /** Index of the first point in [fromMs, toMs]. */
  from: number;
  out: BacktestResult;
}

export interface ReplayAlert extends AlertEvent {
  /** Display name of the series. */
  series: string;
  labels: Record<string, string>;
}

export interface ReplayResult {
  plan: ReplayPlan;
  series: ReplayedSeries[];
  /** Every alert over all series and rules, by time. */
  alerts: ReplayAlert[];
  /** One per rule, in the plan's order. */
  summary: BacktestThresholdSummary[];
  notices: string[];
}

/** A backtest larger than BACKTEST_LIMITS allow: the user narrows it (status 400). */
export class BacktestLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestLimitError';
  }
}

/** The replay of a validated backtest query over [fromMs, toMs] at `stepMs` (range aligned to the step). */
export function planOf(v: ValidQuery, fromMs: number, toMs: number, stepMs: number): ReplayPlan {
  if (!v.backtest) {
    throw new Error(`query ${v.query.refId} is not a backtest query`);
  }
  const range = alignRange(fromMs, toMs, stepMs);
  return {
    expr: v.query.expr,
    model: v.query.model,
    options: v.modelOptions,
    rules: v.backtest.rules,
    refitEveryMs: v.backtest.refitEveryMs,
    smoothingMs: v.backtest.smoothingMs,
    stepMs,
    fromMs: range.startMs,
    toMs: range.endMs,
    ...(v.query.legendFormat && { legendFormat: v.query.legendFormat }),
  };
}

/** Refuses, before anything is fetched, a range or step beyond BACKTEST_LIMITS. */
export function checkReplayLimits(plan: ReplayPlan, limits = BACKTEST_LIMITS): void {
  const { fromMs, toMs, stepMs } = plan;
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) {
    throw new BacktestLimitError(`invalid backtest range ${fromMs}..${toMs}: "from" must be before "to"`);
  }
  if (toMs - fromMs > limits.maxRangeMs) {
    throw new BacktestLimitError(
      `the backtest range is ${formatDuration(toMs - fromMs)}, the limit is ${formatDuration(limits.maxRangeMs)}: ` +
        'replay a shorter range'
    );
  }
  const rangePoints = Math.floor((toMs - fromMs) / stepMs) + 1;
  if (rangePoints > limits.maxRangePoints) {
    throw new BacktestLimitError(
      `the backtest range has ${rangePoints} points per series at a ${formatDuration(stepMs)} step, the limit is ` +
        `${limits.maxRangePoints}: use a step of at least ${formatDuration(niceStepFor(toMs - fromMs, limits.maxRangePoints))} or a shorter range`
    );
  }
  const perSeries = rangePoints + Math.floor(plan.options.trainingWindowMs / stepMs);
  if (perSeries > limits.maxPointsPerSeries) {
    throw new BacktestLimitError(
      `the backtest needs ${perSeries} points per series (training window ${formatDuration(plan.options.trainingWindowMs)} ` +
        `plus the range, at a ${formatDuration(stepMs)} step), the limit is ${limits.maxPointsPerSeries}: ` +
        'use a larger step, a shorter training window or a shorter range'
    );
  }
}

async function checkpoint(signal: AbortSignal): Promise<void> {
  await yieldToEventLoop();
  if (signal.aborted) {
    throw new PrometheusError('the backtest was canceled', 'canceled');
  }
}

function niceStepFor(rangeMs: number, maxPoints: number): number {
  const least = rangeMs / (maxPoints - 1);
  return NICE_STEPS_MS.find((s) => s >= least) ?? Math.ceil(least / 1000) * 1000;
}

export async function replay(
  prometheus: PrometheusClient,
  plan: ReplayPlan,
  signal: AbortSignal,
  limits = BACKTEST_LIMITS
): Promise<ReplayResult & { warnings: string[] }> {
  checkReplayLimits(plan, limits);
  const { fromMs, toMs, stepMs } = plan;
  const start = fromMs - Math.floor(plan.options.trainingWindowMs / stepMs) * stepMs;
  let fetched;
  try {
    fetched = await prometheus.queryRange(plan.expr, start, toMs, stepMs, {
      signal,
      limits: { maxSeries: limits.maxSeries, maxTotalPoints: limits.maxTotalPoints },
    });
  } catch (e) {
    if (e instanceof PrometheusError && e.errorType === 'limit') {
      throw new BacktestLimitError(`backtest limit: ${e.message}`);
    }
    throw e;
  }
  const rangePoints = Math.floor((toMs - fromMs) / stepMs) + 1;
  if (fetched.series.length * rangePoints > limits.maxAnswerPoints) {
    throw new BacktestLimitError(
      `the backtest would answer ${fetched.series.length * rangePoints} points (${fetched.series.length} series × ` +
        `${rangePoints} points), the limit is ${limits.maxAnswerPoints}: use a larger step, a shorter range or fewer series`
    );
  }
  const refits = Math.ceil((toMs - fromMs) / plan.refitEveryMs) + 1;
  const windowPoints = Math.floor(plan.options.trainingWindowMs / stepMs);
  const work = fetched.series.length * refits * windowPoints;
  if (work > limits.maxFitPoints) {
    throw new BacktestLimitError(
      `the backtest would fit ${fetched.series.length} series × ${refits} refits on ${windowPoints} points each ` +
        `(${work} points), the limit is ${limits.maxFitPoints}: refit less often (refitEvery ` +
        `${formatDuration(plan.refitEveryMs)}), shorten the training window or the range, or use fewer series`
    );
  }
  const series: ReplayedSeries[] = [];
  const alerts: ReplayAlert[] = [];
  const counts = plan.rules.map(() => 0);
  let warming = 0;
  let unscored = 0;
  for (const s of fetched.series) {
    // The replay starts at `from` on the history before it; between fits (tens of ms each on a
    // 28-day window) panels and alerts get the event loop.
    const steps = backtestSteps(s.series, {
      model: plan.model,
      options: plan.options,
      refitEveryMs: plan.refitEveryMs,
      startMs: fromMs,
    });
    let step = steps.next();
    while (!step.done) {
      await checkpoint(signal);
      step = steps.next();
    }
    const out = step.value;
    const from = lowerBound(s.series.t, fromMs);
    const name = plan.legendFormat ? formatLegend(plan.legendFormat, s.labels) : seriesName(s.labels);
    series.push({ labels: s.labels, name, series: s.series, from, out });

    let anyScored = false;
    let anyWarming = false;
    for (let i = from; i < out.fitIndex.length; i++) {
      const f = out.fitIndex[i];
      if (f >= 0) {
        anyScored = true;
        anyWarming ||= out.fits[f].warmingUp;
      } else {
        // Nothing scored it (too little history): a gap, not a score of 0.
        out.score[i] = NaN;
      }
    }
    warming += anyWarming ? 1 : 0;
    unscored += anyScored ? 0 : 1;

    const smoothed = plan.smoothingMs > 0 ? smoothScore(s.series.t, out.score, plan.smoothingMs) : out.score;
    const t = s.series.t.subarray(from);
    plan.rules.forEach((rule, r) => {
      const events = simulateAlerts(t, smoothed.subarray(from), rule);
      counts[r] += events.length;
      alerts.push(...events.map((ev) => ({ ...ev, series: name, labels: s.labels })));
    });
    await checkpoint(signal);
  }
  alerts.sort((a, b) => a.fromMs - b.fromMs || a.series.localeCompare(b.series));
  const weeks = (toMs - fromMs) / WEEK_MS;
  const summary = plan.rules.map((rule, r) => ({
    severity: rule.severity,
    score: rule.threshold,
    forMs: rule.forMs,
    alerts: counts[r],
    alertsPerWeek: counts[r] / weeks,
  }));
  const notices = fetched.warnings.map((w) => `Prometheus: ${w}`);
  const total = fetched.series.length;
  if (warming > 0) {
    notices.push(
      `warming up: for ${warming} of ${total} series the history before some points was too short for ${plan.model}, ` +
        'so a simpler model scored them (as a new deployment would)'
    );
  }
  if (unscored > 0) {
    notices.push(`${unscored} of ${total} series had too little data to score anything in the range`);
  }
  if (total === 0) {
    notices.push(`${plan.expr} returned no series over the range`);
  }
  return { plan, series, alerts, summary, notices, warnings: fetched.warnings };
}
