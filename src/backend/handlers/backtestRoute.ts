// POST /backtest: the causal replay of a query over a range (replay.ts) as BacktestAnswer JSON.
// It changes nothing, so any signed-in role may ask; BACKTEST_LIMITS keep it from starving panels.

import { stepFor } from '../../prometheus/client';
import { BACKTEST_LIMITS, type BacktestAnswer, type BacktestSeries } from '../../query/api';
import { validateQuery } from '../../query/validate';
import type { CallResourceResponse } from '../protocol/messages';
import { BacktestLimitError, planOf, replay, type ReplayResult } from './replay';
import { ResourceError } from './resourceError';
import type { Instance } from './settings';
import { jsonResource } from './types';

export async function backtestRoute(
  instance: Instance,
  body: Record<string, unknown>,
  signal: AbortSignal
): Promise<CallResourceResponse> {
  const { query, fromMs, toMs, smoothing } = body;
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new ResourceError(400, '"query" must be the backtest query: {"expr": ..., "model": ..., "thresholds": ...}');
  }
  for (const [name, value] of [
    ['fromMs', fromMs],
    ['toMs', toMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ResourceError(400, `"${name}" must be epoch milliseconds, got ${JSON.stringify(value)}`);
    }
  }
  const from = fromMs as number;
  const to = toMs as number;
  if (!(to > from)) {
    throw new ResourceError(400, `"fromMs" (${from}) must be before "toMs" (${to})`);
  }
  if (smoothing !== undefined && typeof smoothing !== 'string') {
    throw new ResourceError(400, `"smoothing" must be a duration such as 5m, got ${JSON.stringify(smoothing)}`);
  }
  const raw: Record<string, unknown> = { ...query, refId: 'backtest', queryType: 'backtest' };
  if (smoothing !== undefined) {
    raw.smoothing = smoothing;
  }
  const v = validateQuery(raw, instance.defaults);
  if (!v.ok) {
    const text = v.errors.map((e) => (e.field ? `query.${e.field}: ${e.message}` : e.message)).join('; ');
    throw new ResourceError(400, `invalid backtest query: ${text}`);
  }
  try {
    const stepMs = v.stepMs ?? stepFor(from, to, BACKTEST_LIMITS.defaultPoints, 0, v.minStepMs ?? 0);
    const result = await replay(instance.prometheus, planOf(v, from, to, stepMs), signal);
    return jsonResource(200, backtestAnswer(result));
  } catch (e) {
    if (e instanceof BacktestLimitError) {
      throw new ResourceError(400, e.message);
    }
    throw e;
  }
}

export function backtestAnswer(r: ReplayResult): BacktestAnswer {
  const series: BacktestSeries[] = r.series.map((s) => ({
    name: s.name,
    labels: s.labels,
    t: Array.from(s.series.t.subarray(s.from)),
    value: nullable(s.series.v.subarray(s.from)),
    expected: nullable(s.out.expected.subarray(s.from)),
    lower: nullable(s.out.lower.subarray(s.from)),
    upper: nullable(s.out.upper.subarray(s.from)),
    score: nullable(s.out.score.subarray(s.from)),
  }));
  return {
    model: r.plan.model,
    fromMs: r.plan.fromMs,
    toMs: r.plan.toMs,
    stepMs: r.plan.stepMs,
    series,
    alerts: r.alerts.map((a) => ({
      series: a.series,
      severity: a.severity,
      pendingFromMs: a.pendingFromMs,
      fromMs: a.fromMs,
      toMs: a.toMs,
      peakScore: a.peakScore,
    })),
    summary: r.summary,
    notices: r.notices,
  };
}

/** NaN and ±Infinity have no JSON form: null, as the contract says. */
function nullable(values: Float64Array): Array<number | null> {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}
