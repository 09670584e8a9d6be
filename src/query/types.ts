/**
 * The Vigil query model and data source settings, shared by every face (backend, datasource,
 * pages, CLI). Pure types and constants: no Grafana, Node or DOM imports, so the Node backend
 * reads the same shapes the editors write.
 *
 * A query as stored in a dashboard or alert rule is a `VigilQuery`. Older or partial shapes are
 * brought to this one by `migrateQuery` (migration.ts); `validateQuery` (validate.ts) checks it
 * and resolves the options `src/model` runs with.
 */
import type { Direction, ModelKind, Seasonality } from '../model/types';

/** The version `migrateQuery` produces. Bump it with a new step in migration.ts. */
export const SCHEMA_VERSION = 1;

/**
 * The fields Grafana puts on every query (its `DataQuery` from @grafana/schema), kept local so
 * nothing here depends on @grafana packages. A VigilQuery is assignable to Grafana's DataQuery.
 */
export interface DataQueryBase {
  refId: string;
  hide?: boolean;
  /** Grafana's per-query data source reference; null for the panel default. */
  datasource?: { type?: string; uid?: string } | null;
  /** Grafana's unique query key (Explore), opaque to Vigil. */
  key?: string;
}

export const QUERY_TYPES = ['anomaly', 'backtest'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

/**
 * What the query returns per series. `band` is shorthand for `lower` and `upper`; `anomalies`
 * is the points scoring above 1 (a sparse frame suited to annotations).
 */
export const OUTPUT_KINDS = ['value', 'expected', 'lower', 'upper', 'band', 'score', 'anomalies'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];
/** The outputs after expanding `band`: one per returned field kind. */
export type FieldOutput = Exclude<OutputKind, 'band'>;

export const EXECUTIONS = ['backend', 'browser'] as const;
/** Where the model runs: the plugin backend, or the browser's Web Worker. Alerts always use the backend. */
export type Execution = (typeof EXECUTIONS)[number];

/**
 * The model options as a user writes them: like src/model's ModelOptions but with the training
 * window as a Prometheus duration string ("28d", "1w", "36h").
 */
export interface QueryOptions {
  /** 0..1; higher narrows the band (more points flagged). */
  sensitivity: number;
  direction: Direction;
  /** Deviations smaller than this (series unit) never score above 1. */
  minAbsDeviation: number;
  /** Deviations smaller than this fraction of |expected| never score above 1. */
  minRelDeviation: number;
  /** Trailing history the model trains on, Prometheus duration. */
  trainingWindow: string;
  seasonality: Seasonality;
  seed: number;
}

interface QueryCommon extends DataQueryBase {
  schemaVersion: number;
  /** PromQL expression; every series it returns is scored on its own. */
  expr: string;
  model: ModelKind;
  outputs: OutputKind[];
  options: QueryOptions;
  execution: Execution;
  /** Series naming, Prometheus data source style: "{{instance}} {{job}}". */
  legendFormat?: string;
  /** Fixed query_range step (duration); overrides the step derived from the panel interval. */
  step?: string;
  /** Lower bound for the derived step (duration), like Prometheus' "Min step". */
  minStep?: string;
}

/** Scores series over the requested range: what panels and alert rules run. */
export interface AnomalyQuery extends QueryCommon {
  queryType: 'anomaly';
}

/** One alert level a backtest replays: fires while the score stays above `score` for `for`. */
export interface BacktestThreshold {
  severity: string;
  score: number;
}

/**
 * A causal replay over the requested range: the scores a live deployment would have produced,
 * with a summary of the alerts each threshold would have fired.
 */
export interface BacktestQuery extends QueryCommon {
  queryType: 'backtest';
  thresholds: BacktestThreshold[];
  /** Pending period before an alert fires (Grafana's `for`), duration; "0s" fires at once. */
  for: string;
  /** How often the replay retrains the model on its trailing window, duration. */
  refitEvery: string;
  /** Trailing mean window applied to the score before the thresholds, as alert rules do (duration); default "5m". */
  smoothing?: string;
}

export type VigilQuery = AnomalyQuery | BacktestQuery;

// ---------------------------------------------------------------------------------------------
// Data source settings

/**
 * Defaults the data source applies to queries that do not set a field (new queries in the
 * editor, and queries migrated from shapes that lacked it). A saved query carries its own
 * values, so changing these never silently changes an existing panel or alert.
 */
export interface QueryDefaults extends Partial<QueryOptions> {
  model?: ModelKind;
  execution?: Execution;
}

/**
 * The data source's jsonData: visible to the browser, never secret. Basic auth follows Grafana's
 * convention: the user is the instance's top-level `basicAuthUser` (with `basicAuth` enabled),
 * the password is secureJsonData.basicAuthPassword. Custom headers follow Grafana's numbered
 * convention (`httpHeaderName1` here, `httpHeaderValue1` in secureJsonData), which Grafana's own
 * HTTP client options and provisioning files already use; see `customHeaders`.
 */
export interface VigilJsonData {
  /** Base URL of the Prometheus HTTP API, e.g. http://prometheus:9090. */
  prometheusUrl?: string;
  /** Prometheus request timeout in seconds. */
  timeout?: number;
  /**
   * Ask Prometheus for gzip-compressed answers. Default false: Prometheus spends far more CPU
   * compressing a large range answer than sending it plain takes on a LAN (see PrometheusClientOptions.compression).
   */
  compressResponses?: boolean;
  tlsSkipVerify?: boolean;
  /** Verify Prometheus' certificate against secureJsonData.tlsCACert. */
  tlsAuthWithCACert?: boolean;
  /** Present the client certificate secureJsonData.tlsClientCert / tlsClientKey. */
  tlsAuth?: boolean;
  /** Server name to verify when it differs from the URL's host. */
  serverName?: string;
  /**
   * Where the backend keeps models: `sqlite` (default), a file per Grafana, or `postgres`, one
   * database shared by every Grafana instance of an HA setup.
   */
  modelStore?: 'sqlite' | 'postgres';
  /** Where the backend's SQLite model store lives; default under Grafana's data directory. */
  modelStorePath?: string;
  /**
   * The PostgreSQL model store, without password: postgres://user@host:5432/database?sslmode=require.
   * The password is secureJsonData.postgresPassword.
   */
  postgresUrl?: string;
  /**
   * How often the backend retrains each stored model of this data source (Prometheus duration);
   * default "6h"; "0" or "off" turns scheduled retraining off. See parseRetrainEvery.
   */
  retrainEvery?: string;
  /** Most series one Prometheus range query of the backend may return. Default 10,000. */
  maxSeriesPerQuery?: number;
  /** Most samples one Prometheus range query of the backend may return over all series. Default 25,000,000. */
  maxPointsPerQuery?: number;
  defaults?: QueryDefaults;
  /** httpHeaderName1, httpHeaderName2, ...: names of custom headers sent to Prometheus. */
  [httpHeaderName: `httpHeaderName${number}`]: string | undefined;
}

/** The data source's secureJsonData: only the backend sees it decrypted. */
export interface VigilSecureJsonData {
  basicAuthPassword?: string;
  bearerToken?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
  /** The password of jsonData.postgresUrl's user. */
  postgresPassword?: string;
  /** httpHeaderValue1, ...: the value for the header named by jsonData.httpHeaderName1, ... */
  [httpHeaderValue: `httpHeaderValue${number}`]: string | undefined;
}

export const SECURE_JSON_KEYS = [
  'basicAuthPassword',
  'bearerToken',
  'tlsCACert',
  'tlsClientCert',
  'tlsClientKey',
  'postgresPassword',
] as const;
