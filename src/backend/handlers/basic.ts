// Minimal handlers: enough to prove the protocol end to end. The real ones (Prometheus queries,
// models, backtests) replace them method by method behind the same BackendHandlers interface.

import type { MetricsRegistry } from '../metrics';
import { HealthStatus, type QueryDataResponse } from '../protocol/messages';
import { jsonResource, type BackendHandlers } from './types';

export interface BasicHandlersOptions {
  /** Rendered by CollectMetrics (process metrics, request counts, ...). */
  registry: MetricsRegistry;
  /** Reported by CheckHealth and /ping. */
  version: string;
  startedAtMs?: number;
}

/** The resource path without leading or trailing slashes ("/ping/" -> "ping"). */
export function resourcePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export function createBasicHandlers(options: BasicHandlersOptions): BackendHandlers {
  const startedAtMs = options.startedAtMs ?? Date.now();
  return {
    async queryData(req) {
      const out: QueryDataResponse = { responses: {} };
      for (const query of req.queries) {
        out.responses[query.refId] = { status: 200, frames: [] };
      }
      return out;
    },

    async checkHealth() {
      return { status: HealthStatus.OK, message: `Vigil backend ${options.version} is running` };
    },

    async callResource(req, res) {
      const path = resourcePath(req.path);
      if (path === 'ping') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          await res.send(jsonResource(405, { message: `method ${req.method} not allowed on /ping` }, { Allow: 'GET' }));
          return;
        }
        await res.send(
          jsonResource(200, {
            message: 'pong',
            version: options.version,
            uptimeSeconds: Math.round((Date.now() - startedAtMs) / 1000),
          })
        );
        return;
      }
      await res.send(jsonResource(404, { message: `no resource at /${path}` }));
    },

    async collectMetrics() {
      return { prometheus: options.registry.render() };
    },
  };
}
