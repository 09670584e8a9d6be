// The handlers the backend serves: QueryData and CheckHealth against the data source's Prometheus
// and model store; CallResource /prometheus/*, /models, /jobs and /backtest (resources.ts), /ping
// from the basic handlers; CollectMetrics with the plugin's own metrics (telemetry.ts) beside the
// process ones. Trainings run as background jobs (jobs.ts), also started by the retraining
// schedule (retrain.ts).

import type { Logger } from '../log';
import { createBasicHandlers, type BasicHandlersOptions } from './basic';
import { checkHealth } from './health';
import { JobRegistry, type JobRegistryOptions } from './jobs';
import { queryData, type QueryOptions } from './query';
import { callResource } from './resources';
import { RetrainScheduler, type RetrainOptions } from './retrain';
import { InstanceCache, type InstanceOptions } from './settings';
import { VigilMetrics } from './telemetry';
import type { TrainingServices } from './trainRoutes';
import type { BackendHandlers } from './types';

export interface HandlersOptions extends BasicHandlersOptions {
  instances?: InstanceOptions;
  query?: QueryOptions;
  logger?: Logger;
  jobs?: JobRegistryOptions;
  /** Scheduled retraining; `false` turns it off (tests that drive sweeps themselves). */
  retrain?: RetrainOptions | false;
  /** The end of training data when a request sets none; default Date.now. */
  dataNow?: () => number;
}

export interface Handlers extends BackendHandlers {
  /** Stops scheduled retraining and the training jobs (waits up to a second for running ones). */
  stopBackground(): Promise<void>;
  /** Stops the background work, then closes the model stores. */
  close(): Promise<void>;
  readonly jobs: JobRegistry;
  /** What trainings run with (jobs, metrics observer, data clock). */
  readonly training: TrainingServices;
  readonly retrain?: RetrainScheduler;
  /** The data source instances requests have used. */
  instances(): ReturnType<InstanceCache['seen']>;
}

export function createHandlers(options: HandlersOptions): Handlers {
  const basic = createBasicHandlers(options);
  const cache = new InstanceCache(options.instances);
  const metrics = new VigilMetrics(options.registry);
  metrics.watchStores(options.registry, () => cache.openStores());
  const jobs = new JobRegistry({ logger: options.logger, ...options.jobs });
  const training: TrainingServices = { jobs, observer: metrics, ...(options.dataNow && { dataNow: options.dataNow }) };
  const retrain =
    options.retrain === false
      ? undefined
      : new RetrainScheduler(() => cache.seen(), training, { logger: options.logger, ...options.retrain });
  retrain?.start();
  let stopping: Promise<void> | undefined;
  const stopBackground = () =>
    (stopping ??= (async () => {
      const sweeps = retrain?.stop();
      await jobs.close();
      await sweeps;
    })());
  return {
    ...basic,
    queryData: (req, ctx) => queryData(cache, req, ctx, options.query, metrics),
    collectMetrics: async () => ({ prometheus: await options.registry.collect() }),
    checkHealth: (req, ctx) => checkHealth(cache, req, ctx),
    callResource: (req, res, ctx) => callResource(cache, req, res, ctx, basic.callResource, training),
    stopBackground,
    close: async () => {
      await stopBackground();
      await cache.close();
    },
    jobs,
    training,
    ...(retrain && { retrain }),
    instances: () => cache.seen(),
  };
}
