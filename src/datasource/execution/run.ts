/**
 * Browser execution of one validated anomaly query: the same grid, ranges and per-series pipeline
 * as QueryData (src/backend/handlers/query.ts), with the series fetched through the backend's
 * Prometheus proxy and scored by `compute` (the Web Worker). No Grafana imports, so a Node test can
 * run it beside the backend on the same Prometheus.
 */
import type { ScoreBuffers, Series } from '../../model/types';
import { alignRange, stepFor, type PrometheusClient } from '../../prometheus/client';
import { seriesName } from '../../prometheus/decode';
import { DEFAULT_CONTEXT_POINTS, DEFAULT_MAX_DATA_POINTS, executionRanges } from '../../query/execute';
import type { ValidQuery } from '../../query/validate';
import type { Compute, ComputedSeries } from './job';

export interface BrowserRequest {
  fromMs: number;
  toMs: number;
  maxDataPoints?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface BrowserScored {
  labels: Record<string, string>;
  series: Series;
  from: number;
  out: ScoreBuffers;
  fit: ComputedSeries['fit'];
}

export interface BrowserResult {
  stepMs: number;
  range: { startMs: number; endMs: number };
  scored: BrowserScored[];
  /** Prometheus' warnings. */
  warnings: string[];
}

export async function runInBrowser(
  prom: PrometheusClient,
  v: ValidQuery,
  req: BrowserRequest,
  compute: Compute,
  contextPoints = DEFAULT_CONTEXT_POINTS
): Promise<BrowserResult> {
  const maxDataPoints = req.maxDataPoints && req.maxDataPoints > 0 ? req.maxDataPoints : DEFAULT_MAX_DATA_POINTS;
  const stepMs =
    v.stepMs ?? stepFor(req.fromMs, req.toMs, maxDataPoints, Math.max(0, req.intervalMs ?? 0), v.minStepMs ?? 0);
  const range = alignRange(req.fromMs, req.toMs, stepMs);
  const expr = v.query.expr;
  const ranges = executionRanges(range, stepMs, v.modelOptions.trainingWindowMs, contextPoints);
  const signal = req.signal;
  const result = await prom.queryRange(expr, ranges.scored.startMs, ranges.scored.endMs, stepMs, { signal });
  if (result.series.length === 0) {
    return { stepMs, range, scored: [], warnings: result.warnings };
  }
  const training = ranges.training
    ? await prom.queryRange(expr, ranges.training.startMs, ranges.training.endMs, stepMs, { signal })
    : { series: [], warnings: [] };
  const byName = new Map(training.series.map((s) => [seriesName(s.labels), s.series]));
  const computed = await compute({
    kind: v.query.model,
    options: v.modelOptions,
    stepMs,
    rangeStartMs: range.startMs,
    series: result.series.map((s) => {
      const own = byName.get(seriesName(s.labels));
      return { scored: s.series, ...(own && { training: own }) };
    }),
  });
  return {
    stepMs,
    range,
    scored: result.series.map((s, i) => {
      const { from, fit, expected, lower, upper, score } = computed[i];
      return { labels: s.labels, series: s.series, from, fit, out: { expected, lower, upper, score } };
    }),
    warnings: [...new Set([...result.warnings, ...training.warnings])],
  };
}
