// POST /models/<key>/train and GET /jobs[/<id>]: a training is queued as a job of the data
// source and answered at once (202); the page polls the job for its stage and progress.

import type { JobAnswer, JobListAnswer, JobTrigger, TrainRequest } from '../../query/api';
import { parseDuration } from '../../query/duration';
import type { CallResourceResponse } from '../protocol/messages';
import type { JobRegistry } from './jobs';
import type { KeyInput, TrainingObserver } from '../../service/seriesModels';
import { ResourceError } from './resourceError';
import type { Instance } from './settings';
import { keyInputOf, NotRetrainableError, trainKey, type TrainWindow } from './train';
import { jsonResource } from './types';

/** What trainings need beyond the instance: the job registry, metrics, and the data clock. */
export interface TrainingServices {
  jobs: JobRegistry;
  observer?: TrainingObserver;
  /** The end of the training data when a request sets none; default Date.now (tests pin it). */
  dataNow?: () => number;
}

/** Queues a training of a stored key; the key's parts say what to fetch. */
export async function trainRoute(
  services: TrainingServices,
  instance: Instance,
  key: string,
  body: Record<string, unknown> | undefined
): Promise<CallResourceResponse> {
  const window = trainWindow(body);
  let k: KeyInput;
  try {
    k = await storedKeyInput(instance, key);
  } catch (e) {
    if (e instanceof NotRetrainableError) {
      throw new ResourceError(409, e.message);
    }
    throw e;
  }
  const { job, created } = submitTraining(services, instance, key, k, window, 'request');
  const answer: JobAnswer = created ? { job } : { job, alreadyRunning: true };
  return jsonResource(202, answer);
}

/** The query a stored key was trained from (see keyInputOf). */
export async function storedKeyInput(instance: Instance, key: string): Promise<KeyInput> {
  const page = await instance.store().list({ prefix: key, limit: 10 });
  return keyInputOf(key, page.items.find((i) => i.key === key)?.parts);
}

export function submitTraining(
  services: TrainingServices,
  instance: Instance,
  key: string,
  k: KeyInput,
  window: TrainWindow,
  trigger: JobTrigger
) {
  return services.jobs.submit(instance.uid, key, trigger, (ctx) =>
    trainKey(instance, k, window, ctx, services.observer, services.dataNow)
  );
}

/** GET /jobs and GET /jobs/<id>, this data source's jobs only. */
export function jobsRoute(
  services: TrainingServices,
  instance: Instance,
  sub: string,
  method: string
): CallResourceResponse {
  const where = sub === '' ? 'jobs' : 'jobs/<id>';
  if (method !== 'GET' && method !== 'HEAD') {
    throw new ResourceError(405, `method ${method} is not allowed on /${where}: use GET`, { Allow: 'GET' });
  }
  if (sub === '') {
    const answer: JobListAnswer = { items: services.jobs.list(instance.uid) };
    return jsonResource(200, answer);
  }
  const job = services.jobs.get(instance.uid, sub);
  if (!job) {
    throw new ResourceError(
      404,
      `no job ${sub} for data source ${instance.name}: jobs are kept in memory (the last 200) until the backend restarts`
    );
  }
  const answer: JobAnswer = { job };
  return jsonResource(200, answer);
}

function trainWindow(body: Record<string, unknown> | undefined): TrainWindow {
  const req = (body ?? {}) as Partial<Record<keyof TrainRequest, unknown>>;
  const out: TrainWindow = {};
  if (req.trainingWindow !== undefined) {
    let ms = NaN;
    if (typeof req.trainingWindow === 'string') {
      try {
        ms = parseDuration(req.trainingWindow);
      } catch {
        // Reported below with what to write.
      }
    }
    if (!(ms > 0)) {
      throw new ResourceError(
        400,
        `"trainingWindow" must be a duration longer than zero such as 28d, got ${JSON.stringify(req.trainingWindow)}`
      );
    }
    out.windowMs = ms;
  }
  if (req.untilMs !== undefined) {
    if (typeof req.untilMs !== 'number' || !Number.isFinite(req.untilMs) || req.untilMs <= 0) {
      throw new ResourceError(400, `"untilMs" must be epoch milliseconds, got ${JSON.stringify(req.untilMs)}`);
    }
    out.untilMs = req.untilMs;
  }
  return out;
}
