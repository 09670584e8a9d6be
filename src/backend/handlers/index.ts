// The handlers the backend serves: QueryData and CheckHealth against the data source's Prometheus
// and model store; CallResource /prometheus/* and /models (resources.ts), /ping from the basic
// handlers; CollectMetrics with the plugin's own metrics (telemetry.ts) beside the process ones.

import { createBasicHandlers, type BasicHandlersOptions } from './basic';
import { checkHealth } from './health';
import { queryData, type QueryOptions } from './query';
import { callResource } from './resources';
import { InstanceCache, type InstanceOptions } from './settings';
import { VigilMetrics } from './telemetry';
import type { BackendHandlers } from './types';

export interface HandlersOptions extends BasicHandlersOptions {
  instances?: InstanceOptions;
  query?: QueryOptions;
}

export interface Handlers extends BackendHandlers {
  /** Closes the model stores. */
  close(): Promise<void>;
}

export function createHandlers(options: HandlersOptions): Handlers {
  const basic = createBasicHandlers(options);
  const cache = new InstanceCache(options.instances);
  const metrics = new VigilMetrics(options.registry);
  metrics.watchStores(options.registry, () => cache.openStores());
  return {
    ...basic,
    queryData: (req, ctx) => queryData(cache, req, ctx, options.query, metrics),
    collectMetrics: async () => ({ prometheus: await options.registry.collect() }),
    checkHealth: (req, ctx) => checkHealth(cache, req, ctx),
    callResource: (req, res, ctx) => callResource(cache, req, res, ctx, basic.callResource),
    close: () => cache.close(),
  };
}
