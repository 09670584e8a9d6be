/**
 * The JSON the data source's resource routes answer, as the browser sees it (backend CallResource
 * → Grafana → `/api/datasources/uid/<uid>/resources/...`). The backend types its answers with these
 * and the pages and editors read them, so the two faces agree on one contract without importing
 * each other. Times are epoch milliseconds; numbers that are NaN in the model are `null` in JSON.
 *
 *   GET    /models                     → ModelListAnswer
 *   GET    /models/<key>               → ModelAnswer
 *   POST   /models/<key>/pin           → ModelAnswer            {"version": n}   Editor/Admin
 *   POST   /models/<key>/unpin         → ModelAnswer                             Editor/Admin
 *   POST   /models/<key>/rollback      → ModelAnswer                             Editor/Admin
 *   POST   /models/<key>/train         → 202 JobAnswer           TrainRequest     Editor/Admin
 *   DELETE /models/<key>               → DeleteAnswer                            Editor/Admin
 *   GET    /jobs                       → JobListAnswer
 *   GET    /jobs/<id>                  → JobAnswer
 *   POST   /backtest                   → BacktestAnswer          BacktestRequest
 *   GET    /prometheus/...             → Prometheus' own {status, data}
 *
 * A second train POST while the key is still training answers that job (alreadyRunning: true).
 * Jobs live in the backend's memory (the last 200 per data source); a restart forgets them.
 *
 * Errors are `{ "message": string, ... }` with a 4xx/5xx status (Grafana shows `message`).
 * Keys go in the path encoded with encodeURIComponent.
 */
import type { DetectorKind, ModelKind, ModelOptions } from '../model/types';
import type { BacktestQuery } from './types';

// --- models ---

/** The descriptive parts stored with a key (what was queried, how). */
export interface ModelKeyParts {
  datasourceUid: string;
  expr: string;
  kind: string;
  options: Record<string, unknown>;
  labels: Record<string, string>;
}

/** One stored version of a key's model (the store's VersionInfo). */
export interface ModelVersion {
  key: string;
  version: number;
  createdAtMs: number;
  /** The detector actually fitted (an `auto` key stores the chosen detector). */
  kind: DetectorKind;
  formatVersion: number;
  libraryVersion: string;
  options: ModelOptions;
  training: { fromMs: number; toMs: number; points: number; stepMs: number };
  /** Fingerprint of the training data. */
  fingerprint: string;
  fitStats: Record<string, unknown>;
  /** Size of the stored model JSON in bytes (UTF-8). */
  byteSize: number;
  /** This version is the key's pin. */
  pinned: boolean;
  /** Scoring uses this version (the pin, else the latest). */
  active: boolean;
}

/** One key of the store (the store's KeySummary). */
export interface ModelSummary {
  key: string;
  activeVersion: number;
  latestVersion: number;
  pinnedVersion: number | null;
  versionCount: number;
  /** Kind of the active version. */
  kind: DetectorKind;
  /** Creation time of the latest version, epoch ms. */
  lastTrainedMs: number;
  parts: ModelKeyParts | null;
}

export interface ModelListAnswer {
  items: ModelSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface ModelAnswer {
  key: string;
  activeVersion: number;
  latestVersion: number;
  pinnedVersion: number | null;
  active: ModelVersion;
  /** Newest first. */
  history: ModelVersion[];
}

export interface DeleteAnswer {
  key: string;
  deleted: true;
  versionsRemoved: number;
}

// --- jobs (trainings run in the background and report progress) ---

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface TrainRequest {
  /** Trailing history to train on (Prometheus duration); default: the key's own training window. */
  trainingWindow?: string;
  /** End of the training data, epoch ms (e.g. just before an incident); default now. */
  untilMs?: number;
}

/** Who started a job: a user (POST /models/<key>/train) or the backend's retraining schedule. */
export type JobTrigger = 'request' | 'schedule';

export interface Job {
  id: string;
  kind: 'train';
  /** The model key the job trains. */
  key: string;
  state: JobState;
  /** 0..1. */
  progress: number;
  /** What it is doing now, for people: "fetching 28d from Prometheus", "fitting seasonal", ... */
  stage: string;
  createdAtMs: number;
  finishedAtMs?: number;
  /** Why it failed. */
  error?: string;
  /** The version a finished training saved. */
  version?: number;
  trigger?: JobTrigger;
}

export interface JobAnswer {
  job: Job;
  /** POST /models/<key>/train only: the key was already being trained and this is that job. */
  alreadyRunning?: boolean;
}

export interface JobListAnswer {
  items: Job[];
}

// --- backtest ---

/**
 * What one backtest (route or query) may ask for; beyond them it is refused with a 400 that says
 * which limit and what to change. Pages can check a request against them before sending it.
 */
export const BACKTEST_LIMITS = Object.freeze({
  /** Series the expression may return. */
  maxSeries: 100,
  /** Steps in [fromMs, toMs] per series. */
  maxRangePoints: 20_000,
  /** Steps fetched per series: training window plus range. */
  maxPointsPerSeries: 200_000,
  /** Samples fetched over all series. */
  maxTotalPoints: 5_000_000,
  /** Points answered over all series (series × range points); each has value, expected, band and score. */
  maxAnswerPoints: 500_000,
  /**
   * Work: series × refits × training window points. A seasonal fit on 40,000 points takes ~0.1 s
   * (auto ~0.3 s), so this keeps one backtest to about half a minute of seasonal fitting.
   */
  maxFitPoints: 10_000_000,
  /** Longest [fromMs, toMs]. */
  maxRangeMs: 90 * 86_400_000,
  /** Points the step is derived for when the request sets none. */
  defaultPoints: 2_000,
});

/** A causal replay of a query over [fromMs, toMs]; the query's thresholds and `for` drive the summary. */
export interface BacktestRequest {
  query: Pick<BacktestQuery, 'expr' | 'model' | 'options' | 'thresholds' | 'for' | 'refitEvery'> &
    Partial<Pick<BacktestQuery, 'step' | 'legendFormat'>>;
  fromMs: number;
  toMs: number;
  /** Score smoothing window the alert rules use (duration); default "5m". Same as query.smoothing. */
  smoothing?: string;
}

export interface BacktestSeries {
  /** Display name (legendFormat applied). */
  name: string;
  labels: Record<string, string>;
  t: number[];
  value: Array<number | null>;
  expected: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  score: Array<number | null>;
}

export interface BacktestAlert {
  /** Series name the alert fired on. */
  series: string;
  severity: string;
  pendingFromMs: number;
  fromMs: number;
  toMs: number;
  peakScore: number;
}

export interface BacktestThresholdSummary {
  severity: string;
  score: number;
  forMs: number;
  alerts: number;
  alertsPerWeek: number;
}

export interface BacktestAnswer {
  model: ModelKind;
  fromMs: number;
  toMs: number;
  stepMs: number;
  series: BacktestSeries[];
  alerts: BacktestAlert[];
  summary: BacktestThresholdSummary[];
  /** Things the user should know (series dropped over the limit, warming up, gaps). */
  notices: string[];
}
