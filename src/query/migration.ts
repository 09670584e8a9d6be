/**
 * Brings any stored query shape to the current `VigilQuery` (schema SCHEMA_VERSION).
 *
 * Contract:
 * - never throws, whatever it is given (a backend request, a dashboard from an old version,
 *   a hand-written provisioning file);
 * - idempotent: migrateQuery(migrateQuery(x)) deep-equals migrateQuery(x);
 * - fills missing fields (absent or null) with the data source's defaults, then the built-in ones;
 * - keeps present values even when they are wrong (an unknown model, a bad duration), so that
 *   validateQuery can tell the user what to fix instead of a silent substitution;
 * - drops fields it does not know: the result holds exactly the current schema plus Grafana's
 *   common query fields (refId, hide, datasource, key). Grafana's per-request additions
 *   (intervalMs, maxDataPoints) travel in the request itself, not in the query model.
 *   Exception: a query from a *newer* schema keeps its unknown fields, so opening it in an older
 *   Vigil does not destroy them; validateQuery rejects it with an upgrade hint.
 *
 * History:
 * - v0 (no `schemaVersion`): the prototype editor's flat shape, also the scaffold's
 *   `{expr, model?}` placeholder:
 *     { refId, expr, model?: 'isolation-forest' | 'seasonal-decomposition' | 'holt-winters'
 *         | 'z-score' | 'adaptive' | 'auto' | '' (= default),
 *       sensitivity?: 'low' | 'medium' | 'high' | number (0..1),
 *       trainingWindowDays?: number, direction?: 'up' | 'down' | 'both',
 *       minDeviation?: number (absolute), seasonality?, seed?,
 *       showBand?: boolean, showScore?: boolean (both default true),
 *       runInBrowser?: boolean, interval?: string (min step, Grafana's field name), legendFormat? }
 *   Backtests did not exist; every v0 query is an anomaly query.
 * - v1: the discriminated union in types.ts: options nested, durations as strings, explicit
 *   outputs, execution, queryType.
 */
import { DEFAULT_BACKTEST_THRESHOLDS, DEFAULT_FOR, DEFAULT_REFIT_EVERY, defaultQuery, isRecord } from './defaults';
import type { QueryDefaults, QueryOptions, VigilQuery } from './types';
import { SCHEMA_VERSION } from './types';

type Raw = Record<string, unknown>;

/** Steps: MIGRATIONS[v] turns a version-v object into version v+1. */
const MIGRATIONS: ReadonlyArray<(q: Raw) => Raw> = [fromV0];

export function migrateQuery(raw: unknown, defaults?: QueryDefaults): VigilQuery {
  let q: Raw = isRecord(raw) ? { ...raw } : {};
  let version = storedVersion(q);
  for (; version < SCHEMA_VERSION; version++) {
    q = MIGRATIONS[version](q);
  }
  return normalize(q, version, defaults);
}

/** The version a stored object claims; anything but a non-negative integer reads as v0. */
function storedVersion(q: Raw): number {
  const v = q.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

// ---------------------------------------------------------------------------------------------
// v0 -> v1

const V0_MODELS: Record<string, string> = {
  'isolation-forest': 'iforest',
  isolationforest: 'iforest',
  'seasonal-decomposition': 'seasonal',
  stl: 'seasonal',
  'holt-winters': 'ets',
  holtwinters: 'ets',
  'z-score': 'zscore',
};
const V0_SENSITIVITY: Record<string, number> = { low: 0.25, medium: 0.5, high: 0.75 };
const V0_DIRECTION: Record<string, string> = { up: 'above', down: 'below' };

/**
 * Maps each v0 field onto its v1 place, unless the v1 field is already there (a half-migrated
 * object, or a v1 query whose schemaVersion was lost, keeps its v1 values).
 */
function fromV0(q: Raw): Raw {
  const {
    model,
    sensitivity,
    trainingWindowDays,
    direction,
    minDeviation,
    seasonality,
    seed,
    showBand,
    showScore,
    runInBrowser,
    interval,
    ...rest
  } = q;
  const out: Raw = { ...rest, schemaVersion: 1 };
  const options: Raw = isRecord(q.options) ? { ...q.options } : {};
  setIfAbsent(
    options,
    'sensitivity',
    typeof sensitivity === 'string' ? (V0_SENSITIVITY[sensitivity.toLowerCase()] ?? sensitivity) : sensitivity
  );
  setIfAbsent(options, 'direction', typeof direction === 'string' ? (V0_DIRECTION[direction] ?? direction) : direction);
  setIfAbsent(options, 'minAbsDeviation', minDeviation);
  setIfAbsent(
    options,
    'trainingWindow',
    typeof trainingWindowDays === 'number' || typeof trainingWindowDays === 'string'
      ? `${trainingWindowDays}d`
      : undefined
  );
  setIfAbsent(options, 'seasonality', seasonality);
  setIfAbsent(options, 'seed', seed);
  if (Object.keys(options).length > 0 || q.options !== undefined) {
    out.options = options;
  }
  if (typeof model === 'string') {
    // '' meant "the data source default" in v0: leave it to the defaults.
    const name = model.trim();
    setIfAbsent(out, 'model', name === '' ? undefined : (V0_MODELS[name.toLowerCase()] ?? name));
  } else {
    setIfAbsent(out, 'model', model);
  }
  if (out.outputs === undefined && (showBand !== undefined || showScore !== undefined)) {
    out.outputs = [
      'value',
      'expected',
      ...(showBand === false ? [] : ['band']),
      ...(showScore === false ? [] : ['score']),
    ];
  }
  if (typeof runInBrowser === 'boolean') {
    setIfAbsent(out, 'execution', runInBrowser ? 'browser' : 'backend');
  }
  setIfAbsent(out, 'minStep', interval === '' ? undefined : interval);
  setIfAbsent(out, 'queryType', 'anomaly');
  return out;
}

function setIfAbsent(o: Raw, key: string, value: unknown): void {
  if (o[key] == null && value != null) {
    o[key] = value;
  }
}

// ---------------------------------------------------------------------------------------------
// Current version: fill defaults, fix the key set and order.

/** Top-level keys of a current query, any type (exported for the fuzzers' key lists). */
export const COMMON_KEYS: ReadonlySet<string> = new Set([
  'refId',
  'hide',
  'datasource',
  'key',
  'schemaVersion',
  'queryType',
  'expr',
  'model',
  'outputs',
  'options',
  'execution',
  'legendFormat',
  'step',
  'minStep',
]);
/** Top-level keys only a backtest query has. */
export const BACKTEST_KEYS: ReadonlySet<string> = new Set(['thresholds', 'for', 'refitEvery', 'smoothing']);

function normalize(q: Raw, version: number, defaults: QueryDefaults | undefined): VigilQuery {
  const queryType = q.queryType ?? 'anomaly';
  const base = defaultQuery(queryType === 'backtest' ? 'backtest' : 'anomaly', defaults);
  const out: Raw = {};
  if (version > SCHEMA_VERSION) {
    // Written by a newer Vigil: keep what we do not understand (see the header).
    for (const [k, v] of Object.entries(q)) {
      if (!COMMON_KEYS.has(k) && !BACKTEST_KEYS.has(k) && k !== '__proto__') {
        out[k] = v;
      }
    }
  }
  out.refId = q.refId ?? 'A';
  for (const key of ['hide', 'datasource', 'key'] as const) {
    if (q[key] !== undefined) {
      out[key] = q[key];
    }
  }
  out.schemaVersion = version;
  out.queryType = queryType;
  out.expr = q.expr ?? base.expr;
  out.model = q.model ?? base.model;
  out.outputs = Array.isArray(q.outputs) ? [...q.outputs] : (q.outputs ?? base.outputs);
  out.options = isRecord(q.options) ? fillOptions(q.options, base.options) : (q.options ?? base.options);
  out.execution = q.execution ?? base.execution;
  for (const key of ['legendFormat', 'step', 'minStep'] as const) {
    if (q[key] != null && q[key] !== '') {
      out[key] = q[key];
    }
  }
  if (queryType === 'backtest') {
    out.thresholds = Array.isArray(q.thresholds)
      ? q.thresholds.map((t) => (isRecord(t) ? pick(t, ['severity', 'score']) : t))
      : (q.thresholds ?? DEFAULT_BACKTEST_THRESHOLDS.map((t) => ({ ...t })));
    out.for = q.for ?? DEFAULT_FOR;
    out.refitEvery = q.refitEvery ?? DEFAULT_REFIT_EVERY;
    if (q.smoothing != null && q.smoothing !== '') {
      out.smoothing = q.smoothing;
    }
  }
  // Shaped, not yet validated: enum fields may hold values validateQuery will reject.
  return out as unknown as VigilQuery;
}

function fillOptions(given: Raw, base: QueryOptions): QueryOptions {
  const out: Raw = {};
  for (const key of Object.keys(base) as Array<keyof QueryOptions>) {
    out[key] = given[key] ?? base[key];
  }
  return out as unknown as QueryOptions;
}

function pick(o: Raw, keys: readonly string[]): Raw {
  const out: Raw = {};
  for (const k of keys) {
    if (o[k] !== undefined) {
      out[k] = o[k];
    }
  }
  return out;
}
