// The plugin's own health, served by CollectMetrics: what the models score (distribution and
// anomaly rate), the stored models (count, versions, ages), how long trainings and queries take,
// and errors by kind. Counters move as QueryData runs; the store gauges are recomputed from the
// stores' listings at each collection, only for stores a request has already opened.

import type { ModelKind } from '../../model';
import { PrometheusError } from '../../prometheus/decode';
import type { TrainingObserver, TrainingResult } from '../../service/seriesModels';
import { StoreError, type ModelStore } from '../../store';
import { DURATION_BUCKETS, type Counter, type Gauge, type Histogram, type MetricsRegistry } from '../metrics';
import { yieldToEventLoop } from '../../service/pool';
import { BacktestLimitError } from './replay';
import { ResponseLimitError } from './responseBudget';
import { SettingsError } from './settings';

export const SCORE_BUCKETS = [0.5, 1, 1.5, 2, 3, 5, 10];
/** Model ages in seconds: a minute up to 30 days. */
export const AGE_BUCKETS = [60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400];
/** A point is anomalous when its score is above this (outside the band). */
export const ANOMALY_THRESHOLD = 1;

/** What went wrong, for vigil_errors_total. */
export type ErrorKind = 'prometheus' | 'validation' | 'settings' | 'store' | 'internal';

export function errorKind(err: unknown): ErrorKind {
  if (err instanceof PrometheusError) {
    return 'prometheus';
  }
  if (err instanceof SettingsError) {
    // A store that cannot be opened surfaces as a settings problem; it is still the store failing.
    return /model store/.test(err.message) ? 'store' : 'settings';
  }
  if (err instanceof StoreError) {
    return 'store';
  }
  if (err instanceof ResponseLimitError || err instanceof BacktestLimitError) {
    return 'validation'; // the query asks for more than a limit allows: the user changes it
  }
  return 'internal';
}

/** Keys per listing page; the event loop runs between pages (a page of 1,000 takes ~20 ms). */
const STORE_PAGE = 1_000;

export class VigilMetrics implements TrainingObserver {
  private readonly scoreHist: Histogram;
  private readonly scored: Counter;
  private readonly anomalous: Counter;
  private readonly models: Gauge;
  private readonly versions: Gauge;
  private readonly ages: Histogram;
  private readonly versionsSaved: Counter;
  private readonly trainingHist: Histogram;
  private readonly trainings: Counter;
  private readonly queryHist: Histogram;
  private readonly errors: Counter;

  constructor(registry: MetricsRegistry) {
    this.scoreHist = registry.histogram(
      'vigil_score',
      'Anomaly scores produced (1 = on the edge of the band), by requested model kind.',
      SCORE_BUCKETS
    );
    this.scored = registry.counter('vigil_scored_points_total', 'Points scored, by requested model kind.');
    this.anomalous = registry.counter(
      'vigil_anomalous_points_total',
      'Points scored above 1 (outside the band), by requested model kind; divide by vigil_scored_points_total for the anomaly rate.'
    );
    this.models = registry.gauge(
      'vigil_models',
      'Series models in the opened model stores, by detector kind of the active version.'
    );
    this.versions = registry.gauge(
      'vigil_model_versions',
      'Model versions kept in the opened model stores, by detector kind of the active version.'
    );
    this.ages = registry.histogram(
      'vigil_model_age_seconds',
      'Seconds since each stored series model was last trained, by detector kind of the active version.',
      AGE_BUCKETS
    );
    this.versionsSaved = registry.counter(
      'vigil_model_versions_total',
      'Model versions saved by this process, by requested model kind.'
    );
    this.trainingHist = registry.histogram(
      'vigil_training_duration_seconds',
      'Time to fit (and save) one series model, by requested model kind.',
      DURATION_BUCKETS
    );
    this.trainings = registry.counter(
      'vigil_trainings_total',
      'Series model trainings, by requested model kind and result (saved, warming_up, no_data, error).'
    );
    this.queryHist = registry.histogram(
      'vigil_query_duration_seconds',
      'Time to answer one query of a QueryData request, by outcome (ok or error).',
      DURATION_BUCKETS
    );
    this.errors = registry.counter(
      'vigil_errors_total',
      'Errors answering queries, by kind (prometheus, validation, settings, store, internal).'
    );
    // Present from the start, so rates and ratios work before the first error.
    for (const kind of ['prometheus', 'validation', 'settings', 'store', 'internal'] as const) {
      this.errors.inc({ kind }, 0);
    }
  }

  /** Scores of one series, points [from, to); NaN (no value) is not a scored point. */
  scores(kind: ModelKind, score: ArrayLike<number>, from: number, to: number = score.length): void {
    let n = 0;
    let above = 0;
    for (let i = Math.max(0, from); i < Math.min(to, score.length); i++) {
      const s = score[i];
      if (!Number.isNaN(s)) {
        n++;
        if (s > ANOMALY_THRESHOLD) {
          above++;
        }
      }
    }
    if (n === 0) {
      return;
    }
    this.scoreHist.observeMany(score, { kind }, from, to);
    this.scored.inc({ kind }, n);
    this.anomalous.inc({ kind }, above);
  }

  training(kind: ModelKind, seconds: number, result: TrainingResult): void {
    this.trainings.inc({ kind, result });
    this.trainingHist.observe(Math.max(0, seconds), { kind });
    if (result === 'saved') {
      this.versionsSaved.inc({ kind });
    }
  }

  query(ok: boolean, seconds: number): void {
    this.queryHist.observe(Math.max(0, seconds), { outcome: ok ? 'ok' : 'error' });
  }

  error(kind: ErrorKind): void {
    this.errors.inc({ kind });
  }

  /**
   * Recomputes the store gauges from the stores' listings at each collection. `stores` returns only
   * stores already opened by a request: collecting metrics never creates a model store file.
   */
  watchStores(registry: MetricsRegistry, stores: () => readonly ModelStore[], nowMs: () => number = Date.now): void {
    registry.addCollector(async () => {
      const now = nowMs();
      const count = new Map<string, number>();
      const versions = new Map<string, number>();
      const ages: Array<[string, number]> = [];
      for (const store of stores()) {
        try {
          for (let offset = 0; ; offset += STORE_PAGE) {
            const page = await store.list({ limit: STORE_PAGE, offset });
            for (const item of page.items) {
              count.set(item.kind, (count.get(item.kind) ?? 0) + 1);
              versions.set(item.kind, (versions.get(item.kind) ?? 0) + item.versionCount);
              ages.push([item.kind, Math.max(0, (now - item.lastTrainedMs) / 1000)]);
            }
            if (page.items.length < STORE_PAGE || offset + page.items.length >= page.total) {
              break;
            }
            await yieldToEventLoop();
          }
        } catch {
          // A closed or broken store: said in the errors, the other stores still count.
          this.error('store');
        }
      }
      // Swapped in at once, so a concurrent collection never sees a half-filled set.
      this.models.reset();
      this.versions.reset();
      this.ages.reset();
      for (const [kind, n] of count) {
        this.models.set(n, { kind });
        this.versions.set(versions.get(kind) ?? 0, { kind });
      }
      for (const [kind, age] of ages) {
        this.ages.observe(age, { kind });
      }
    });
  }
}
