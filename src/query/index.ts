/**
 * The query schema shared by every face: types, defaults, migration, validation, durations and
 * data source settings helpers. Pure: no Grafana, Node or DOM imports.
 */
export * from './types';
export {
  DEFAULT_BACKTEST_THRESHOLDS,
  DEFAULT_FOR,
  DEFAULT_OUTPUTS,
  DEFAULT_QUERY,
  DEFAULT_QUERY_OPTIONS,
  DEFAULT_REFIT_EVERY,
  DEFAULT_SMOOTHING,
  defaultQuery,
} from './defaults';
export { migrateQuery } from './migration';
export {
  expandOutputs,
  validateQuery,
  type BacktestPlan,
  type InvalidQuery,
  type QueryError,
  type QueryValidation,
  type ValidQuery,
} from './validate';
export { formatDuration, parseDuration } from './duration';
export { customHeaders, DEFAULT_RETRAIN_EVERY, parseRetrainEvery } from './settings';
export type * from './api';
export { BACKTEST_LIMITS } from './api';
