// The decoded shapes of the pluginv2 messages (see proto.ts). Requests arrive with every field
// present (proto3 defaults filled in: '' / 0 / empty buffer / {}), int64 as JS numbers (epoch
// milliseconds and ids fit), bytes as Buffer. Optional sub-messages are undefined when absent.

export interface User {
  login: string;
  name: string;
  email: string;
  /** Grafana org role: "Viewer", "Editor", "Admin" (or "" / "None"). */
  role: string;
}

export interface AppInstanceSettings {
  jsonData: Buffer;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  apiVersion: string;
}

export interface DataSourceInstanceSettings {
  id: number;
  name: string;
  url: string;
  user: string;
  database: string;
  basicAuthEnabled: boolean;
  basicAuthUser: string;
  /** The data source's jsonData as JSON bytes. */
  jsonData: Buffer;
  /** secureJsonData, decrypted by Grafana: the only place secrets come from. */
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  uid: string;
  apiVersion: string;
}

export interface PluginContext {
  orgId: number;
  pluginId: string;
  user?: User;
  appInstanceSettings?: AppInstanceSettings;
  dataSourceInstanceSettings?: DataSourceInstanceSettings;
  grafanaConfig: Record<string, string>;
  pluginVersion: string;
  userAgent: string;
  apiVersion: string;
  namespace: string;
}

export interface TimeRange {
  fromEpochMS: number;
  toEpochMS: number;
}

export interface DataQuery {
  refId: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange: TimeRange;
  /** The query model as JSON bytes. */
  json: Buffer;
  queryType: string;
}

export enum DataFrameFormat {
  ARROW = 0,
  JSON = 1,
}

export interface QueryDataRequest {
  pluginContext: PluginContext;
  /** E.g. `FromAlert: true` for alert evaluations; compare names case-insensitively (see header()). */
  headers: Record<string, string>;
  queries: DataQuery[];
  format: DataFrameFormat;
}

/** Where an error comes from: the plugin itself, or the system it queries. */
export type ErrorSource = 'plugin' | 'downstream';

export interface DataResponse {
  /** One Arrow IPC file per frame. */
  frames?: Uint8Array[];
  error?: string;
  jsonMeta?: Uint8Array;
  /** HTTP-like status. The protocol layer sets 200 (or 500 with an error) when left out. */
  status?: number;
  errorSource?: ErrorSource;
}

export interface QueryDataResponse {
  /** Keyed by the request's refIds. */
  responses: Record<string, DataResponse>;
}

export interface CheckHealthRequest {
  pluginContext: PluginContext;
  headers: Record<string, string>;
}

export enum HealthStatus {
  UNKNOWN = 0,
  OK = 1,
  ERROR = 2,
}

export interface CheckHealthResponse {
  status: HealthStatus;
  message: string;
  /** JSON bytes shown by Grafana as details. */
  jsonDetails?: Uint8Array;
}

export interface CallResourceRequest {
  pluginContext: PluginContext;
  /** Path below the plugin's resource root, without a leading slash (e.g. "ping"). */
  path: string;
  method: string;
  /** The full URL as Grafana received it (path and query string). */
  url: string;
  headers: Record<string, string[]>;
  body: Buffer;
}

export interface CallResourceResponse {
  /** HTTP status; read from the first message of the stream only. */
  code?: number;
  headers?: Record<string, string | string[]>;
  body?: Uint8Array | string;
}

export interface CollectMetricsRequest {
  pluginContext: PluginContext;
}

export interface CollectMetricsResponse {
  /** Prometheus text exposition format. */
  prometheus: Uint8Array | string;
}

/** A header value by name, compared case-insensitively (Grafana's casing varies). */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}
