// QueryData: each query is migrated and validated, its series fetched from Prometheus (the
// requested range plus some context), each series scored by its stored model, a model trained now
// (panels) or a cold-start model (alerts, which never wait on a long training), and returned as
// frames per requested output. Queries of one request run concurrently, a bounded number at once.

import { alignRange, stepFor } from '../../prometheus/client';
import { seriesName } from '../../prometheus/decode';
import { validateQuery, type ValidQuery } from '../../query/validate';
import type { FieldOutput } from '../../query/types';
import { DEFAULT_CONTEXT_POINTS, DEFAULT_MAX_DATA_POINTS } from '../../query/execute';
import { scoreRange, yieldingCheckpoint } from '../../service/scoreRange';
import type { SeriesModel } from '../../service/seriesModels';
import { encodeFrames, type Notice } from '../frames';
import {
  header,
  type DataQuery,
  type DataResponse,
  type QueryDataRequest,
  type QueryDataResponse,
} from '../protocol/messages';
import { backtestQuery } from './backtestQuery';
import { errorResponse, validationResponse } from './errors';
import { outputFrames } from './outputs';
import { errorKind, type VigilMetrics } from './telemetry';
import { mapLimit } from '../../service/pool';
import { DEFAULT_RESPONSE_LIMIT_BYTES, frameBytes, ResponseBudget } from './responseBudget';
import type { Instance, InstanceCache } from './settings';
import type { CallContext } from './types';

export interface QueryOptions {
  /** Queries of one request run at once. Default 4. */
  concurrency?: number;
  /** Most points before the requested range handed to a model as context. Default 2048. */
  contextPoints?: number;
  /** maxDataPoints when Grafana sends none. Default 1000. */
  defaultMaxDataPoints?: number;
  /** Most bytes of frames one answer carries over all its queries. Default 1.5 GiB. */
  responseLimitBytes?: number;
}

const DEFAULTS: Required<QueryOptions> = {
  concurrency: 4,
  contextPoints: DEFAULT_CONTEXT_POINTS,
  defaultMaxDataPoints: DEFAULT_MAX_DATA_POINTS,
  responseLimitBytes: DEFAULT_RESPONSE_LIMIT_BYTES,
};

/** Grafana sets `FromAlert: true` on alert rule evaluations (header names compared case-insensitively). */
export function isAlertRequest(req: QueryDataRequest): boolean {
  return header(req.headers, 'FromAlert')?.trim().toLowerCase() === 'true';
}

export async function queryData(
  cache: InstanceCache,
  req: QueryDataRequest,
  ctx: CallContext,
  options: QueryOptions = {},
  metrics?: VigilMetrics
): Promise<QueryDataResponse> {
  const opts = { ...DEFAULTS, ...options };
  const out: QueryDataResponse = { responses: {} };
  let instance: Instance;
  try {
    instance = cache.get(req.pluginContext);
  } catch (e) {
    const r = errorResponse(e);
    req.queries.forEach((q) => {
      out.responses[q.refId] = r;
      metrics?.error(errorKind(e));
      metrics?.query(false, 0);
    });
    return out;
  }
  const alert = isAlertRequest(req);
  const budget = new ResponseBudget(opts.responseLimitBytes);
  const responses = await mapLimit(req.queries, opts.concurrency, async (q) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const r = await runQuery(instance, q, alert, ctx, opts, budget, metrics);
      if (r.status !== 200) {
        // Answered with an error without throwing: the query itself is wrong.
        metrics?.error('validation');
      }
      metrics?.query(r.status === 200, seconds());
      return r;
    } catch (e) {
      metrics?.error(errorKind(e));
      metrics?.query(false, seconds());
      const r = errorResponse(e);
      ctx.logger.warn('query failed', {
        refId: q.refId,
        status: r.status,
        errorSource: r.errorSource,
        error: r.error,
        ms: Math.round(performance.now() - started),
      });
      return r;
    }
  });
  req.queries.forEach((q, i) => (out.responses[q.refId] = responses[i]));
  return out;
}

function parseQueryJson(q: DataQuery): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(q.json.toString('utf8'));
  } catch (e) {
    return { ok: false, error: `the query is not valid JSON: ${(e as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: 'the query must be a JSON object' };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

async function runQuery(
  instance: Instance,
  q: DataQuery,
  alert: boolean,
  ctx: CallContext,
  opts: Required<QueryOptions>,
  budget: ResponseBudget,
  metrics?: VigilMetrics
): Promise<DataResponse> {
  const parsed = parseQueryJson(q);
  if (!parsed.ok) {
    return { status: 400, error: parsed.error, errorSource: 'plugin' };
  }
  const raw: Record<string, unknown> = { ...parsed.value, refId: q.refId };
  if (raw.queryType === undefined && q.queryType !== '') {
    raw.queryType = q.queryType;
  }
  const v = validateQuery(raw, instance.defaults);
  if (!v.ok) {
    return validationResponse(v.errors);
  }
  const { fromEpochMS: from, toEpochMS: to } = q.timeRange;
  if (!(Number.isFinite(from) && Number.isFinite(to) && to >= from)) {
    return { status: 400, error: `invalid time range ${from}..${to}`, errorSource: 'plugin' };
  }
  const maxDataPoints = q.maxDataPoints > 0 ? q.maxDataPoints : opts.defaultMaxDataPoints;
  const stepMs = v.stepMs ?? stepFor(from, to, maxDataPoints, Math.max(0, q.intervalMS), v.minStepMs ?? 0);
  const range = alignRange(from, to, stepMs);
  if (v.query.queryType === 'backtest') {
    return backtestQuery(instance, q.refId, v, range, stepMs, alert, ctx, budget);
  }
  return scoreQuery(instance, q.refId, v, range, stepMs, alert, ctx, opts, budget, metrics);
}

async function scoreQuery(
  instance: Instance,
  refId: string,
  v: ValidQuery,
  range: { startMs: number; endMs: number },
  stepMs: number,
  alert: boolean,
  ctx: CallContext,
  opts: Required<QueryOptions>,
  budget: ResponseBudget,
  metrics?: VigilMetrics
): Promise<DataResponse> {
  const expr = v.query.expr;
  const fields: FieldOutput[] = alert ? ['score'] : v.fields;
  const meta = {
    executedQueryString: `${expr} (step ${stepMs / 1000}s)`,
    custom: { stepMs, model: v.query.model, alert },
  };
  const result = await scoreRange({
    prometheus: instance.prometheus,
    store: instance.store(),
    ownerUid: instance.uid,
    expr,
    kind: v.query.model,
    options: v.modelOptions,
    range,
    stepMs,
    // Panels train where nothing loads; alerts never wait on a training and take a cold start instead.
    missing: alert ? 'cold-start' : 'train',
    contextPoints: opts.contextPoints,
    signal: ctx.signal,
    observer: metrics,
    checkpoint: yieldingCheckpoint(ctx.signal),
  });
  const notices: Notice[] = result.warnings.map((text) => ({ severity: 'warning', text: `Prometheus: ${text}` }));
  if (result.series.length === 0) {
    return { status: 200, frames: encodeFrames(outputFrames(refId, [], fields, { ...meta, notices })) };
  }
  result.series.forEach((s, i) => {
    if (result.models[i].model) {
      metrics?.scores(v.query.model, s.out.score, s.from);
    }
  });
  notices.push(...modelNotices(result.models, result.series, alert));
  budget.reserve(frameBytes(result.series, fields.length));
  const frames = outputFrames(refId, result.series, fields, { ...meta, notices }, v.query.legendFormat);
  return { status: 200, frames: encodeFrames(frames) };
}

/** Summaries of how the series were scored, one notice per distinct situation. */
function modelNotices(
  models: Array<SeriesModel | undefined>,
  series: ReadonlyArray<{ labels: Record<string, string> }>,
  alert: boolean
): Notice[] {
  const notices: Notice[] = [];
  const count = (origin: SeriesModel['origin']) => models.filter((m) => m?.origin === origin).length;
  const total = series.length;
  const cold = count('cold-start');
  if (cold > 0) {
    notices.push({
      severity: 'warning',
      text:
        `cold-start model (zscore on recent data, not saved) for ${cold} of ${total} series: ` +
        'no trained model is stored yet; open the query in a panel to train one',
    });
  }
  const trained = count('trained');
  if (trained > 0 && !alert) {
    notices.push({ severity: 'info', text: `trained a model now for ${trained} of ${total} series` });
  }
  const byNote = new Map<string, string[]>();
  models.forEach((m, i) => {
    if (m?.note) {
      const list = byNote.get(m.note) ?? [];
      list.push(seriesName(series[i].labels));
      byNote.set(m.note, list);
    }
  });
  for (const [note, names] of byNote) {
    const which = names.length === 1 ? names[0] : `${names.length} series (e.g. ${names[0]})`;
    notices.push({ severity: 'warning', text: `${which}: ${note}` });
  }
  return notices;
}
