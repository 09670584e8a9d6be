import { DAY_MS, WEEK_MS } from '../options';
import { ModelError } from '../errors';
import { dcos, dsin } from '../detmath';

/**
 * Causal features of a univariate series for the isolation forest: row i reads only points
 * 0..i. Rolling statistics skip gaps (NaN) and cover the last `window` finite values before i,
 * excluding i itself, so a spike shows fully in its own row and a gap never poisons later rows.
 * Where a feature is undefined (no history yet) it is NaN; the scaler imputes it.
 */

export interface FeatureSpec {
  /** Finite points of history behind the rolling features. */
  window: number;
  value: boolean;
  /** Value minus the previous finite value. */
  diff: boolean;
  /** Value minus the mean of the window. */
  dev: boolean;
  /** Standard deviation of the window (the local volatility regime). */
  std: boolean;
  /** sin/cos of the UTC time of day, so 3am is not judged like 9am. */
  timeOfDay: boolean;
  /** sin/cos of the UTC day of the week, so Sunday is not judged like Monday. */
  dayOfWeek: boolean;
}

export const DEFAULT_FEATURE_SPEC: Readonly<FeatureSpec> = Object.freeze({
  window: 30,
  value: true,
  diff: true,
  dev: true,
  std: true,
  timeOfDay: true,
  dayOfWeek: true,
});

const SERIES_FEATURES = ['value', 'diff', 'dev', 'std'] as const;

/** Names of the per-series columns the spec produces, in column order. */
export function seriesFeatureNames(spec: FeatureSpec): string[] {
  return SERIES_FEATURES.filter((f) => spec[f]);
}

/** Names of the time columns the spec produces, in column order. */
export function timeFeatureNames(spec: FeatureSpec): string[] {
  const names: string[] = [];
  if (spec.timeOfDay) {
    names.push('timeOfDaySin', 'timeOfDayCos');
  }
  if (spec.dayOfWeek) {
    names.push('dayOfWeekSin', 'dayOfWeekCos');
  }
  return names;
}

export function featureNames(spec: FeatureSpec): string[] {
  return [...seriesFeatureNames(spec), ...timeFeatureNames(spec)];
}

export function checkSpec(x: unknown): FeatureSpec {
  if (x === null || typeof x !== 'object') {
    throw new ModelError('feature spec must be an object');
  }
  const s = x as Record<string, unknown>;
  const window = s.window;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 2 || window > 100_000) {
    throw new ModelError('feature spec window must be an integer from 2 to 100000');
  }
  const out: FeatureSpec = { ...DEFAULT_FEATURE_SPEC, window };
  for (const key of ['value', 'diff', 'dev', 'std', 'timeOfDay', 'dayOfWeek'] as const) {
    if (typeof s[key] !== 'boolean') {
      throw new ModelError(`feature spec ${key} must be a boolean`);
    }
    out[key] = s[key] as boolean;
  }
  return out;
}

/**
 * Writes the per-series columns of `v` into row-major `out` (row stride `stride`, starting at
 * column `col`). Returns the number of columns written.
 */
export function writeSeriesFeatures(
  v: Float64Array,
  spec: FeatureSpec,
  out: Float64Array,
  stride: number,
  col: number
): number {
  const w = spec.window;
  const ring = new Float64Array(w);
  let head = 0;
  let size = 0;
  let last = NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    let mean = NaN;
    let std = NaN;
    if (size > 0) {
      let s = 0;
      for (let j = 0; j < size; j++) {
        s += ring[j];
      }
      mean = s / size;
      // Two passes over the window: running sums of squares lose everything on large offsets.
      let ss = 0;
      for (let j = 0; j < size; j++) {
        const d = ring[j] - mean;
        ss += d * d;
      }
      std = size > 1 ? Math.sqrt(ss / (size - 1)) : NaN;
    }
    let c = i * stride + col;
    if (spec.value) {
      out[c++] = x;
    }
    if (spec.diff) {
      out[c++] = x - last;
    }
    if (spec.dev) {
      out[c++] = x - mean;
    }
    if (spec.std) {
      out[c++] = std;
    }
    if (Number.isFinite(x)) {
      last = x;
      ring[head] = x;
      head = (head + 1) % w;
      if (size < w) {
        size++;
      }
    }
  }
  return seriesFeatureNames(spec).length;
}

/** Writes the time-of-day / day-of-week columns (UTC). Returns the number of columns written. */
export function writeTimeFeatures(
  t: Float64Array,
  spec: FeatureSpec,
  out: Float64Array,
  stride: number,
  col: number
): number {
  const twoPi = 2 * Math.PI;
  for (let i = 0; i < t.length; i++) {
    let c = i * stride + col;
    if (spec.timeOfDay) {
      const a = (twoPi * mod(t[i], DAY_MS)) / DAY_MS;
      out[c++] = dsin(a);
      out[c++] = dcos(a);
    }
    if (spec.dayOfWeek) {
      // Epoch 0 was a Thursday; shifting by 3 days puts Monday 00:00 UTC at phase 0.
      const a = (twoPi * mod(t[i] + 3 * DAY_MS, WEEK_MS)) / WEEK_MS;
      out[c++] = dsin(a);
      out[c++] = dcos(a);
    }
  }
  return timeFeatureNames(spec).length;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** All univariate features of a series: row-major, one row per point. */
export function computeFeatures(t: Float64Array, v: Float64Array, spec: FeatureSpec): Float64Array {
  const nF = featureNames(spec).length;
  const out = new Float64Array(v.length * nF);
  const c = writeSeriesFeatures(v, spec, out, nF, 0);
  writeTimeFeatures(t, spec, out, nF, c);
  return out;
}
