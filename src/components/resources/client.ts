/**
 * A typed client for the Vigil data source's resource routes (the contract in src/query/api.ts).
 * Pages and editors call these methods and never build URLs themselves; how a request travels is a
 * `ResourceTransport`: through Grafana (backendSrvTransport) or straight to a backend (fetchTransport,
 * for the browser harness that runs without Grafana).
 */
import type {
  BacktestAnswer,
  BacktestRequest,
  DeleteAnswer,
  JobAnswer,
  JobListAnswer,
  ModelAnswer,
  ModelListAnswer,
  TrainRequest,
} from '../../query/api';

export type ResourceMethod = 'GET' | 'POST' | 'DELETE';

export interface ResourceRequest {
  method: ResourceMethod;
  /** Route below `.../resources/`, already encoded, without a leading slash: "models/<key>/pin". */
  path: string;
  params?: Record<string, string | number>;
  body?: unknown;
}

/** Sends one request and resolves to the parsed JSON answer, or rejects with a ResourceError. */
export type ResourceTransport = (req: ResourceRequest) => Promise<unknown>;

/** A failed resource call: the HTTP status and the backend's own message. */
export class ResourceError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
    this.name = 'ResourceError';
  }
}

export interface ModelListParams {
  prefix?: string;
  limit?: number;
  offset?: number;
}

export interface VigilResources {
  listModels(params?: ModelListParams): Promise<ModelListAnswer>;
  model(key: string): Promise<ModelAnswer>;
  pin(key: string, version: number): Promise<ModelAnswer>;
  unpin(key: string): Promise<ModelAnswer>;
  rollback(key: string): Promise<ModelAnswer>;
  deleteModel(key: string): Promise<DeleteAnswer>;
  train(key: string, request?: TrainRequest): Promise<JobAnswer>;
  job(id: string): Promise<JobAnswer>;
  jobs(): Promise<JobListAnswer>;
  backtest(request: BacktestRequest): Promise<BacktestAnswer>;
}

const modelPath = (key: string) => `models/${encodeURIComponent(key)}`;

export function makeResources(send: ResourceTransport): VigilResources {
  // The answers are the backend's, typed by the shared contract; the transport only parses JSON.
  const call = <T>(req: ResourceRequest) => send(req) as Promise<T>;
  return {
    listModels: (p = {}) => {
      const params: Record<string, string | number> = {};
      if (p.prefix) {
        params.prefix = p.prefix;
      }
      if (p.limit !== undefined) {
        params.limit = p.limit;
      }
      if (p.offset !== undefined) {
        params.offset = p.offset;
      }
      return call({ method: 'GET', path: 'models', params });
    },
    model: (key) => call({ method: 'GET', path: modelPath(key) }),
    pin: (key, version) => call({ method: 'POST', path: `${modelPath(key)}/pin`, body: { version } }),
    unpin: (key) => call({ method: 'POST', path: `${modelPath(key)}/unpin` }),
    rollback: (key) => call({ method: 'POST', path: `${modelPath(key)}/rollback` }),
    deleteModel: (key) => call({ method: 'DELETE', path: modelPath(key) }),
    train: (key, request = {}) => call({ method: 'POST', path: `${modelPath(key)}/train`, body: request }),
    job: (id) => call({ method: 'GET', path: `jobs/${encodeURIComponent(id)}` }),
    jobs: () => call({ method: 'GET', path: 'jobs' }),
    backtest: (request) => call({ method: 'POST', path: 'backtest', body: request }),
  };
}

/** The text to show for a failed call: the backend's message when it sent one. */
export function errorMessage(e: unknown): string {
  if (e instanceof ResourceError) {
    return e.status > 0 ? `${e.message} (HTTP ${e.status})` : e.message;
  }
  if (e instanceof Error) {
    return e.message;
  }
  return String(e);
}

/** The message a JSON error body carries (`message`, else Prometheus' `error`), if any. */
export function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string' && body.trim() !== '') {
    return body.trim();
  }
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    for (const k of ['message', 'error']) {
      if (typeof b[k] === 'string' && b[k] !== '') {
        return b[k] as string;
      }
    }
  }
  return undefined;
}
