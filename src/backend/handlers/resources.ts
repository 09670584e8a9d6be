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
// wire shapes are src/query/api.ts's; trainRoutes.ts and backtestRoute.ts answer the newer routes.

import { PrometheusError } from '../../prometheus/decode';
import { parseDuration } from '../../query/duration';
import { datasourcePrefix, StoreError, type ModelStore } from '../../store';
import type { CallResourceRequest, CallResourceResponse, PluginContext } from '../protocol/messages';
import { backtestRoute } from './backtestRoute';
import { resourcePath } from './basic';
import { prometheusStatus } from './errors';
import { BacktestLimitError } from './replay';
import { ResourceError } from './resourceError';
import { SettingsError, type Instance, type InstanceCache } from './settings';
import { jobsRoute, trainRoute, type TrainingServices } from './trainRoutes';
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

function methodNotAllowed(method: string, path: string, allowed: string[]): ResourceError {
  return new ResourceError(405, `method ${method} is not allowed on /${path}: use ${allowed.join(' or ')}`, {
    Allow: allowed.join(', '),
  });
}

function allow(method: string, path: string, allowed: string[]): void {
  // HEAD is answered like GET (with a body: Grafana drops it).
  const m = method === 'HEAD' ? 'GET' : method;
  if (!allowed.includes(m)) {
    throw methodNotAllowed(method, path, allowed);
  }
}

// --- /prometheus/* ---

async function prometheusRoute(
  cache: InstanceCache,
  req: CallResourceRequest,
  sub: string,
  method: string,
  ctx: CallContext
): Promise<CallResourceResponse> {
  const params = queryParams(req);
  const signal = ctx.signal;
  const where = `prometheus/${sub}`;
  if (sub === 'labels') {
    allow(method, where, ['GET']);
    const instance = cache.get(req.pluginContext);
    const range = rangeFilter(params);
    const names = await instance.prometheus.labels(params.getAll('match[]'), { ...range, signal });
    return success(limited(names, params));
  }
  const values = /^label\/([^/]+)\/values$/.exec(sub);
  if (values) {
    allow(method, where, ['GET']);
    const name = decodeSegment(values[1]);
    const instance = cache.get(req.pluginContext);
    const range = rangeFilter(params);
    const list = await instance.prometheus.labelValues(name, params.getAll('match[]'), { ...range, signal });
    return success(limited(list, params));
  }
  if (sub === 'series') {
    allow(method, where, ['GET']);
    const match = params.getAll('match[]');
    if (match.length === 0) {
      throw new ResourceError(400, 'series needs at least one match[] series selector, e.g. match[]=up');
    }
    const instance = cache.get(req.pluginContext);
    const range = rangeFilter(params);
    const series = await instance.prometheus.series(match, range.startMs, range.endMs, { signal });
    return success(limited(series, params));
  }
  if (sub === 'metadata') {
    allow(method, where, ['GET']);
    const limit = limitParam(params);
    const metric = params.get('metric');
    const instance = cache.get(req.pluginContext);
    const data = await instance.prometheus.metadata(metric === null || metric === '' ? undefined : metric, {
      signal,
      ...(limit !== undefined && { limit }),
    });
    return success(data);
  }
  if (sub === 'query_range') {
    allow(method, where, ['GET', 'POST']);
    return queryRange(cache, req, method === 'POST' ? withBody(params, req) : params, signal);
  }
  throw new ResourceError(
    404,
    `no resource at /${where}: use /prometheus/labels, /prometheus/label/<name>/values, /prometheus/series, /prometheus/metadata or /prometheus/query_range`
  );
}

/**
 * A range query for browser execution, answered in Prometheus' matrix shape so the browser decodes
 * it with the same client code as the backend. Only the samples Prometheus returned are sent (the
 * client puts them on the grid); values are written in shortest round-trip form, so they decode to
 * the very same doubles the backend would score.
 */
async function queryRange(
  cache: InstanceCache,
  req: CallResourceRequest,
  params: URLSearchParams,
  signal: AbortSignal
): Promise<CallResourceResponse> {
  const query = params.get('query');
  if (query === null || query.trim() === '') {
    throw new ResourceError(400, 'query_range needs a PromQL query, e.g. query=up');
  }
  const range = rangeFilter(params);
  if (range.startMs === undefined || range.endMs === undefined) {
    throw new ResourceError(400, 'query_range needs start and end (unix seconds or RFC 3339)');
  }
  const stepMs = stepParam(params.get('step'));
  const instance = cache.get(req.pluginContext);
  const result = await instance.prometheus.queryRange(query, range.startMs, range.endMs, stepMs, {
    fill: false,
    signal,
  });
  const matrix = result.series.map((s) => ({
    metric: s.labels,
    values: Array.from(s.series.t, (t, i) => [t / 1000, sampleText(s.series.v[i])]),
  }));
  return jsonResource(200, {
    status: 'success',
    data: { resultType: 'matrix', result: matrix },
    ...(result.warnings.length > 0 && { warnings: result.warnings }),
  });
}

/** step as Prometheus reads it: seconds (decimals allowed) or a duration such as 15s. */
function stepParam(raw: string | null): number {
  const text = (raw ?? '').trim();
  let ms = NaN;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Math.round(Number(text) * 1000);
  } else if (text !== '') {
    try {
      ms = parseDuration(text);
    } catch {
      // reported below
    }
  }
  if (!(ms >= 1)) {
    throw new ResourceError(
      400,
      `invalid step ${JSON.stringify(raw ?? '')}: use seconds (e.g. 60) or a duration (e.g. 1m)`
    );
  }
  return ms;
}

function sampleText(v: number): string {
  if (Number.isNaN(v)) {
    return 'NaN';
  }
  if (v === Infinity) {
    return '+Inf';
  }
  return v === -Infinity ? '-Inf' : String(v);
}

/** The URL parameters with a POST body's over them: form-encoded as Prometheus takes it, or a JSON object. */
function withBody(params: URLSearchParams, req: CallResourceRequest): URLSearchParams {
  const text = Buffer.from(req.body ?? [])
    .toString('utf8')
    .trim();
  const out = new URLSearchParams(params);
  if (text === '') {
    return out;
  }
  let body: URLSearchParams;
  if (text.startsWith('{')) {
    const json = optionalJsonBody(req) ?? {};
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(json)) {
      if (typeof v === 'string' || typeof v === 'number') {
        body.set(k, String(v));
      }
    }
  } else {
    body = new URLSearchParams(text);
  }
  body.forEach((v, k) => out.set(k, v));
  return out;
}

function success(data: unknown): CallResourceResponse {
  return jsonResource(200, { status: 'success', data });
}

function limited<T>(list: T[], params: URLSearchParams): T[] {
  const limit = limitParam(params);
  return limit === undefined ? list : list.slice(0, limit);
}

function queryParams(req: CallResourceRequest): URLSearchParams {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/** start/end as Prometheus reads them: unix seconds (decimals allowed) or RFC 3339. */
function rangeFilter(params: URLSearchParams): { startMs?: number; endMs?: number } {
  const out: { startMs?: number; endMs?: number } = {};
  const start = timeParam(params, 'start');
  const end = timeParam(params, 'end');
  if (start !== undefined) {
    out.startMs = start;
  }
  if (end !== undefined) {
    out.endMs = end;
  }
  if (start !== undefined && end !== undefined && end < start) {
    throw new ResourceError(400, `invalid range: end ${params.get('end')} is before start ${params.get('start')}`);
  }
  return out;
}

function timeParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw.trim() === '') {
    return undefined;
  }
  const text = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) {
      return ms;
    }
  }
  throw new ResourceError(
    400,
    `invalid ${name} ${JSON.stringify(raw)}: use unix seconds (e.g. 1704067200) or RFC 3339 (e.g. 2024-01-01T00:00:00Z)`
  );
}

function limitParam(params: URLSearchParams): number | undefined {
  return intParam(params, 'limit', 1, Number.MAX_SAFE_INTEGER);
}

function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw.trim() === '') {
    return undefined;
  }
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new ResourceError(400, `invalid ${name} ${JSON.stringify(raw)}: an integer ${range}`);
  }
  return n;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ResourceError(400, `malformed URL encoding in ${JSON.stringify(segment)}`);
  }
}

// --- /models ---

const MAX_LIST_LIMIT = 10_000;
const ACTIONS = ['pin', 'unpin', 'rollback', 'train'] as const;
type Action = (typeof ACTIONS)[number];

async function modelsRoute(
  cache: InstanceCache,
  req: CallResourceRequest,
  sub: string,
  method: string,
  training?: TrainingServices
): Promise<CallResourceResponse> {
  if (sub === '') {
    allow(method, 'models', ['GET']);
    const instance = cache.get(req.pluginContext);
    return listModels(instance, queryParams(req));
  }
  let rawKey = sub;
  let action: Action | undefined;
  for (const a of ACTIONS) {
    if (sub.endsWith(`/${a}`)) {
      rawKey = sub.slice(0, -(a.length + 1));
      action = a;
      break;
    }
  }
  if (action !== undefined && method !== 'POST') {
    throw methodNotAllowed(method, `models/<key>/${action}`, ['POST']);
  }
  if (action === undefined) {
    allow(method, 'models/<key>', ['GET', 'DELETE']);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    requireEditor(req.pluginContext, action ?? 'delete');
  }
  let body: Record<string, unknown> | undefined;
  if (action === 'pin') {
    body = jsonBody(req, '{"version": 3}');
  } else if (action === 'train') {
    body = optionalJsonBody(req);
  } else if (action !== undefined) {
    optionalJsonBody(req); // no body needed, but a malformed one is refused
  }
  const instance = cache.get(req.pluginContext);
  const store = instance.store();
  const key = await resolveKey(store, instance, rawKey);
  switch (action) {
    case undefined:
      return method === 'DELETE' ? deleteModel(store, key) : inspectModel(store, key);
    case 'pin': {
      const version = pinVersion(body);
      await store.pin(key, version);
      return modelAnswer(store, key, { pinned: version });
    }
    case 'train':
      return trainRoute(need(training), instance, key, body);
    case 'unpin':
      await store.unpin(key);
      return modelAnswer(store, key, { unpinned: true });
    case 'rollback': {
      let version: number;
      try {
        version = await store.rollback(key);
      } catch (e) {
        // The key exists (resolveKey found it): not_found here means no earlier version.
        if (e instanceof StoreError && e.code === 'not_found') {
          throw new ResourceError(409, e.message);
        }
        throw e;
      }
      return modelAnswer(store, key, { rolledBackTo: version });
    }
  }
}

function requireEditor(pc: PluginContext, what: string): void {
  const role = (pc.user?.role ?? '').toLowerCase();
  if (role !== 'editor' && role !== 'admin') {
    const who = pc.user?.login ? `user ${pc.user.login}` : 'this request';
    const has = pc.user?.role ? `role ${pc.user.role}` : 'no role';
    throw new ResourceError(403, `${what} needs the Editor or Admin role; ${who} has ${has}`);
  }
}

async function listModels(instance: Instance, params: URLSearchParams): Promise<CallResourceResponse> {
  const own = datasourcePrefix(instance.uid);
  const prefix = params.get('prefix') ?? '';
  if (prefix !== '' && !prefix.startsWith(own)) {
    throw new ResourceError(
      400,
      `prefix ${JSON.stringify(prefix)} is outside this data source: its model keys start with ${JSON.stringify(own)}`
    );
  }
  const limit = intParam(params, 'limit', 1, MAX_LIST_LIMIT) ?? 100;
  const offset = intParam(params, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const page = await instance.store().list({ prefix: prefix === '' ? own : prefix, limit, offset });
  return jsonResource(200, { items: page.items, total: page.total, limit, offset });
}

/**
 * The stored key a path segment names, within this data source. Clients send the key encoded with
 * encodeURIComponent; a Grafana that already decoded the path gives it plain. The decoded form is
 * tried first, then the segment as it came.
 */
async function resolveKey(store: ModelStore, instance: Instance, raw: string): Promise<string> {
  if (raw === '') {
    throw new ResourceError(404, 'no model key in the path: use /models/<url-encoded key>');
  }
  const own = datasourcePrefix(instance.uid);
  const candidates: string[] = [];
  try {
    candidates.push(decodeURIComponent(raw));
  } catch {
    // Not percent-encoded: a literal key.
  }
  if (!candidates.includes(raw)) {
    candidates.push(raw);
  }
  for (const key of candidates) {
    if (key.startsWith(own) && (await store.history(key)).length > 0) {
      return key;
    }
  }
  throw new ResourceError(404, `no stored model ${candidates[0]} for data source ${instance.name}`);
}

async function inspectModel(store: ModelStore, key: string): Promise<CallResourceResponse> {
  return modelAnswer(store, key, {});
}

async function modelAnswer(
  store: ModelStore,
  key: string,
  extra: Record<string, unknown>
): Promise<CallResourceResponse> {
  const history = await store.history(key);
  if (history.length === 0) {
    throw new ResourceError(404, `no stored model ${key}`);
  }
  const active = history.find((v) => v.active) ?? history[0];
  const pinned = history.find((v) => v.pinned);
  return jsonResource(200, {
    ...extra,
    key,
    activeVersion: active.version,
    latestVersion: history[0].version,
    pinnedVersion: pinned?.version ?? null,
    active,
    history,
  });
}

async function deleteModel(store: ModelStore, key: string): Promise<CallResourceResponse> {
  const removed = await store.deleteKey(key);
  return jsonResource(200, { key, deleted: true, versionsRemoved: removed });
}

const BACKTEST_EXAMPLE =
  '{"query": {"expr": "up", "model": "auto", "thresholds": [{"severity": "warning", "score": 1}], "for": "5m", "refitEvery": "1d"}, "fromMs": 1704067200000, "toMs": 1704672000000}';

function jsonBody(req: CallResourceRequest, example: string): Record<string, unknown> {
  const body = optionalJsonBody(req);
  if (body === undefined) {
    throw new ResourceError(400, `the request needs a JSON body, e.g. ${example}`);
  }
  return body;
}

function need(training: TrainingServices | undefined): TrainingServices {
  if (!training) {
    throw new ResourceError(501, 'training jobs are not enabled in this backend');
  }
  return training;
}

function optionalJsonBody(req: CallResourceRequest): Record<string, unknown> | undefined {
  const text = Buffer.from(req.body ?? []).toString('utf8');
  if (text.trim() === '') {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ResourceError(400, `the request body is not JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ResourceError(400, 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function pinVersion(body: Record<string, unknown> | undefined): number {
  const v = body?.version;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new ResourceError(400, `"version" must be a version number (an integer from 1), got ${JSON.stringify(v)}`);
  }
  return v;
}

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
