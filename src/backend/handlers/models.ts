// One series' model: the active stored version, else a fresh training (saved as a new version),
// or, for alert evaluations, a cold-start zscore model that is never saved.

import { fitModel, type Model, type ModelKind, type ModelOptions, type Series } from '../../model';
import { fitSeries } from '../../query/execute';
import { seriesKey, type ModelStore, type SeriesKeyParts } from '../../store';
import type { TrainingObserver } from './telemetry';

export interface SeriesModel {
  model?: Model;
  /** Where the model came from. */
  origin: 'stored' | 'trained' | 'cold-start' | 'none';
  version?: number;
  /** Something the user should know (fallback past a corrupt version, warming up, no data). */
  note?: string;
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
  const found = await store.activeLoadable(key);
  if (!found) {
    return undefined;
  }
  return { model: found.model, origin: 'stored', version: found.info.version, ...(found.note && { note: found.note }) };
}

/**
 * Trains on `training` and saves the model as a new version. A model that is still warming up
 * (history too short for the requested kind, zscore standing in) is used but not saved, so the
 * real model is trained as soon as the history allows. `observer` hears of each training (metrics).
 */
export async function trainAndSave(
  store: ModelStore,
  k: KeyInput,
  training: Series,
  fromMs: number,
  observer?: TrainingObserver
): Promise<SeriesModel> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const m = await fitAndSave(store, k, training, fromMs, started);
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
  started: number
): Promise<SeriesModel> {
  const fit = fitSeries(k.kind, training, k.options, k.stepMs);
  if (!fit) {
    return { origin: 'none', note: 'not enough data to train a model (fewer than 10 points)' };
  }
  const fitMs = performance.now() - started;
  if (fit.warmingUp) {
    return { model: fit.model, origin: 'trained', note: `warming up: ${fit.reason} (not saved)` };
  }
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
