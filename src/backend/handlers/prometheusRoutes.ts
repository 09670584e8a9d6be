// /prometheus/*: the editor's autocompletion and the browser execution's query_range, proxied through
// the data source's PrometheusClient so credentials never leave the backend.

import { parseDuration } from '../../query/duration';
import type { CallResourceRequest, CallResourceResponse } from '../protocol/messages';
import { ResourceError } from './resourceError';
import {
  allow,
  decodeSegment,
  limited,
  limitParam,
  optionalJsonBody,
  queryParams,
  rangeFilter,
  success,
} from './resourceRequest';
import type { InstanceCache } from './settings';
import { jsonResource, type CallContext } from './types';

export async function prometheusRoute(
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
