// The gRPC side of Grafana's backend plugin protocol, over @grpc/grpc-js.
//
// Serves pluginv2 Data/Diagnostics/Resource through pluggable handlers, go-plugin's GRPCController
// (Shutdown) and GRPCStdio, and grpc.health.v1.Health ("plugin" SERVING). This layer owns wire
// validity: whatever a handler returns or throws, Grafana gets a well-formed answer and the process
// keeps running. It does not print the handshake line or exit: main.ts does.

import * as grpc from '@grpc/grpc-js';
import type { BackendHandlers, CallContext, ResourceResponseSender } from './handlers/types';
import { createLogger, type Logger } from './log';
import type { RequestStats } from './metrics';
import {
  bytesOf,
  ControllerService,
  DataService,
  DiagnosticsService,
  encodePlain,
  HealthService,
  MAX_MESSAGE_BYTES,
  messageType,
  ResourceService,
  ServingStatus,
  StdioService,
  toCallResourceRequest,
  toCheckHealthRequest,
  toCollectMetricsRequest,
  toQueryDataRequest,
  toWireHeaders,
} from './protocol/codec';
import { encodeQueryDataResponse } from './protocol/queryDataWire';
import {
  HealthStatus,
  type CallResourceResponse,
  type DataResponse,
  type QueryDataRequest,
  type QueryDataResponse,
} from './protocol/messages';

export { MAX_MESSAGE_BYTES };

/** The go-plugin core protocol version (1) and Grafana's plugin protocol version (2). */
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 2;

/** The single stdout line go-plugin reads: `1|2|tcp|127.0.0.1:<port>|grpc`. */
export function handshakeLine(host: string, port: number): string {
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|${host}:${port}|grpc`;
}

export interface PluginServerOptions {
  handlers: BackendHandlers;
  logger?: Logger;
  /** Records every call (method, outcome, duration). */
  stats?: RequestStats;
  /** Default 127.0.0.1: Grafana connects over loopback. */
  host?: string;
  /** Inclusive port range to try in order (go-plugin's PLUGIN_MIN_PORT/MAX_PORT); default any port. */
  ports?: { min: number; max: number };
  /**
   * Called once GRPCController/Shutdown has been answered. main.ts shuts down and exits; the
   * default only stops the server.
   */
  onShutdownRequested?: () => void;
}

export interface PluginServer {
  readonly host: string;
  readonly port: number;
  readonly handshakeLine: string;
  /**
   * Stops accepting calls, lets in-flight calls finish for up to `graceMs`, then cancels the rest.
   * Idempotent: later calls return the first call's promise.
   */
  shutdown(graceMs?: number): Promise<void>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Makes a handler's QueryData answer valid: exactly the request's refIds, each with a status (200,
 * or 500 when it carries an error and no status). A missing refId gets a plugin error.
 */
export function normaliseQueryDataResponse(
  req: QueryDataRequest,
  resp: QueryDataResponse | undefined,
  logger?: Logger
): QueryDataResponse {
  const given = resp?.responses ?? {};
  const out: QueryDataResponse = { responses: {} };
  for (const query of req.queries) {
    const r: DataResponse | undefined = Object.prototype.hasOwnProperty.call(given, query.refId)
      ? given[query.refId]
      : undefined;
    if (!r) {
      out.responses[query.refId] = {
        status: 500,
        error: `the backend returned no response for query ${query.refId}`,
        errorSource: 'plugin',
      };
      continue;
    }
    const status = r.status && r.status > 0 ? r.status : r.error ? 500 : 200;
    out.responses[query.refId] = { ...r, status, errorSource: r.errorSource ?? (r.error ? 'plugin' : undefined) };
  }
  const extra = Object.keys(given).filter((refId) => !req.queries.some((q) => q.refId === refId));
  if (extra.length > 0) {
    logger?.warn('dropping responses for refIds that were not requested', { refIds: extra.join(',') });
  }
  return out;
}

/** Every requested refId answered with the same error. */
export function errorForAllQueries(
  req: QueryDataRequest,
  message: string,
  status = 500,
  errorSource: DataResponse['errorSource'] = 'plugin'
): QueryDataResponse {
  const out: QueryDataResponse = { responses: {} };
  for (const query of req.queries) {
    out.responses[query.refId] = { status, error: message, errorSource };
  }
  return out;
}

const CHECK_HEALTH_RESPONSE = messageType('pluginv2.CheckHealthResponse');
const COLLECT_METRICS_RESPONSE = messageType('pluginv2.CollectMetricsResponse');
const CALL_RESOURCE_RESPONSE = messageType('pluginv2.CallResourceResponse');

async function bindPort(server: grpc.Server, host: string, ports: { min: number; max: number }): Promise<number> {
  const bind = (port: number) =>
    new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound)
      )
    );
  if (ports.min === 0 && ports.max === 0) {
    return bind(0);
  }
  let lastError: unknown;
  for (let port = ports.min; port <= ports.max; port++) {
    try {
      return await bind(port);
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`no free port between ${ports.min} and ${ports.max}: ${errorText(lastError)}`);
}

export async function startPluginServer(options: PluginServerOptions): Promise<PluginServer> {
  const { handlers, stats } = options;
  const logger = options.logger ?? createLogger({ level: 'error' });
  const host = options.host ?? '127.0.0.1';
  // grpc-js' own diagnostics (e.g. "No address added" while probing a port range) are internal:
  // debug entries in our log, never console output. Real failures surface through our code.
  const grpcLog = (...args: unknown[]) => logger.debug(`grpc: ${args.map(String).join(' ')}`);
  grpc.setLogger({ error: grpcLog, info: grpcLog, debug: grpcLog });
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });

  let serving = true;
  let shutdownPromise: Promise<void> | undefined;
  const inflight = new Set<AbortController>();
  const stdioStreams = new Set<grpc.ServerWritableStream<object, object>>();

  /** Per-call context: abort signal tied to client cancellation, logger, stats on completion. */
  const begin = (
    method: string,
    call: grpc.ServerUnaryCall<object, unknown> | grpc.ServerWritableStream<object, unknown>
  ) => {
    const controller = new AbortController();
    inflight.add(controller);
    call.on('cancelled', () => controller.abort(new Error(`${method} cancelled by the client`)));
    const ctx: CallContext = { signal: controller.signal, logger: logger.with({ method }) };
    const started = performance.now();
    const end = (ok: boolean) => {
      inflight.delete(controller);
      stats?.record(method, ok, (performance.now() - started) / 1000);
    };
    return { ctx, end };
  };

  const queryData: grpc.handleUnaryCall<object, Buffer> = async (call, callback) => {
    const { ctx, end } = begin('QueryData', call);
    const req = toQueryDataRequest(call.request);
    let ok = true;
    let resp: QueryDataResponse;
    try {
      resp = normaliseQueryDataResponse(req, await handlers.queryData(req, ctx), ctx.logger);
    } catch (err) {
      ok = false;
      ctx.logger.error('QueryData handler failed', { error: errorText(err) });
      resp = errorForAllQueries(req, errorText(err));
    }
    let bytes: Buffer;
    try {
      bytes = encodeQueryDataResponse(resp);
    } catch (err) {
      ok = false;
      ctx.logger.error('QueryData response could not be encoded', { error: errorText(err) });
      bytes = encodeQueryDataResponse(errorForAllQueries(req, `invalid response from the backend: ${errorText(err)}`));
    }
    end(ok);
    callback(null, bytes);
  };

  const checkHealth: grpc.handleUnaryCall<object, Buffer> = async (call, callback) => {
    const { ctx, end } = begin('CheckHealth', call);
    let ok = true;
    let bytes: Buffer;
    try {
      const resp = await handlers.checkHealth(toCheckHealthRequest(call.request), ctx);
      bytes = encodePlain(CHECK_HEALTH_RESPONSE, {
        status: resp.status,
        message: resp.message ?? '',
        jsonDetails: resp.jsonDetails ?? new Uint8Array(0),
      });
    } catch (err) {
      ok = false;
      ctx.logger.error('CheckHealth handler failed', { error: errorText(err) });
      bytes = encodePlain(CHECK_HEALTH_RESPONSE, {
        status: HealthStatus.ERROR,
        message: `health check failed: ${errorText(err)}`,
      });
    }
    end(ok);
    callback(null, bytes);
  };

  const collectMetrics: grpc.handleUnaryCall<object, Buffer> = async (call, callback) => {
    const { ctx, end } = begin('CollectMetrics', call);
    try {
      const resp = await handlers.collectMetrics(toCollectMetricsRequest(call.request), ctx);
      const bytes = encodePlain(COLLECT_METRICS_RESPONSE, { metrics: { prometheus: bytesOf(resp.prometheus) } });
      end(true);
      callback(null, bytes);
    } catch (err) {
      end(false);
      ctx.logger.error('CollectMetrics handler failed', { error: errorText(err) });
      callback({ code: grpc.status.INTERNAL, details: `collecting metrics failed: ${errorText(err)}` });
    }
  };

  const callResource: grpc.handleServerStreamingCall<object, Buffer> = async (call) => {
    const { ctx, end } = begin('CallResource', call);
    const req = toCallResourceRequest(call.request);
    let started = false;
    const waitDrain = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          ctx.signal.removeEventListener('abort', done);
          resolve();
        };
        call.on('drain', done);
        ctx.signal.addEventListener('abort', done);
      });
    const sender: ResourceResponseSender = {
      get started() {
        return started;
      },
      async send(message: CallResourceResponse) {
        if (ctx.signal.aborted) {
          return;
        }
        const first = !started;
        const bytes = encodePlain(CALL_RESOURCE_RESPONSE, {
          code: first ? message.code || 200 : (message.code ?? 0),
          headers: first ? toWireHeaders(message.headers) : {},
          body: bytesOf(message.body),
        });
        started = true;
        if (!call.write(bytes)) {
          await waitDrain();
        }
      },
    };
    const fail = (code: number, text: string) =>
      encodePlain(CALL_RESOURCE_RESPONSE, {
        code,
        headers: toWireHeaders({ 'Content-Type': 'application/json' }),
        body: Buffer.from(JSON.stringify({ message: text }), 'utf8'),
      });
    let ok = true;
    try {
      await handlers.callResource(req, sender, ctx);
      if (!started) {
        ok = false;
        ctx.logger.error('CallResource handler sent no response', { path: req.path });
        call.write(fail(500, `the backend sent no response for /${req.path}`));
      }
    } catch (err) {
      ok = false;
      ctx.logger.error('CallResource handler failed', { path: req.path, error: errorText(err) });
      if (!started) {
        call.write(fail(500, errorText(err)));
      }
    }
    end(ok);
    call.end();
  };

  const health: grpc.handleUnaryCall<{ service?: string }, object> = (call, callback) => {
    const service = call.request.service ?? '';
    if (service !== '' && service !== 'plugin') {
      callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${service}` });
      return;
    }
    callback(null, { status: serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING });
  };

  const controllerShutdown: grpc.handleUnaryCall<object, object> = (_call, callback) => {
    logger.debug('shutdown requested by the host');
    callback(null, {});
    setImmediate(() => {
      if (options.onShutdownRequested) {
        options.onShutdownRequested();
      } else {
        void pluginServer.shutdown();
      }
    });
  };

  const streamStdio: grpc.handleServerStreamingCall<object, object> = (call) => {
    // Logs go to stderr, which the host reads itself: keep the stream open, send nothing.
    if (!serving) {
      call.end();
      return;
    }
    stdioStreams.add(call);
    call.on('cancelled', () => stdioStreams.delete(call));
  };

  server.addService(DataService, { QueryData: queryData });
  server.addService(DiagnosticsService, { CheckHealth: checkHealth, CollectMetrics: collectMetrics });
  server.addService(ResourceService, { CallResource: callResource });
  server.addService(HealthService, { Check: health });
  server.addService(ControllerService, { Shutdown: controllerShutdown });
  server.addService(StdioService, { StreamStdio: streamStdio });

  const port = await bindPort(server, host, options.ports ?? { min: 0, max: 0 });

  const pluginServer: PluginServer = {
    host,
    port,
    handshakeLine: handshakeLine(host, port),
    shutdown(graceMs = 1500) {
      if (shutdownPromise) {
        return shutdownPromise;
      }
      serving = false;
      for (const stream of stdioStreams) {
        stream.end();
      }
      stdioStreams.clear();
      shutdownPromise = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn('in-flight requests did not finish in time: cancelling them', { count: inflight.size });
          for (const controller of inflight) {
            controller.abort(new Error('the backend is shutting down'));
          }
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return shutdownPromise;
    },
  };
  return pluginServer;
}
