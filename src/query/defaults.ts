import { DEFAULT_ALERT_RULES } from '../model/alerts';
import { DEFAULT_OPTIONS } from '../model/options';
import { formatDuration } from './duration';
import { DEFAULT_RETRAIN_EVERY } from './settings';
import type {
  AnomalyQuery,
  BacktestQuery,
  BacktestThreshold,
  OutputKind,
  QueryDefaults,
  QueryOptions,
  QueryType,
  VigilQuery,
} from './types';
import { SCHEMA_VERSION } from './types';

/** src/model's defaults, with the training window written as a duration ("4w"). */
export const DEFAULT_QUERY_OPTIONS: Readonly<QueryOptions> = Object.freeze({
  sensitivity: DEFAULT_OPTIONS.sensitivity,
  direction: DEFAULT_OPTIONS.direction,
  minAbsDeviation: DEFAULT_OPTIONS.minAbsDeviation,
  minRelDeviation: DEFAULT_OPTIONS.minRelDeviation,
  trainingWindow: formatDuration(DEFAULT_OPTIONS.trainingWindowMs),
  seasonality: DEFAULT_OPTIONS.seasonality,
  seed: DEFAULT_OPTIONS.seed,
});

/** What a panel shows by default: the series, what was expected, the band, and the score. */
export const DEFAULT_OUTPUTS: readonly OutputKind[] = Object.freeze(['value', 'expected', 'band', 'score'] as const);

export const DEFAULT_BACKTEST_THRESHOLDS: readonly BacktestThreshold[] = Object.freeze(
  DEFAULT_ALERT_RULES.map((r) => Object.freeze({ severity: r.severity, score: r.threshold }))
);
export const DEFAULT_FOR = formatDuration(DEFAULT_ALERT_RULES[0].forMs);
/**
 * A backtest refits as the backend retrains when nothing else is set, so its would-be alerts are
 * those the scheduled models would have raised.
 */
export const DEFAULT_REFIT_EVERY = DEFAULT_RETRAIN_EVERY;
/** Score smoothing of a backtest when the query sets none: the 5-minute mean alert rules use. */
export const DEFAULT_SMOOTHING = '5m';

/** A new anomaly query, without refId (Grafana assigns it). */
export const DEFAULT_QUERY: Readonly<Omit<AnomalyQuery, 'refId'>> = Object.freeze({
  schemaVersion: SCHEMA_VERSION,
  queryType: 'anomaly',
  expr: '',
  model: 'auto',
  outputs: [...DEFAULT_OUTPUTS],
  options: { ...DEFAULT_QUERY_OPTIONS },
  execution: 'backend',
});

/**
 * A fresh, fully filled query of the given type, with the data source's defaults (jsonData
 * `defaults`) over the built-in ones. Only well-typed defaults are taken: settings are user input.
 */
export function defaultQuery<T extends QueryType = 'anomaly'>(
  queryType?: T,
  defaults: QueryDefaults = {},
  refId = 'A'
): Extract<VigilQuery, { queryType: T }> {
  const d = sanitizeDefaults(defaults);
  const common = {
    ...DEFAULT_QUERY,
    refId,
    model: d.model ?? DEFAULT_QUERY.model,
    execution: d.execution ?? DEFAULT_QUERY.execution,
    outputs: [...DEFAULT_OUTPUTS],
    options: { ...DEFAULT_QUERY_OPTIONS, ...d.options },
  };
  if (queryType === 'backtest') {
    const q: BacktestQuery = {
      ...common,
      queryType: 'backtest',
      thresholds: DEFAULT_BACKTEST_THRESHOLDS.map((t) => ({ ...t })),
      for: DEFAULT_FOR,
      refitEvery: DEFAULT_REFIT_EVERY,
    };
    return q as Extract<VigilQuery, { queryType: T }>;
  }
  const q: AnomalyQuery = { ...common, queryType: 'anomaly' };
  return q as Extract<VigilQuery, { queryType: T }>;
}

const OPTION_TYPES: Record<keyof QueryOptions, 'number' | 'string'> = {
  sensitivity: 'number',
  direction: 'string',
  minAbsDeviation: 'number',
  minRelDeviation: 'number',
  trainingWindow: 'string',
  seasonality: 'string',
  seed: 'number',
};

/**
 * Keeps the defaults whose JSON type is right; values are checked later by validateQuery, so a
 * bad data source default surfaces as a clear message on the query rather than being hidden.
 */
export function sanitizeDefaults(defaults: unknown): {
  model?: QueryDefaults['model'];
  execution?: QueryDefaults['execution'];
  options: Partial<QueryOptions>;
} {
  const src = isRecord(defaults) ? defaults : {};
  const options: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(OPTION_TYPES)) {
    if (typeof src[key] === type) {
      options[key] = src[key];
    }
  }
  return {
    model: typeof src.model === 'string' ? (src.model as QueryDefaults['model']) : undefined,
    execution: typeof src.execution === 'string' ? (src.execution as QueryDefaults['execution']) : undefined,
    options: options as Partial<QueryOptions>,
  };
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
