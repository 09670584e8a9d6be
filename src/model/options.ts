import { ModelError } from './errors';
import type { Direction, ModelOptions, Seasonality } from './types';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export const DEFAULT_OPTIONS: Readonly<ModelOptions> = Object.freeze({
  sensitivity: 0.5,
  direction: 'both',
  minAbsDeviation: 0,
  minRelDeviation: 0,
  trainingWindowMs: 28 * DAY_MS,
  seasonality: 'auto',
  seed: 42,
});

const DIRECTIONS: readonly Direction[] = ['both', 'above', 'below'];
const SEASONALITIES: readonly Seasonality[] = ['auto', 'daily', 'weekly', 'none'];

/** Fills defaults and rejects values no model can honour, naming the offending option. */
export function resolveOptions(partial: Partial<ModelOptions> = {}): ModelOptions {
  const o: ModelOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(partial) };
  if (!Number.isFinite(o.sensitivity) || o.sensitivity < 0 || o.sensitivity > 1) {
    throw new ModelError(`sensitivity must be a number from 0 to 1, got ${String(o.sensitivity)}`);
  }
  if (!DIRECTIONS.includes(o.direction)) {
    throw new ModelError(`direction must be one of ${DIRECTIONS.join(', ')}, got ${String(o.direction)}`);
  }
  if (!SEASONALITIES.includes(o.seasonality)) {
    throw new ModelError(`seasonality must be one of ${SEASONALITIES.join(', ')}, got ${String(o.seasonality)}`);
  }
  for (const key of ['minAbsDeviation', 'minRelDeviation'] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) {
      throw new ModelError(`${key} must be a non-negative number, got ${String(o[key])}`);
    }
  }
  if (!Number.isFinite(o.trainingWindowMs) || o.trainingWindowMs <= 0) {
    throw new ModelError(`trainingWindowMs must be a positive number, got ${String(o.trainingWindowMs)}`);
  }
  if (!Number.isInteger(o.seed)) {
    throw new ModelError(`seed must be an integer, got ${String(o.seed)}`);
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}
