/**
 * A `fetch` for src/prometheus's PrometheusClient that sends its Prometheus API requests to the
 * data source's resource proxy instead (`/api/v1/<x>` becomes the resource `prometheus/<x>`), so
 * the browser decodes, splits and grids ranges with the very client the backend uses, while the
 * credentials stay in the backend.
 */
import type { FetchFn } from '../../prometheus/client';

export interface ResourceCall {
  method: string;
  /** Resource path, e.g. "prometheus/query_range". */
  path: string;
  /** URL query string without "?" (GET). */
  query: string;
  /** Form-encoded body (POST). */
  body?: string;
  signal?: AbortSignal;
}

export interface ResourceAnswer {
  status: number;
  /** The parsed JSON answer. */
  data: unknown;
}

export type SendResource = (call: ResourceCall) => Promise<ResourceAnswer>;

const API = /\/api\/v1\/([^?]+)(?:\?(.*))?$/;

export function proxyFetch(send: SendResource): FetchFn {
  return async (input, init) => {
    const m = API.exec(input);
    if (!m) {
      throw new TypeError(`not a Prometheus API URL: ${input}`);
    }
    const method = (init.method ?? 'GET').toUpperCase();
    const answer = await send({
      method,
      path: `prometheus/${m[1]}`,
      query: m[2] ?? '',
      ...(typeof init.body === 'string' && { body: init.body }),
      ...(init.signal && { signal: init.signal }),
    });
    const text = typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data ?? null);
    // Just what PrometheusClient reads of a Response (jsdom has no Response class).
    const response = {
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) },
      text: async () => text,
    };
    return response as unknown as Response;
  };
}
