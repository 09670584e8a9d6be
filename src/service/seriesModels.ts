// One series' model: the active stored version, else a fresh training (saved as a new version),
// or, for alert evaluations, a cold-start zscore model that is never saved.

import { fitModel, type Model, type ModelKind, type ModelOptions, type Series } from '../model';
import { fitSeries } from '../query/execute';
import { CorruptModelError, seriesKey, type ModelStore, type SeriesKeyParts } from '../store';

export type TrainingResult = 'saved' | 'warming_up' | 'no_data' | 'error';

/** Told about each training by trainAndSave (the backend's metrics, the exporter's). */
export interface TrainingObserver {
  training(kind: ModelKind, seconds: number, result: TrainingResult): void;
}

export interface SeriesModel {
  model?: Model;
  /** Where the model came from. */
  origin: 'stored' | 'trained' | 'cold-start' | 'none';
  version?: number;
  /** Something the user should know (fallback past a corrupt version, warming up, no data). */
  note?: string;
  /** The key's active version does not load (the row stays in the store, untouched). */
  corrupt?: CorruptActive;
  /** A stored version: when it was saved, and whether it is the key's pin. */
  stored?: { createdAtMs: number; pinned: boolean };
}

export interface CorruptActive {
  version: number;
  reason: string;
  /** A pinned version is the user's choice: it is reported, never replaced by a new training. */
  pinned: boolean;
}

/** Whether a panel query trains a new version for this series: none stored, or the latest is corrupt. */
export function needsTraining(m: SeriesModel | undefined): boolean {
  return m === undefined || (m.corrupt !== undefined && !m.corrupt.pinned);
}

export interface KeyInput {
  datasourceUid: string;
  expr: string;
  kind: ModelKind;
  options: ModelOptions;
  stepMs: number;
  labels: Record<string, string>;
}

/** The store key: the step is part of it, as a model trained at one step does not fit another. */
export function keyParts(k: KeyInput): SeriesKeyParts {
  return {
    datasourceUid: k.datasourceUid,
    expr: k.expr,
    kind: k.kind,
    options: { ...k.options, stepMs: k.stepMs },
    labels: k.labels,
  };
}

export function keyFor(k: KeyInput): string {
  return seriesKey(keyParts(k));
}

export async function storedModel(store: ModelStore, key: string): Promise<SeriesModel | undefined> {
  let found: Awaited<ReturnType<ModelStore['activeLoadable']>>;
  try {
    found = await store.activeLoadable(key);
  } catch (e) {
    if (!(e instanceof CorruptModelError)) {
      throw e;
    }
    // No version loads: no model, and the reason for the notice.
    return { origin: 'none', note: e.message, corrupt: await corruptActive(store, key, e) };
  }
  if (!found) {
    return undefined;
  }
  return {
    model: found.model,
    origin: 'stored',
    version: found.info.version,
    stored: { createdAtMs: found.info.createdAtMs, pinned: found.info.pinned },
    ...(found.note && { note: found.note }),
    ...(found.skipped.length > 0 && { corrupt: await corruptActive(store, key, found.skipped[0]) }),
  };
}

async function corruptActive(store: ModelStore, key: string, e: CorruptModelError): Promise<CorruptActive> {
  const info = await store.info(key, e.version);
  return { version: e.version, reason: e.reason, pinned: info?.pinned === true };
}

/** What the notice says once a corrupt latest version was replaced by a new training. */
export function retrainedNote(corrupt: CorruptActive, trained: SeriesModel): string {
  const head = `stored version ${corrupt.version} is corrupt (${corrupt.reason})`;
  if (!trained.model) {
    return `${head}; ${trained.note ?? 'no model could be trained'}`;
  }
  const now =
    trained.version === undefined ? 'trained a model now (not saved)' : `trained version ${trained.version} now`;
  return `${head}: ${now}; earlier versions are kept`;
}

/**
 * Trains on `training` and saves the model as a new version. A model that is still warming up
 * (history too short for the requested kind, zscore standing in) is used but not saved, so the
 * real model is trained as soon as the history allows. `observer` hears of each training (metrics);
 * `onSaving` is told when the fit is done and the save begins (job progress).
 */
export async function trainAndSave(
  store: ModelStore,
  k: KeyInput,
  training: Series,
  fromMs: number,
  observer?: TrainingObserver,
  onSaving?: () => void
): Promise<SeriesModel> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const m = await fitAndSave(store, k, training, fromMs, started, onSaving);
    observer?.training(
      k.kind,
      seconds(),
      m.origin === 'none' ? 'no_data' : m.version === undefined ? 'warming_up' : 'saved'
    );
    return m;
  } catch (e) {
    observer?.training(k.kind, seconds(), 'error');
    throw e;
  }
}

async function fitAndSave(
  store: ModelStore,
  k: KeyInput,
  training: Series,
  fromMs: number,
  started: number,
  onSaving?: () => void
): Promise<SeriesModel> {
  const fit = fitSeries(k.kind, training, k.options, k.stepMs);
  if (!fit) {
    return { origin: 'none', note: 'not enough data to train a model (fewer than 10 points)' };
  }
  const fitMs = performance.now() - started;
  if (fit.warmingUp) {
    return { model: fit.model, origin: 'trained', note: `warming up: ${fit.reason} (not saved)` };
  }
  onSaving?.();
  const version = await store.saveVersion(keyFor(k), fit.model, {
    fitStats: { reason: fit.reason, fitMs: Math.round(fitMs * 1000) / 1000, trainedForMs: fromMs },
    parts: keyParts(k),
  });
  return { model: fit.model, origin: 'trained', version };
}

/** A zscore model fitted on what is at hand, for alerts when no model is stored yet. Never saved. */
export function coldStart(k: KeyInput, before: Series, all: Series): SeriesModel {
  const fit = fitModel('zscore', before, k.options, k.stepMs) ?? fitModel('zscore', all, k.options, k.stepMs);
  if (!fit) {
    return { origin: 'none', note: 'no stored model and too little data for a cold-start model' };
  }
  return { model: fit.model, origin: 'cold-start' };
}
