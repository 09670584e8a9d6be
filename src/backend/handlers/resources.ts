// CallResource routes of the data source:
//
//   GET    /prometheus/labels                 match[], start, end, limit
//   GET    /prometheus/label/<name>/values    match[], start, end, limit
//   GET    /prometheus/series                 match[] (required), start, end, limit
//   GET    /prometheus/metadata               metric, limit
//   GET    /prometheus/query_range            query, start, end, step (POST: the same as a form or JSON body)
//   GET    /models                            prefix, limit, offset (this data source's keys only)
//   GET    /models/<key>                      history, active version, metadata
//   POST   /models/<key>/pin                  {"version": n}      Editor or Admin
//   POST   /models/<key>/unpin                                    Editor or Admin
//   POST   /models/<key>/rollback                                 Editor or Admin
//   POST   /models/<key>/train                {"trainingWindow"?, "untilMs"?}  Editor or Admin; 202 {job}
//   DELETE /models/<key>                                          Editor or Admin
//   GET    /jobs                              this data source's training jobs, newest first
//   GET    /jobs/<id>                         one job: state, stage, progress, saved version
//   POST   /backtest                          BacktestRequest -> BacktestAnswer (any role: it changes nothing)
//
// The Prometheus routes proxy editor autocompletion through the data source's PrometheusClient, so
// credentials never leave the backend; answers keep Prometheus' shape ({status, data} or {status:
// "error", errorType, error}, plus `message`, which Grafana's frontend shows). Every answer is JSON:
// unknown paths 404, wrong methods 405 (with Allow), bad parameters and malformed bodies 400, a
// missing role 403. Keys are URL-encoded in the path (encodeURIComponent); a key always ends with
// its label set "}", so the action suffix (/pin, /unpin, /rollback, /train) is unambiguous. The
// wire shapes are src/query/api.ts's. This file routes; prometheusRoutes.ts, modelRoutes.ts,
// trainRoutes.ts and backtestRoute.ts answer.

import { PrometheusError } from '../../prometheus/decode';
import { StoreError } from '../../store';
import type { CallResourceRequest, CallResourceResponse } from '../protocol/messages';
import { backtestRoute } from './backtestRoute';
import { resourcePath } from './basic';
import { prometheusStatus } from './errors';
import { modelsRoute, need } from './modelRoutes';
import { prometheusRoute } from './prometheusRoutes';
import { BacktestLimitError } from './replay';
import { ResourceError } from './resourceError';
import { allow, decodeSegment, jsonBody } from './resourceRequest';
import { SettingsError, type InstanceCache } from './settings';
import { jobsRoute, type TrainingServices } from './trainRoutes';
import { jsonResource, type CallContext, type ResourceResponseSender } from './types';

/** Answers a resource request, or undefined when the path is not one of these routes. */
export async function resourceRoutes(
  cache: InstanceCache,
  req: CallResourceRequest,
  ctx: CallContext,
  training?: TrainingServices
): Promise<CallResourceResponse | undefined> {
  const path = resourcePath(req.path);
  const method = req.method.toUpperCase();
  try {
    if (path === 'prometheus' || path.startsWith('prometheus/')) {
      return await prometheusRoute(cache, req, path.slice('prometheus'.length).replace(/^\//, ''), method, ctx);
    }
    if (path === 'backtest') {
      allow(method, 'backtest', ['POST']);
      return await backtestRoute(cache.get(req.pluginContext), jsonBody(req, BACKTEST_EXAMPLE), ctx.signal);
    }
    if (path === 'jobs' || path.startsWith('jobs/')) {
      const instance = cache.get(req.pluginContext);
      return jobsRoute(need(training), instance, decodeSegment(path.slice('jobs'.length).replace(/^\//, '')), method);
    }
    if (path === 'models' || path.startsWith('models/')) {
      return await modelsRoute(cache, req, path.slice('models'.length).replace(/^\//, ''), method, training);
    }
    return undefined;
  } catch (e) {
    return errorResource(e);
  }
}

/** Serves resourceRoutes; /ping goes to `next` (the basic handlers); anything else is a 404. */
export async function callResource(
  cache: InstanceCache,
  req: CallResourceRequest,
  res: ResourceResponseSender,
  ctx: CallContext,
  next: (req: CallResourceRequest, res: ResourceResponseSender, ctx: CallContext) => Promise<void>,
  training?: TrainingServices
): Promise<void> {
  if (resourcePath(req.path) === 'ping') {
    await next(req, res, ctx);
    return;
  }
  const answer =
    (await resourceRoutes(cache, req, ctx, training)) ??
    errorResource(
      new ResourceError(
        404,
        `no resource at /${resourcePath(req.path)}: use /models, /jobs, /backtest, /prometheus/* or /ping`
      )
    );
  await res.send(answer);
}

export { ResourceError };
const BACKTEST_EXAMPLE =
  '{"query": {"expr": "up", "model": "auto", "thresholds": [{"severity": "warning", "score": 1}], "for": "5m", "refitEvery": "1d"}, "fromMs": 1704067200000, "toMs": 1704672000000}';

// --- errors ---

const STORE_STATUS: Partial<Record<StoreError['code'], number>> = {
  invalid_argument: 400,
  not_found: 404,
  busy: 503,
  closed: 503,
  not_writable: 503,
  cannot_open: 503,
  schema_too_new: 503,
};

/**
 * Any failure as a JSON answer with its status: `error` (and Prometheus' `errorType` when there is
 * one) as in Prometheus' error shape, plus the same text as `message`, which Grafana's frontend
 * shows for a failed request.
 */
export function errorResource(err: unknown): CallResourceResponse {
  const answer = (status: number, error: string, extra: Record<string, unknown> = {}, headers = {}) =>
    jsonResource(status, { status: 'error', ...extra, error, message: error }, headers);
  if (err instanceof ResourceError) {
    return answer(err.status, err.message, {}, err.headers);
  }
  if (err instanceof PrometheusError) {
    const status = err.errorType === 'canceled' ? 499 : prometheusStatus(err);
    return answer(status, err.message, { errorType: err.errorType });
  }
  if (err instanceof SettingsError || err instanceof BacktestLimitError) {
    return answer(400, err.message);
  }
  if (err instanceof StoreError) {
    return answer(STORE_STATUS[err.code] ?? 500, `model store: ${err.message}`, { errorType: err.code });
  }
  const message = err instanceof Error ? err.message : String(err);
  return answer(500, `internal error: ${message}`);
}
