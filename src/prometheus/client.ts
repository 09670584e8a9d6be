import type { Series } from '../model/types';
import { LabelledSeries, PrometheusError, decodeQueryRange, onGrid, parseSampleValue, seriesName } from './decode';
import { scanMatrix, type ScannedMatrix } from './scanMatrix';

/**
 * A Prometheus HTTP API client. Pure and fetch-based: it runs in Node (the backend, the CLI) and
 * in the browser; `fetch` can be injected. Authentication is the caller's: it passes the headers
 * (basic auth, bearer token, custom headers) already computed.
 *
 * Every failure is a PrometheusError with Prometheus' errorType (or the client's own: "network",
 * "timeout", "canceled", "decode", "limit", "http"), the HTTP status when there was an answer, and
 * source "downstream".
 */

/** Prometheus refuses a range query with more than 11,000 steps per series. */
export const PROMETHEUS_MAX_POINTS_PER_REQUEST = 11_000;

export interface QueryLimits {
  /** Most steps one range query may span (across all the requests it is split into). */
  maxPointsPerSeries: number;
  /** Most series one range query may return. */
  maxSeries: number;
  /** Most samples one range query may return over all its series (with `fill`, every step counts). */
  maxTotalPoints: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxPointsPerSeries: 1_000_000,
  maxSeries: 10_000,
  maxTotalPoints: 5_000_000,
};

/** Node's (OpenSSL's) codes for a certificate that does not verify. */
const TLS_TRUST_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/;

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface PrometheusClientOptions {
  /** Base URL, e.g. http://prometheus:9090 or https://host/prometheus (a path prefix is kept). */
  url: string;
  /** Sent with every request: Authorization, X-Scope-OrgID, ... */
  headers?: Record<string, string>;
  /** Per request, including reading the body. Default 30 s. */
  timeoutMs?: number;
  fetch?: FetchFn;
  limits?: Partial<QueryLimits>;
  /** Steps per query_range request; larger ranges are split. Default 11,000 (Prometheus' limit). */
  maxPointsPerRequest?: number;
  /** query_range requests in flight at once for one split query. Default 4. */
  concurrency?: number;
  /**
   * The Accept-Encoding asked of Prometheus: 'none' (identity) or 'gzip'; absent leaves it to the
   * fetch (browsers forbid setting it, Node's fetch asks for gzip). Prometheus compresses with Go's
   * gzip as it writes: on 1.44 M points (a 32 MB answer) that took 2.4 s against 0.35 s plain on
   * the benchmark's Prometheus, so plain is faster on any link above roughly 100 Mbit/s.
   */
  compression?: 'none' | 'gzip';
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface QueryRangeOptions extends RequestOptions {
  /**
   * Put every series on the full grid (every step from start to end, NaN where Prometheus has no
   * sample). Default true: that is how Series marks gaps. False keeps only the samples.
   */
  fill?: boolean;
  /** Overrides the client's limits for this query. */
  limits?: Partial<QueryLimits>;
}

export interface RangeResult {
  /** One per label set, in the order Prometheus first returned them. */
  series: LabelledSeries[];
  /** Prometheus' warnings (and infos), deduplicated. */
  warnings: string[];
  /** How many query_range requests the range was split into. */
  requests: number;
  grid: { startMs: number; endMs: number; stepMs: number };
}

export interface InstantSample {
  labels: Record<string, string>;
  timeMs: number;
  value: number;
}

export type InstantResult =
  | { resultType: 'scalar'; timeMs: number; value: number; warnings: string[] }
  | { resultType: 'string'; timeMs: number; value: string; warnings: string[] }
  | { resultType: 'vector'; samples: InstantSample[]; warnings: string[] }
  | { resultType: 'matrix'; series: LabelledSeries[]; warnings: string[] };

export interface BuildInfo {
  version: string;
  revision?: string;
  branch?: string;
  goVersion?: string;
  [key: string]: unknown;
}

export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

export interface RangeFilter extends RequestOptions {
  startMs?: number;
  endMs?: number;
}

interface ApiAnswer {
  data: unknown;
  warnings: string[];
  /** A query_range body already read by scanMatrix (data is then undefined). */
  matrix?: ScannedMatrix['series'];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class PrometheusClient {
  readonly url: string;
  /** The URL for messages: without credentials, query or fragment. */
  readonly displayUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchFn: FetchFn;
  private readonly limits: QueryLimits;
  private readonly maxPointsPerRequest: number;
  private readonly concurrency: number;
  private readonly acceptEncoding: string | undefined;

  constructor(options: PrometheusClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new PrometheusError(
        `invalid Prometheus URL ${JSON.stringify(options.url)}: use a full URL such as http://localhost:9090`,
        'bad_data'
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new PrometheusError(`invalid Prometheus URL ${options.url}: only http and https are supported`, 'bad_data');
    }
    if (parsed.username !== '' || parsed.password !== '') {
      throw new PrometheusError(
        'the Prometheus URL must not hold credentials: pass basic auth as an Authorization header',
        'bad_data'
      );
    }
    parsed.search = '';
    parsed.hash = '';
    this.url = parsed.toString().replace(/\/+$/, '');
    this.displayUrl = this.url;
    this.headers = { ...(options.headers ?? {}) };
    this.timeoutMs = positive(options.timeoutMs, 30_000, 'timeoutMs');
    if (typeof (options.fetch ?? globalThis.fetch) !== 'function') {
      throw new PrometheusError('no fetch function: pass one in the options', 'bad_data', { source: 'plugin' });
    }
    // Browsers require fetch to be called with globalThis as `this`.
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.limits = resolveLimits(DEFAULT_LIMITS, options.limits);
    this.maxPointsPerRequest = Math.floor(
      positive(options.maxPointsPerRequest, PROMETHEUS_MAX_POINTS_PER_REQUEST, 'maxPointsPerRequest')
    );
    this.concurrency = Math.floor(positive(options.concurrency, 4, 'concurrency'));
    this.acceptEncoding =
      options.compression === undefined ? undefined : options.compression === 'gzip' ? 'gzip' : 'identity';
  }

  /** GET /api/v1/status/buildinfo: the server's version. */
  async buildInfo(options: RequestOptions = {}): Promise<BuildInfo> {
    const { data } = await this.request('GET', '/api/v1/status/buildinfo', new URLSearchParams(), options.signal);
    if (!isObject(data) || typeof data.version !== 'string') {
      throw this.decodeError('buildinfo has no version');
    }
    return data as BuildInfo;
  }

  /** Reachable and evaluating PromQL: the instant query `1+1` must answer the scalar 2. */
  async health(options: RequestOptions = {}): Promise<void> {
    const result = await this.query('1+1', undefined, options);
    if (result.resultType !== 'scalar' || result.value !== 2) {
      throw this.decodeError(`the health query 1+1 did not answer the scalar 2 (got a ${result.resultType})`);
    }
  }

  /** POST /api/v1/query: an instant query at `timeMs` (default: the server's now). */
  async query(expr: string, timeMs?: number, options: RequestOptions = {}): Promise<InstantResult> {
    checkExpr(expr);
    const params = new URLSearchParams({ query: expr });
    if (timeMs !== undefined) {
      params.set('time', seconds(finite(timeMs, 'time')));
    }
    const { data, warnings } = await this.request('POST', '/api/v1/query', params, options.signal);
    return this.decodeInstant(data, warnings);
  }

  /**
   * POST /api/v1/query_range from start to end (inclusive) every step. A range over
   * `maxPointsPerRequest` steps is split into consecutive requests on the same grid, and the
   * series are stitched back by label set.
   */
  async queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options: QueryRangeOptions = {}
  ): Promise<RangeResult> {
    checkExpr(expr);
    // The API has millisecond precision.
    startMs = Math.round(finite(startMs, 'start'));
    endMs = Math.round(finite(endMs, 'end'));
    if (!(Number.isFinite(stepMs) && stepMs >= 1)) {
      throw new PrometheusError(`invalid step ${stepMs} ms: it must be at least 1 ms`, 'bad_data');
    }
    stepMs = Math.round(stepMs);
    if (endMs < startMs) {
      throw new PrometheusError(`invalid range: end ${iso(endMs)} is before start ${iso(startMs)}`, 'bad_data');
    }
    const limits = resolveLimits(this.limits, options.limits);
    const points = Math.floor((endMs - startMs) / stepMs) + 1;
    const grid = { startMs, endMs: startMs + (points - 1) * stepMs, stepMs };
    checkPointsPerSeries(points, stepMs, limits);

    const chunks: Array<{ startMs: number; endMs: number }> = [];
    for (let first = 0; first < points; first += this.maxPointsPerRequest) {
      const last = Math.min(points, first + this.maxPointsPerRequest) - 1;
      chunks.push({ startMs: startMs + first * stepMs, endMs: startMs + last * stepMs });
    }

    // One failed chunk stops the others.
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    if (options.signal?.aborted) {
      throw canceled();
    }
    options.signal?.addEventListener('abort', onAbort);
    const results: Array<LabelledSeries[] | undefined> = new Array(chunks.length);
    const warnings = new Set<string>();
    const seen = new Map<string, true>();
    let samples = 0;
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const k = next++;
        const chunk = chunks[k];
        const params = new URLSearchParams({
          query: expr,
          start: seconds(chunk.startMs),
          end: seconds(chunk.endMs),
          step: seconds(stepMs),
        });
        const answer = await this.request('POST', '/api/v1/query_range', params, inner.signal, options.signal, true);
        answer.warnings.forEach((w) => warnings.add(w));
        const decoded = answer.matrix ?? this.decodeMatrix(answer.data);
        for (const s of decoded) {
          seen.set(seriesName(s.labels), true);
          samples += s.series.t.length;
        }
        checkSeries(seen.size, limits);
        checkTotal(samples, limits);
        results[k] = decoded;
      }
    };
    try {
      const workers = Array.from({ length: Math.min(this.concurrency, chunks.length) }, () =>
        worker().catch((e) => {
          inner.abort();
          throw e;
        })
      );
      const settled = await Promise.allSettled(workers);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed !== undefined) {
        // Report the first real failure, not the cancellations it caused.
        const real = settled.find(
          (s): s is PromiseRejectedResult =>
            s.status === 'rejected' && !(s.reason instanceof PrometheusError && s.reason.errorType === 'canceled')
        );
        throw (real ?? failed).reason;
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }

    const series = stitch(results as LabelledSeries[][], grid);
    const fill = options.fill ?? true;
    if (fill) {
      checkTotal(series.length * points, limits);
    }
    return {
      series: fill
        ? series.map((s) => ({ labels: s.labels, series: onGrid(s.series, grid, seriesName(s.labels)) }))
        : series,
      warnings: [...warnings],
      requests: chunks.length,
      grid,
    };
  }

  /** POST /api/v1/labels: label names, optionally of the series matching `match` in a range. */
  async labels(match: string[] = [], options: RangeFilter = {}): Promise<string[]> {
    const params = rangeParams(match, options);
    const { data } = await this.request('POST', '/api/v1/labels', params, options.signal);
    return this.stringList(data, 'labels');
  }

  /** GET /api/v1/label/<name>/values: the values of one label. */
  async labelValues(name: string, match?: string | string[], options: RangeFilter = {}): Promise<string[]> {
    if (typeof name !== 'string' || name === '') {
      throw new PrometheusError(`invalid label name ${JSON.stringify(name)}: it must not be empty`, 'bad_data');
    }
    const params = rangeParams(match === undefined ? [] : Array.isArray(match) ? match : [match], options);
    const { data } = await this.request(
      'GET',
      `/api/v1/label/${encodeURIComponent(escapeLabelName(name))}/values`,
      params,
      options.signal
    );
    return this.stringList(data, 'label values');
  }

  /** POST /api/v1/series: the label sets of the series matching any of `match`. */
  async series(
    match: string[],
    startMs?: number,
    endMs?: number,
    options: RequestOptions = {}
  ): Promise<Array<Record<string, string>>> {
    if (!Array.isArray(match) || match.length === 0 || match.some((m) => typeof m !== 'string' || m.trim() === '')) {
      throw new PrometheusError('series needs at least one non-empty series selector (match[])', 'bad_data');
    }
    const params = rangeParams(match, { startMs, endMs });
    const { data } = await this.request('POST', '/api/v1/series', params, options.signal);
    if (
      !Array.isArray(data) ||
      !data.every((d) => isObject(d) && Object.values(d).every((v) => typeof v === 'string'))
    ) {
      throw this.decodeError('series: data is not a list of label sets');
    }
    return data as Array<Record<string, string>>;
  }

  /**
   * GET /api/v1/metadata: type, help and unit per metric name (of one metric when given). The
   * metadata comes from scraped targets; backfilled series have none.
   */
  async metadata(
    metric?: string,
    options: RequestOptions & { limit?: number } = {}
  ): Promise<Record<string, MetricMetadata[]>> {
    const params = new URLSearchParams();
    if (metric !== undefined) {
      params.set('metric', metric);
    }
    if (options.limit !== undefined) {
      params.set('limit', String(Math.floor(positive(options.limit, 0, 'limit'))));
    }
    const { data } = await this.request('GET', '/api/v1/metadata', params, options.signal);
    if (!isObject(data)) {
      throw this.decodeError('metadata: data is not an object');
    }
    const out: Record<string, MetricMetadata[]> = {};
    for (const [name, entries] of Object.entries(data)) {
      if (!Array.isArray(entries)) {
        throw this.decodeError(`metadata of ${name} is not a list`);
      }
      out[name] = entries.map((e: unknown) => {
        const m = isObject(e) ? e : {};
        return {
          type: typeof m.type === 'string' ? m.type : '',
          help: typeof m.help === 'string' ? m.help : '',
          unit: typeof m.unit === 'string' ? m.unit : '',
        };
      });
    }
    return out;
  }

  // --- transport ---

  private async request(
    method: 'GET' | 'POST',
    path: string,
    params: URLSearchParams,
    signal?: AbortSignal,
    callerSignal: AbortSignal | undefined = signal,
    matrix = false
  ): Promise<ApiAnswer> {
    const query = params.toString();
    const url = this.url + path + (method === 'GET' && query !== '' ? `?${query}` : '');
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(this.acceptEncoding && { 'Accept-Encoding': this.acceptEncoding }),
      ...this.headers,
    };
    const init: RequestInit = { method, headers };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = query;
    }
    if (signal?.aborted) {
      throw canceled();
    }
    const controller = new AbortController();
    init.signal = controller.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);

    let status: number;
    let text: string;
    let contentType: string;
    try {
      const response = await this.fetchFn(url, init);
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      text = await response.text();
    } catch (e) {
      if (timedOut) {
        throw new PrometheusError(
          `Prometheus at ${this.displayUrl} did not answer within ${formatSeconds(this.timeoutMs)} s`,
          'timeout'
        );
      }
      if (signal?.aborted || callerSignal?.aborted) {
        throw canceled();
      }
      throw this.networkError(e);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    const scanned = matrix && status >= 200 && status < 300 ? scanMatrix(text) : undefined;
    if (scanned) {
      return { data: undefined, warnings: scanned.warnings, matrix: scanned.series };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.nonJsonError(status, contentType, text);
    }
    if (!isObject(body)) {
      throw this.nonJsonError(status, contentType, text);
    }
    if (body.status === 'error' || status < 200 || status >= 300) {
      throw this.apiError(status, body);
    }
    if (body.status !== 'success') {
      throw this.decodeError(`unexpected status ${JSON.stringify(body.status)}`, status);
    }
    const warnings = [body.warnings, body.infos]
      .flatMap((w) => (Array.isArray(w) ? w : []))
      .filter((w): w is string => typeof w === 'string');
    return { data: body.data, warnings };
  }

  private apiError(status: number, body: Record<string, unknown>): PrometheusError {
    const errorType = typeof body.errorType === 'string' && body.errorType !== '' ? body.errorType : 'http';
    const error = typeof body.error === 'string' && body.error !== '' ? body.error : `HTTP ${status}`;
    let message: string;
    switch (errorType) {
      case 'bad_data':
        message = `Prometheus rejected the query: ${error}`;
        break;
      case 'execution':
        message = `Prometheus could not execute the query: ${error}`;
        break;
      case 'timeout':
        message = `Prometheus timed out evaluating the query: ${error}`;
        break;
      case 'canceled':
        message = `Prometheus canceled the query: ${error}`;
        break;
      case 'unavailable':
        message = `Prometheus at ${this.displayUrl} is unavailable: ${error}`;
        break;
      default:
        message = `Prometheus error (${errorType}, HTTP ${status}): ${error}`;
    }
    return new PrometheusError(message, errorType, { status });
  }

  private nonJsonError(status: number, contentType: string, text: string): PrometheusError {
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    const shown =
      snippet === '' ? 'an empty body' : `a non-JSON body (${contentType || 'no content type'}): ${snippet}`;
    let hint = '';
    if (status === 401 || status === 403) {
      hint = ': check the credentials';
    } else if (status === 404) {
      hint = ': is this the URL of a Prometheus server (without /api/v1)?';
    } else if (status === 502 || status === 503 || status === 504) {
      hint = ': Prometheus or a proxy in front of it is unavailable';
    } else if (status >= 200 && status < 300) {
      hint = ': is this the URL of a Prometheus server?';
    }
    return new PrometheusError(
      `Prometheus at ${this.displayUrl} answered HTTP ${status} with ${shown}${hint}`,
      status >= 200 && status < 300 ? 'decode' : 'http',
      {
        status,
      }
    );
  }

  private networkError(e: unknown): PrometheusError {
    const err = e as {
      message?: string;
      cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> };
    };
    const cause = err?.cause;
    const code = cause?.code ?? cause?.errors?.find((x) => x?.code)?.code;
    const detail = code ?? cause?.message ?? err?.message ?? String(e);
    if (code !== undefined && TLS_TRUST_CODES.test(code)) {
      // Reachable, but its certificate is not trusted: "not reachable" would send the user to the network.
      // Node appends advice about its own flags after a ';': not for a plugin user.
      const why = cause?.message?.split(';')[0].trim();
      return new PrometheusError(
        `the TLS certificate of Prometheus at ${this.displayUrl} is not trusted (${code}` +
          `${why && why !== code ? `: ${why}` : ''}): ` +
          'add the CA certificate that signed it in the TLS settings, or turn on skip TLS verification',
        'network'
      );
    }
    return new PrometheusError(`Prometheus at ${this.displayUrl} is not reachable (${detail})`, 'network');
  }

  private decodeError(message: string, status?: number): PrometheusError {
    return new PrometheusError(`unexpected answer from Prometheus at ${this.displayUrl}: ${message}`, 'decode', {
      status,
    });
  }

  // --- decoding ---

  private decodeMatrix(data: unknown): LabelledSeries[] {
    return decodeQueryRange({ status: 'success', data });
  }

  private decodeInstant(data: unknown, warnings: string[]): InstantResult {
    if (!isObject(data)) {
      throw this.decodeError('query: no data object');
    }
    const result = data.result;
    switch (data.resultType) {
      case 'scalar':
      case 'string': {
        if (
          !Array.isArray(result) ||
          result.length !== 2 ||
          typeof result[0] !== 'number' ||
          typeof result[1] !== 'string'
        ) {
          throw this.decodeError(`query: ${data.resultType} result is not [unixSeconds, "value"]`);
        }
        const timeMs = Math.round(result[0] * 1000);
        if (data.resultType === 'string') {
          return { resultType: 'string', timeMs, value: result[1], warnings };
        }
        return {
          resultType: 'scalar',
          timeMs,
          value: parseValue(result[1], () => this.decodeError(`query: scalar "${result[1]}" is not a number`)),
          warnings,
        };
      }
      case 'vector': {
        if (!Array.isArray(result)) {
          throw this.decodeError('query: vector result is not a list');
        }
        const samples = result.map((item: unknown, k: number): InstantSample => {
          if (!isObject(item) || !Array.isArray(item.value) || item.value.length !== 2) {
            if (isObject(item) && item.histogram !== undefined) {
              throw this.decodeError(`query: sample ${k} is a native histogram; query a float series`);
            }
            throw this.decodeError(`query: sample ${k} is not {metric, value}`);
          }
          const [t, v] = item.value as unknown[];
          const labels = isObject(item.metric) ? (item.metric as Record<string, string>) : {};
          if (typeof t !== 'number' || typeof v !== 'string') {
            throw this.decodeError(`query: sample ${k} is not [unixSeconds, "value"]`);
          }
          return {
            labels,
            timeMs: Math.round(t * 1000),
            value: parseValue(v, () => this.decodeError(`query: sample ${k} value "${v}" is not a number`)),
          };
        });
        return { resultType: 'vector', samples, warnings };
      }
      case 'matrix':
        return { resultType: 'matrix', series: this.decodeMatrix(data), warnings };
      default:
        throw this.decodeError(`query: unknown resultType ${JSON.stringify(data.resultType)}`);
    }
  }

  private stringList(data: unknown, what: string): string[] {
    if (!Array.isArray(data) || !data.every((x) => typeof x === 'string')) {
      throw this.decodeError(`${what}: data is not a list of strings`);
    }
    return data as string[];
  }
}

/**
 * The step of a range query the way Grafana's Prometheus data source picks it: at least the
 * interval (Grafana's intervalMs) and the minimum step (the data source's scrape interval or the
 * query's min step), and coarse enough for at most `maxDataPoints` points, rounded up to a nice
 * step (1s, 2s, 5s, 10s, 15s, 20s, 30s, 1m, ...). Unlike Grafana there is no floor at range/11,000:
 * the client splits such ranges instead; and the nice step is rounded up, not to the nearest, so
 * the point count never exceeds maxDataPoints.
 */
export function stepFor(startMs: number, endMs: number, maxDataPoints: number, intervalMs = 0, minStepMs = 0): number {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs < startMs) {
    throw new PrometheusError(`invalid time range ${startMs}..${endMs}`, 'bad_data');
  }
  if (!(Number.isFinite(maxDataPoints) && maxDataPoints >= 1)) {
    throw new PrometheusError(`invalid maxDataPoints ${maxDataPoints}: it must be at least 1`, 'bad_data');
  }
  if (!(intervalMs >= 0) || !(minStepMs >= 0) || !Number.isFinite(intervalMs) || !Number.isFinite(minStepMs)) {
    throw new PrometheusError(`invalid interval ${intervalMs} ms or min step ${minStepMs} ms`, 'bad_data');
  }
  const range = endMs - startMs;
  const maxPoints = Math.floor(maxDataPoints);
  const floor = Math.max(intervalMs, minStepMs, 1);
  const fits = (step: number) => Math.floor(range / step) + 1 <= maxPoints;
  if (fits(floor)) {
    return floor;
  }
  const nice = NICE_STEPS_MS.find((s) => s >= floor && fits(s));
  if (nice !== undefined) {
    return nice;
  }
  const year = NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
  let step = Math.ceil(range / maxPoints / year) * year;
  while (!fits(step)) {
    step += year;
  }
  return step;
}

/** Start and end floored to a multiple of the step, as Grafana aligns range queries: stable grids across refreshes. */
export function alignRange(startMs: number, endMs: number, stepMs: number): { startMs: number; endMs: number } {
  return { startMs: Math.floor(startMs / stepMs) * stepMs, endMs: Math.floor(endMs / stepMs) * stepMs };
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Grafana's interval table (pkg/.../intervalv2 roundInterval). */
export const NICE_STEPS_MS: readonly number[] = [
  10,
  20,
  50,
  100,
  200,
  500,
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  20 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  20 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  7 * D,
  30 * D,
  365 * D,
];

// --- limits ---

function resolveLimits(base: QueryLimits, override?: Partial<QueryLimits>): QueryLimits {
  const out = { ...base };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof QueryLimits>) {
    const v = override?.[key];
    if (v !== undefined) {
      out[key] = Math.floor(positive(v, 0, key));
    }
  }
  return out;
}

function checkPointsPerSeries(points: number, stepMs: number, limits: QueryLimits): void {
  if (points > limits.maxPointsPerSeries) {
    throw new PrometheusError(
      `too many points: the range at a ${formatSeconds(stepMs)} s step needs ${points} points per series, ` +
        `the limit is ${limits.maxPointsPerSeries}; use a larger step or a shorter range`,
      'limit'
    );
  }
}

function checkSeries(count: number, limits: QueryLimits): void {
  if (count > limits.maxSeries) {
    throw new PrometheusError(
      `too many series: the query returns more than ${limits.maxSeries} series; narrow it with label matchers or aggregate (sum by ...)`,
      'limit'
    );
  }
}

function checkTotal(count: number, limits: QueryLimits): void {
  if (count > limits.maxTotalPoints) {
    throw new PrometheusError(
      `too many points: the query returns ${count} points over all series, the limit is ${limits.maxTotalPoints}; ` +
        'use fewer series, a larger step or a shorter range',
      'limit'
    );
  }
}

// --- stitching ---

/**
 * Joins the per-chunk results by label set. Chunks are consecutive and disjoint; a sample at or
 * before the last one kept (a boundary point sent twice) or outside the grid is dropped.
 */
function stitch(chunks: LabelledSeries[][], grid: { startMs: number; endMs: number }): LabelledSeries[] {
  const byKey = new Map<string, { labels: Record<string, string>; parts: Series[] }>();
  for (const chunk of chunks) {
    for (const s of chunk) {
      const key = seriesName(s.labels);
      let entry = byKey.get(key);
      if (entry === undefined) {
        entry = { labels: s.labels, parts: [] };
        byKey.set(key, entry);
      }
      entry.parts.push(s.series);
    }
  }
  return [...byKey.values()].map(({ labels, parts }) => {
    const n = parts.reduce((sum, p) => sum + p.t.length, 0);
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    let k = 0;
    for (const p of parts) {
      for (let i = 0; i < p.t.length; i++) {
        if ((k > 0 && p.t[i] <= t[k - 1]) || p.t[i] < grid.startMs || p.t[i] > grid.endMs) {
          continue;
        }
        t[k] = p.t[i];
        v[k] = p.v[i];
        k++;
      }
    }
    return { labels, series: { t: t.slice(0, k), v: v.slice(0, k) } };
  });
}

// --- small helpers ---

/**
 * A label name for the label values path: classic names as they are, UTF-8 names (Prometheus 3,
 * e.g. OpenTelemetry's "http.method") in Prometheus' U__ value-encoding escaping.
 */
export function escapeLabelName(name: string): string {
  if (LABEL_NAME.test(name)) {
    return name;
  }
  let out = 'U__';
  let i = 0;
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (ch === '_') {
      out += '__';
    } else if (/[a-zA-Z:]/.test(ch) || (i > 0 && /[0-9]/.test(ch))) {
      out += ch;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '_FFFD_'; // a lone surrogate: not valid UTF-8
    } else {
      out += `_${code.toString(16)}_`;
    }
    i++;
  }
  return out;
}

function checkExpr(expr: string): void {
  if (typeof expr !== 'string' || expr.trim() === '') {
    throw new PrometheusError('empty query: write a PromQL expression', 'bad_data');
  }
}

function rangeParams(match: string[], options: { startMs?: number; endMs?: number }): URLSearchParams {
  const params = new URLSearchParams();
  for (const m of match) {
    params.append('match[]', m);
  }
  if (options.startMs !== undefined) {
    params.set('start', seconds(finite(options.startMs, 'start')));
  }
  if (options.endMs !== undefined) {
    params.set('end', seconds(finite(options.endMs, 'end')));
  }
  return params;
}

/** Epoch ms as the seconds Prometheus reads (ms precision, no float noise). */
function seconds(ms: number): string {
  return (Math.round(ms) / 1000).toFixed(3).replace(/\.?0+$/, '');
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

function finite(x: number, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new PrometheusError(`invalid ${what} ${String(x)}: epoch milliseconds expected`, 'bad_data');
  }
  return x;
}

function positive(x: number | undefined, fallback: number, what: string): number {
  if (x === undefined) {
    return fallback;
  }
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new PrometheusError(`invalid ${what} ${String(x)}: a positive number expected`, 'bad_data', {
      source: 'plugin',
    });
  }
  return x;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function parseValue(text: string, error: () => PrometheusError): number {
  const x = parseSampleValue(text);
  if (x === undefined) {
    throw error();
  }
  return x;
}

function canceled(): PrometheusError {
  return new PrometheusError('the Prometheus request was canceled', 'canceled');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
