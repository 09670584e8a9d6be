// The contract between the protocol layer (server.ts) and the code that answers Grafana.
//
// The protocol layer decodes requests, calls one of these methods, and makes the answer valid on the
// wire whatever the handler does: QueryData responses are keyed by the request's refIds with a status
// always set, a handler that throws yields an error response (never a crashed process), and a
// resource call always sends at least one message.

import type { Logger } from '../log';
import type {
  CallResourceRequest,
  CallResourceResponse,
  CheckHealthRequest,
  CheckHealthResponse,
  CollectMetricsRequest,
  CollectMetricsResponse,
  QueryDataRequest,
  QueryDataResponse,
} from '../protocol/messages';

export interface CallContext {
  /** Aborted when Grafana cancels the call (deadline, closed panel) or the server stops forcefully. */
  signal: AbortSignal;
  /** Logger with the method name as a field. */
  logger: Logger;
}

/** Streams a resource response. The first message carries the status code and headers. */
export interface ResourceResponseSender {
  /** Resolves when the message is queued (waits for the transport to drain on large bodies). */
  send(message: CallResourceResponse): Promise<void>;
  /** Whether a first message has been sent. */
  readonly started: boolean;
}

export interface BackendHandlers {
  queryData(req: QueryDataRequest, ctx: CallContext): Promise<QueryDataResponse>;
  checkHealth(req: CheckHealthRequest, ctx: CallContext): Promise<CheckHealthResponse>;
  callResource(req: CallResourceRequest, res: ResourceResponseSender, ctx: CallContext): Promise<void>;
  collectMetrics(req: CollectMetricsRequest, ctx: CallContext): Promise<CollectMetricsResponse>;
}

/** A resource response with a JSON body. */
export function jsonResource(code: number, body: unknown, headers: Record<string, string> = {}): CallResourceResponse {
  return {
    code,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  };
}
