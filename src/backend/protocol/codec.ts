// protobufjs types and @grpc/grpc-js service definitions built from our .proto text (proto.ts).
// Messages cross this layer as plain objects: decoding fills proto3 defaults and turns int64 into
// numbers and bytes into Buffers; encoding accepts plain objects (enums as numbers or names).

import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import type * as M from './messages';
import { GO_PLUGIN_PROTO, HEALTH_PROTO, PLUGINV2_PROTO } from './proto';

/** Grafana accepts messages up to MaxInt32 bytes; grpc-js' default of 4 MB is too small for frames. */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

const root = new protobuf.Root();
for (const source of [PLUGINV2_PROTO, GO_PLUGIN_PROTO, HEALTH_PROTO]) {
  protobuf.parse(source, root, { keepCase: true });
}
root.resolveAll();

export function messageType(fullName: string): protobuf.Type {
  return root.lookupType(fullName);
}

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
};

/** Decodes bytes into a plain object with every field present (sub-messages null when absent). */
export function decodePlain(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

/** Encodes a plain object; unknown keys are ignored, types are converted where protobufjs can. */
export function encodePlain(type: protobuf.Type, value: object): Buffer {
  const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A grpc-js method definition whose both sides are plain objects (used by server and test clients).
 * Serialisers pass Buffers through: the server encodes responses itself to catch encoding errors.
 */
function plainMethod(
  path: string,
  requestType: string,
  responseType: string,
  responseStream: boolean
): MethodDefinition<object, object> {
  const req = messageType(requestType);
  const res = messageType(responseType);
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: (value: object) => (Buffer.isBuffer(value) ? value : encodePlain(req, value)),
    requestDeserialize: (bytes: Buffer) => decodePlain(req, bytes),
    responseSerialize: (value: object) => (Buffer.isBuffer(value) ? value : encodePlain(res, value)),
    responseDeserialize: (bytes: Buffer) => decodePlain(res, bytes),
  };
}

export const DataService: ServiceDefinition = {
  QueryData: plainMethod('/pluginv2.Data/QueryData', 'pluginv2.QueryDataRequest', 'pluginv2.QueryDataResponse', false),
};

export const DiagnosticsService: ServiceDefinition = {
  CheckHealth: plainMethod(
    '/pluginv2.Diagnostics/CheckHealth',
    'pluginv2.CheckHealthRequest',
    'pluginv2.CheckHealthResponse',
    false
  ),
  CollectMetrics: plainMethod(
    '/pluginv2.Diagnostics/CollectMetrics',
    'pluginv2.CollectMetricsRequest',
    'pluginv2.CollectMetricsResponse',
    false
  ),
};

export const ResourceService: ServiceDefinition = {
  CallResource: plainMethod(
    '/pluginv2.Resource/CallResource',
    'pluginv2.CallResourceRequest',
    'pluginv2.CallResourceResponse',
    true
  ),
};

export const ControllerService: ServiceDefinition = {
  Shutdown: plainMethod('/plugin.GRPCController/Shutdown', 'plugin.Empty', 'plugin.Empty', false),
};

export const StdioService: ServiceDefinition = {
  StreamStdio: plainMethod('/plugin.GRPCStdio/StreamStdio', 'plugin.Empty', 'plugin.StdioData', true),
};

export const HealthService: ServiceDefinition = {
  Check: plainMethod(
    '/grpc.health.v1.Health/Check',
    'grpc.health.v1.HealthCheckRequest',
    'grpc.health.v1.HealthCheckResponse',
    false
  ),
};

export enum ServingStatus {
  UNKNOWN = 0,
  SERVING = 1,
  NOT_SERVING = 2,
  SERVICE_UNKNOWN = 3,
}

// ---- plain decoded objects -> the typed request shapes of messages.ts ----

type Plain = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const buf = (v: unknown): Buffer =>
  Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v) : Buffer.alloc(0);
const obj = (v: unknown): Plain | undefined => (v !== null && typeof v === 'object' ? (v as Plain) : undefined);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) {
    out[k] = str(val);
  }
  return out;
};

function toUser(v: unknown): M.User | undefined {
  const o = obj(v);
  return o && { login: str(o.login), name: str(o.name), email: str(o.email), role: str(o.role) };
}

function toAppSettings(v: unknown): M.AppInstanceSettings | undefined {
  const o = obj(v);
  return (
    o && {
      jsonData: buf(o.jsonData),
      decryptedSecureJsonData: strMap(o.decryptedSecureJsonData),
      lastUpdatedMS: num(o.lastUpdatedMS),
      apiVersion: str(o.apiVersion),
    }
  );
}

function toDataSourceSettings(v: unknown): M.DataSourceInstanceSettings | undefined {
  const o = obj(v);
  return (
    o && {
      id: num(o.id),
      name: str(o.name),
      url: str(o.url),
      user: str(o.user),
      database: str(o.database),
      basicAuthEnabled: o.basicAuthEnabled === true,
      basicAuthUser: str(o.basicAuthUser),
      jsonData: buf(o.jsonData),
      decryptedSecureJsonData: strMap(o.decryptedSecureJsonData),
      lastUpdatedMS: num(o.lastUpdatedMS),
      uid: str(o.uid),
      apiVersion: str(o.apiVersion),
    }
  );
}

export function toPluginContext(v: unknown): M.PluginContext {
  const o = obj(v) ?? {};
  return {
    orgId: num(o.orgId),
    pluginId: str(o.pluginId),
    user: toUser(o.user),
    appInstanceSettings: toAppSettings(o.appInstanceSettings),
    dataSourceInstanceSettings: toDataSourceSettings(o.dataSourceInstanceSettings),
    grafanaConfig: strMap(o.grafanaConfig),
    pluginVersion: str(o.pluginVersion),
    userAgent: str(o.userAgent),
    apiVersion: str(o.apiVersion),
    namespace: str(o.namespace),
  };
}

function toDataQuery(v: unknown): M.DataQuery {
  const o = obj(v) ?? {};
  const tr = obj(o.timeRange) ?? {};
  return {
    refId: str(o.refId),
    maxDataPoints: num(o.maxDataPoints),
    intervalMS: num(o.intervalMS),
    timeRange: { fromEpochMS: num(tr.fromEpochMS), toEpochMS: num(tr.toEpochMS) },
    json: buf(o.json),
    queryType: str(o.queryType),
  };
}

export function toQueryDataRequest(v: unknown): M.QueryDataRequest {
  const o = obj(v) ?? {};
  return {
    pluginContext: toPluginContext(o.pluginContext),
    headers: strMap(o.headers),
    queries: Array.isArray(o.queries) ? o.queries.map(toDataQuery) : [],
    format: num(o.format),
  };
}

export function toCheckHealthRequest(v: unknown): M.CheckHealthRequest {
  const o = obj(v) ?? {};
  return { pluginContext: toPluginContext(o.pluginContext), headers: strMap(o.headers) };
}

export function toCollectMetricsRequest(v: unknown): M.CollectMetricsRequest {
  const o = obj(v) ?? {};
  return { pluginContext: toPluginContext(o.pluginContext) };
}

export function toCallResourceRequest(v: unknown): M.CallResourceRequest {
  const o = obj(v) ?? {};
  const headers: Record<string, string[]> = {};
  for (const [k, list] of Object.entries(obj(o.headers) ?? {})) {
    const values = obj(list)?.values;
    headers[k] = Array.isArray(values) ? values.map(str) : [];
  }
  return {
    pluginContext: toPluginContext(o.pluginContext),
    path: str(o.path),
    method: str(o.method),
    url: str(o.url),
    headers,
    body: buf(o.body),
  };
}

// ---- typed responses -> plain objects for encoding ----

/** Headers as the wire's map<string, StringList>. */
export function toWireHeaders(
  headers: Record<string, string | string[]> | undefined
): Record<string, { values: string[] }> {
  const out: Record<string, { values: string[] }> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    out[k] = { values: Array.isArray(v) ? v.map(String) : [String(v)] };
  }
  return out;
}

export function bytesOf(value: Uint8Array | string | undefined): Uint8Array {
  if (value === undefined) {
    return new Uint8Array(0);
  }
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
