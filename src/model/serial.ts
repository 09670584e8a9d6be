import { ModelError } from './errors';
import { resolveOptions } from './options';
import type { DetectorKind, Model, ModelOptions, SerializedModel, TrainingInfo } from './types';
import { LIBRARY_VERSION } from './version';

/**
 * Checks the header every serialised model carries and returns it typed. `load()` of each
 * detector calls this first, so a model of another kind, a newer format or a damaged file is
 * refused with a message instead of scoring differently.
 */
export function readHeader(json: unknown, kind: DetectorKind, formatVersion: number): SerializedModel {
  const obj = typeof json === 'string' ? parseJson(json) : json;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ModelError('model must be a JSON object');
  }
  const m = obj as Record<string, unknown>;
  if (m.kind !== kind) {
    throw new ModelError(`expected a ${kind} model, got kind ${JSON.stringify(m.kind)}`);
  }
  if (m.formatVersion !== formatVersion) {
    throw new ModelError(
      `${kind} model format version ${JSON.stringify(m.formatVersion)} is not supported (this library reads version ${formatVersion})`
    );
  }
  const options = resolveOptions((m.options ?? {}) as Partial<ModelOptions>);
  const training = readTraining(m.training);
  return { ...m, kind, formatVersion, libraryVersion: String(m.libraryVersion ?? ''), options, training };
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new ModelError(`model is not valid JSON: ${(e as Error).message}`);
  }
}

function readTraining(x: unknown): TrainingInfo {
  if (x === null || typeof x !== 'object') {
    throw new ModelError('model has no training information');
  }
  const t = x as Record<string, unknown>;
  for (const key of ['fromMs', 'toMs', 'points', 'stepMs'] as const) {
    if (typeof t[key] !== 'number' || !Number.isFinite(t[key])) {
      throw new ModelError(`model training.${key} must be a finite number`);
    }
  }
  if (typeof t.fingerprint !== 'string') {
    throw new ModelError('model training.fingerprint must be a string');
  }
  return {
    fromMs: t.fromMs as number,
    toMs: t.toMs as number,
    points: t.points as number,
    stepMs: t.stepMs as number,
    fingerprint: t.fingerprint,
  };
}

/**
 * A nested object of a saved model (a filter's state, a tracker's), with an error maker and a
 * finite-number reader whose messages name where in the model it is (`where`, e.g. "adaptive
 * model state").
 */
export function savedObject(
  json: unknown,
  where: string
): { fields: Record<string, unknown>; bad: (what: string) => ModelError; finite: (key: string) => number } {
  const bad = (what: string) => new ModelError(`${where} ${what}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw bad('must be an object');
  }
  const fields = json as Record<string, unknown>;
  const finite = (key: string) => {
    const x = fields[key];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw bad(`field ${key} must be a finite number`);
    }
    return x;
  };
  return { fields, bad, finite };
}

/** Reads a finite number field or fails naming it. */
export function num(m: Record<string, unknown>, key: string): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ModelError(`model field ${key} must be a finite number`);
  }
  return v;
}

/** Reads an array of finite numbers into a Float64Array or fails naming it. */
export function f64(m: Record<string, unknown>, key: string, length?: number): Float64Array {
  const v = m[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new ModelError(`model field ${key} must be an array of finite numbers`);
  }
  if (length !== undefined && v.length !== length) {
    throw new ModelError(`model field ${key} must have ${length} entries, has ${v.length}`);
  }
  return Float64Array.from(v as number[]);
}

/** Reads an integer field within [lo, hi] or fails naming it and the range. */
export function int(m: Record<string, unknown>, key: string, lo = -Infinity, hi = Infinity): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    const range = hi === Infinity ? (lo === -Infinity ? '' : ` >= ${lo}`) : ` from ${lo} to ${hi}`;
    throw new ModelError(`model field ${key} must be an integer${range}`);
  }
  return v;
}

/** Reads a string field that must be one of `values`, or fails listing them. */
export function oneOf<T extends string>(m: Record<string, unknown>, key: string, values: readonly T[]): T {
  const v = m[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new ModelError(`model field ${key} must be one of ${values.join(', ')}`);
  }
  return v as T;
}

/** The header every serialised model starts with; the counterpart of readHeader. */
export function writeHeader(model: Model, formatVersion: number): SerializedModel {
  return {
    kind: model.kind,
    formatVersion,
    libraryVersion: LIBRARY_VERSION,
    options: model.options,
    training: model.training,
  };
}
