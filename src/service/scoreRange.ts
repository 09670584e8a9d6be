// One PromQL query scored over a range, series by series: the range fetched from Prometheus, each
// series' stored model loaded, a model trained now where none is stored (or a cold-start model
// where the caller cannot wait on a training), the context before the range each model needs
// fetched, then every series scored. The backend's QueryData and the `vigil serve` exporter both
// run this, so a panel, an alert rule and the exporter score a series the same way.

import type { ModelKind, ModelOptions, ScoreBuffers, Series } from '../model';
import type { PrometheusClient } from '../prometheus/client';
import { PrometheusError, seriesName } from '../prometheus/decode';
import {
  contextStartMs,
  executionRanges,
  pointsBefore,
  scoreSeries,
  trainingHistory,
  withContext,
  type SeriesModelInfo,
  type TimeSpan,
} from '../query/execute';
import type { ModelStore } from '../store';
import { mapLimit, yieldToEventLoop } from './pool';
import {
  coldStart,
  keyFor,
  needsTraining,
  retrainedNote,
  storedModel,
  trainAndSave,
  type KeyInput,
  type SeriesModel,
  type TrainingObserver,
} from './seriesModels';

/** Model lookups one query has in flight; PostgreSQL's pool holds 10 connections by default. */
const LOOKUPS_IN_FLIGHT = 8;

export interface ScoredSeries {
  labels: Record<string, string>;
  series: Series;
  /** Index of the first point of the requested range (earlier points are context). */
  from: number;
  /** Outputs for indices >= from (NaN where nothing could score). */
  out: ScoreBuffers;
  /** The model that scored the series: annotations name it (kind and stored version). */
  model?: SeriesModelInfo;
}

export interface ScoreRangeRequest {
  prometheus: PrometheusClient;
  store: ModelStore;
  /** The owner of the models (the data source's uid; the exporter's name for its store). */
  ownerUid: string;
  expr: string;
  kind: ModelKind;
  options: ModelOptions;
  /** On the step grid. */
  range: TimeSpan;
  stepMs: number;
  /**
   * Series without a usable stored model: 'train' fits and saves one now (panels, the exporter);
   * 'cold-start' scores with a zscore model that is never saved (alert evaluations, which must not
   * wait on a training).
   */
  missing: 'train' | 'cold-start';
  /**
   * With 'train': a stored version older than this is trained again now (the exporter, which has
   * no retraining schedule of its own), unless it is the key's pin, which is the user's choice.
   */
  retrainAfterMs?: number;
  /** The clock version ages are measured with; default Date.now. */
  now?: () => number;
  /** Most points before the range handed to a model as context. */
  contextPoints: number;
  signal?: AbortSignal;
  observer?: TrainingObserver;
  /** Called between series in long loops: yields to the event loop and throws when canceled. */
  checkpoint?: () => Promise<void>;
}

export interface ScoredRange {
  series: ScoredSeries[];
  /** Per series, in the same order: where its model came from and what to tell the user. */
  models: SeriesModel[];
  /** Prometheus' warnings over every request made. */
  warnings: string[];
}

export async function scoreRange(req: ScoreRangeRequest): Promise<ScoredRange> {
  const { prometheus: prom, store, expr, options, range, stepMs, signal } = req;
  const ranges = executionRanges(range, stepMs, options.trainingWindowMs, req.contextPoints);
  const checkpoint = req.checkpoint ?? (async () => undefined);
  // The range first: the series it returns say which models load, and the models say how much
  // context before the range they need (stored models resuming from their training end need none
  // when the range starts right after it).
  const result = await prom.queryRange(expr, range.startMs, range.endMs, stepMs, { signal });
  const warnings = [...result.warnings];
  if (result.series.length === 0) {
    return { series: [], models: [], warnings };
  }
  const keyOf = (labels: Record<string, string>): KeyInput => ({
    datasourceUid: req.ownerUid,
    expr,
    kind: req.kind,
    options,
    stepMs,
    labels,
  });
  // Several lookups in flight: a networked store (PostgreSQL) answers each in a round trip; the
  // embedded one answers synchronously, so this changes nothing there.
  const models: Array<SeriesModel | undefined> = await mapLimit(result.series, LOOKUPS_IN_FLIGHT, (s) =>
    storedModel(store, keyFor(keyOf(s.labels)))
  );

  const coldStarting = req.missing === 'cold-start';
  const nowMs = (req.now ?? Date.now)();
  const stale = (m: SeriesModel | undefined) =>
    req.retrainAfterMs !== undefined &&
    m?.stored !== undefined &&
    !m.stored.pinned &&
    nowMs - m.stored.createdAtMs > req.retrainAfterMs;
  const missing = result.series
    .map((_, i) => i)
    .filter((i) => (coldStarting ? models[i]?.model === undefined : needsTraining(models[i]) || stale(models[i])));
  if (missing.length > 0 && !coldStarting) {
    // One query for the training window of every series that has no model yet.
    const training = ranges.training
      ? await prom.queryRange(expr, ranges.training.startMs, ranges.training.endMs, stepMs, { signal })
      : { series: [], warnings: [] };
    warnings.push(...training.warnings);
    const byName = new Map(training.series.map((s) => [seriesName(s.labels), s.series]));
    for (const [n, i] of missing.entries()) {
      const s = result.series[i];
      const history = trainingHistory(byName.get(seriesName(s.labels)), s.series, range.startMs);
      const corrupt = models[i]?.corrupt;
      models[i] = await trainAndSave(store, keyOf(s.labels), history, range.startMs, req.observer);
      if (corrupt) {
        models[i] = { ...models[i]!, note: retrainedNote(corrupt, models[i]!) };
      }
      if (n % 50 === 49) {
        await checkpoint();
      }
    }
  }

  const starts = result.series.map((_, i) =>
    contextStartMs(models[i]?.model, range.startMs, stepMs, ranges.scored.startMs)
  );
  const earliest = starts.reduce((a, b) => Math.min(a, b), range.startMs);
  if (earliest < range.startMs) {
    const context = await prom.queryRange(expr, earliest, range.startMs - stepMs, stepMs, { signal });
    warnings.push(...context.warnings);
    const byName = new Map(context.series.map((s) => [seriesName(s.labels), s.series]));
    result.series.forEach((s, i) => {
      s.series = withContext(byName.get(seriesName(s.labels)), starts[i], s.series);
    });
  }

  if (missing.length > 0 && coldStarting) {
    for (const i of missing) {
      const s = result.series[i];
      const note = models[i]?.note;
      models[i] = coldStart(keyOf(s.labels), pointsBefore(s.series, range.startMs), s.series);
      if (note) {
        models[i] = { ...models[i]!, note: models[i]!.note ? `${note}; ${models[i]!.note}` : note };
      }
    }
  }

  const scored: ScoredSeries[] = [];
  for (const [i, s] of result.series.entries()) {
    const m = models[i]!;
    const { from, out } = scoreSeries(m.model, s.series, range.startMs);
    scored.push({ labels: s.labels, series: s.series, from, out, model: { kind: m.model?.kind, version: m.version } });
    if (i % 50 === 49) {
      await checkpoint();
    }
  }
  return { series: scored, models: models as SeriesModel[], warnings: [...new Set(warnings)] };
}

/** The checkpoint QueryData and the exporter pass: lets other work run, stops when `signal` aborts. */
export function yieldingCheckpoint(signal: AbortSignal | undefined): () => Promise<void> {
  return async () => {
    await yieldToEventLoop();
    if (signal?.aborted) {
      throw new PrometheusError('the query was canceled', 'canceled', { source: 'downstream' });
    }
  };
}
