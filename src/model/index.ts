/**
 * The public face of the model library: what the backend, the browser worker and the CLI use.
 */
export type {
  Direction,
  DetectorKind,
  Model,
  ModelKind,
  ModelOptions,
  ScoreBuffers,
  Seasonality,
  Series,
  SerializedModel,
  TrainingInfo,
} from './types';
export { allocScoreBuffers } from './types';
export { DEFAULT_OPTIONS, resolveOptions } from './options';
export { ModelError } from './errors';
export { LIBRARY_VERSION } from './version';
export { MODEL_KINDS, getDetector, isModelKind, loadModel } from './registry';
export { fitModel, type FitDecision } from './engine/fit';
export { backtest, backtestSteps, type BacktestConfig, type BacktestResult, type FitRecord } from './engine/backtest';
export { anomalyScore, falseAlarmRate } from './calibration';
export { DEFAULT_ALERT_RULES, simulateAlerts, smoothScore, type AlertEvent, type AlertRule } from './alerts';
