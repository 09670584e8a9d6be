// Training one stored key again, as a background job: the key's own query (expression, step,
// options, stored with its first version) is run against Prometheus over the training window, the
// series with the key's labels is picked out of the result, and it is fitted and saved exactly as a
// panel query trains (models.ts trainAndSave), so a retrained model scores like a panel-trained one.

import { isModelKind, resolveOptions, type ModelOptions } from '../../model';
import type { RangeResult } from '../../prometheus/client';
import { PrometheusError } from '../../prometheus/decode';
import { formatDuration } from '../../query/duration';
import { canonicalLabels, type SeriesKeyParts } from '../../store';
import type { JobContext } from './jobs';
import { keyFor, trainAndSave, type KeyInput, type TrainingObserver } from '../../service/seriesModels';
import { yieldToEventLoop } from '../../service/pool';
import type { Instance } from './settings';

/** The stored parts cannot be turned back into the key's query: nothing to retrain from. */
export class NotRetrainableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRetrainableError';
  }
}

export interface TrainWindow {
  /** History to train on; default the key's own training window. */
  windowMs?: number;
  /** End of the training data (epoch ms); default now. */
  untilMs?: number;
  /**
   * How the window is fetched; default the instance's Prometheus. A retraining sweep passes one
   * fetch shared by the keys of a query (sharedFetch.ts), so a query of 1,000 series is fetched
   * once, not once per series.
   */
  fetch?: RangeFetcher;
}

export type RangeFetcher = (
  expr: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  signal: AbortSignal
) => Promise<RangeResult>;

/** The grid of a key's training window ending at `untilMs` (aligned down to the key's step). */
export function trainingRange(k: KeyInput, window: TrainWindow, untilMs: number): { startMs: number; endMs: number } {
  const step = k.stepMs;
  const windowMs = window.windowMs ?? k.options.trainingWindowMs;
  const points = Math.max(1, Math.floor(windowMs / step));
  const endMs = Math.floor(untilMs / step) * step;
  return { startMs: endMs - (points - 1) * step, endMs };
}

/** The query a key was trained from, checked to give back exactly this key. */
export function keyInputOf(key: string, parts: SeriesKeyParts | null | undefined): KeyInput {
  const hint = 'run its query in a panel to train it, or delete it';
  if (!parts) {
    throw new NotRetrainableError(`model ${key} was stored without its query (expression, step, options): ${hint}`);
  }
  const { stepMs, ...rest } = parts.options as Record<string, unknown>;
  if (typeof stepMs !== 'number' || !(stepMs >= 1)) {
    throw new NotRetrainableError(`model ${key} has no query step stored with it: ${hint}`);
  }
  if (!isModelKind(parts.kind)) {
    throw new NotRetrainableError(`model ${key} was trained as kind ${JSON.stringify(parts.kind)}, unknown here`);
  }
  let options: ModelOptions;
  try {
    options = resolveOptions(rest as Partial<ModelOptions>);
  } catch (e) {
    throw new NotRetrainableError(`model ${key} has options this version cannot use: ${(e as Error).message}`);
  }
  const input: KeyInput = {
    datasourceUid: parts.datasourceUid,
    expr: parts.expr,
    kind: parts.kind,
    options,
    stepMs,
    labels: parts.labels,
  };
  if (keyFor(input) !== key) {
    // Saving would go to another key, and this one would never change.
    throw new NotRetrainableError(`the query stored with model ${key} no longer gives this key: ${hint}`);
  }
  return input;
}

/** Fetches the key's series over the training window, fits and saves a new version. */
export async function trainKey(
  instance: Instance,
  k: KeyInput,
  window: TrainWindow,
  job: JobContext,
  observer?: TrainingObserver,
  now: () => number = Date.now
): Promise<{ version: number; stage: string }> {
  const step = k.stepMs;
  const windowMs = window.windowMs ?? k.options.trainingWindowMs;
  const { startMs: start, endMs: end } = trainingRange(k, window, window.untilMs ?? now());
  job.report(`fetching ${formatDuration(windowMs)} from Prometheus`, 0.05);
  const fetch: RangeFetcher =
    window.fetch ?? ((expr, s, e, st, signal) => instance.prometheus.queryRange(expr, s, e, st, { signal }));
  const result = await fetch(k.expr, start, end, step, job.signal);
  const wanted = canonicalLabels(k.labels);
  const found = result.series.find((s) => canonicalLabels(s.labels) === wanted);
  if (!found) {
    const range = `${new Date(start).toISOString()}..${new Date(end).toISOString()}`;
    throw new Error(
      `the series ${wanted} is not in the result of ${k.expr} over ${range} ` +
        `(Prometheus returned ${result.series.length} other series): it may have stopped reporting or been relabelled`
    );
  }
  job.report(`fitting ${k.kind} on ${found.series.t.length} points`, 0.4);
  await yieldToEventLoop();
  if (job.signal.aborted) {
    throw new PrometheusError('the training was canceled', 'canceled');
  }
  const m = await trainAndSave(instance.store(), k, found.series, end + step, observer, () =>
    job.report('saving', 0.85)
  );
  if (m.version === undefined) {
    const why = m.note ?? 'nothing was fitted';
    throw new Error(`no version saved: ${why}; train on a longer window`);
  }
  return { version: m.version, stage: `saved version ${m.version}` };
}
