// Reading a CallResource request: methods, query parameters, JSON bodies; and the success answer.

import type { CallResourceRequest, CallResourceResponse } from '../protocol/messages';
import { ResourceError } from './resourceError';
import { jsonResource } from './types';

export function methodNotAllowed(method: string, path: string, allowed: string[]): ResourceError {
  return new ResourceError(405, `method ${method} is not allowed on /${path}: use ${allowed.join(' or ')}`, {
    Allow: allowed.join(', '),
  });
}

export function allow(method: string, path: string, allowed: string[]): void {
  // HEAD is answered like GET (with a body: Grafana drops it).
  const m = method === 'HEAD' ? 'GET' : method;
  if (!allowed.includes(m)) {
    throw methodNotAllowed(method, path, allowed);
  }
}

export function success(data: unknown): CallResourceResponse {
  return jsonResource(200, { status: 'success', data });
}

export function limited<T>(list: T[], params: URLSearchParams): T[] {
  const limit = limitParam(params);
  return limit === undefined ? list : list.slice(0, limit);
}

export function queryParams(req: CallResourceRequest): URLSearchParams {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/** start/end as Prometheus reads them: unix seconds (decimals allowed) or RFC 3339. */
export function rangeFilter(params: URLSearchParams): { startMs?: number; endMs?: number } {
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

export function timeParam(params: URLSearchParams, name: string): number | undefined {
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

export function limitParam(params: URLSearchParams): number | undefined {
  return intParam(params, 'limit', 1, Number.MAX_SAFE_INTEGER);
}

export function intParam(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
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

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ResourceError(400, `malformed URL encoding in ${JSON.stringify(segment)}`);
  }
}

export function jsonBody(req: CallResourceRequest, example: string): Record<string, unknown> {
  const body = optionalJsonBody(req);
  if (body === undefined) {
    throw new ResourceError(400, `the request needs a JSON body, e.g. ${example}`);
  }
  return body;
}

export function optionalJsonBody(req: CallResourceRequest): Record<string, unknown> | undefined {
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
