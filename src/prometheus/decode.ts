import type { Series } from '../model/types';

/**
 * Prometheus HTTP API query_range responses to Series. Pure and fetch-free: the caller (Grafana
 * backend, CLI) does the request and hands over the parsed JSON or the body text.
 */

export interface LabelledSeries {
  labels: Record<string, string>;
  series: Series;
}

/**
 * Who a failure belongs to, as Grafana's errorSource: "downstream" for Prometheus and what the
 * user sent it (invalid PromQL, a server that is down, too many points), "plugin" for our bugs.
 */
export type ErrorSource = 'downstream' | 'plugin';

/** An API error response ({status:"error"}), a failed request, or a response this decoder cannot use. */
export class PrometheusError extends Error {
  /** The HTTP status of Prometheus' answer; undefined when there was none (network, timeout, decoding). */
  readonly status: number | undefined;
  readonly source: ErrorSource;

  constructor(
    message: string,
    /**
     * Prometheus' errorType ("bad_data", "execution", "timeout", "unavailable", ...), or one of
     * the client's own: "decode" (unusable response), "network" (not reachable), "canceled",
     * "limit" (too many points or series), "http" (an HTTP error without a Prometheus body).
     */
    readonly errorType: string,
    options: { status?: number; source?: ErrorSource } = {}
  ) {
    super(message);
    this.name = 'PrometheusError';
    this.status = options.status;
    this.source = options.source ?? 'downstream';
  }
}

export interface DecodeOptions {
  /**
   * The query's grid. Prometheus leaves out steps without a sample; with the grid every step
   * from start to end is present and missing ones are NaN, which is how Series marks gaps.
   */
  grid?: { startMs: number; endMs: number; stepMs: number };
}

export function decodeQueryRange(response: unknown, options: DecodeOptions = {}): LabelledSeries[] {
  let body = response;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch (e) {
      throw decodeError(`response is not JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(body)) {
    throw decodeError('response is not a JSON object');
  }
  if (body.status === 'error') {
    const errorType = typeof body.errorType === 'string' ? body.errorType : 'unknown';
    const error = typeof body.error === 'string' ? body.error : 'no error message';
    throw new PrometheusError(`Prometheus error (${errorType}): ${error}`, errorType);
  }
  if (body.status !== 'success') {
    throw decodeError(`unexpected status ${JSON.stringify(body.status)}`);
  }
  const data = body.data;
  if (!isObject(data)) {
    throw decodeError('response has no data object');
  }
  if (data.resultType !== 'matrix') {
    const hint =
      data.resultType === 'vector' || data.resultType === 'scalar' || data.resultType === 'string'
        ? ' (an instant query result): use /api/v1/query_range'
        : '';
    throw decodeError(`expected a range result (resultType "matrix"), got ${JSON.stringify(data.resultType)}${hint}`);
  }
  if (!Array.isArray(data.result)) {
    throw decodeError('data.result is not an array');
  }
  return data.result.map((item: unknown, k: number) => decodeItem(item, k, options));
}

function decodeItem(item: unknown, k: number, options: DecodeOptions): LabelledSeries {
  if (!isObject(item)) {
    throw decodeError(`result ${k} is not an object`);
  }
  const labels: Record<string, string> = {};
  if (item.metric !== undefined) {
    if (!isObject(item.metric)) {
      throw decodeError(`result ${k}: metric is not an object`);
    }
    for (const [name, value] of Object.entries(item.metric)) {
      if (typeof value !== 'string') {
        throw decodeError(`result ${k}: label ${name} is not a string`);
      }
      labels[name] = value;
    }
  }
  const where = `result ${k} (${seriesName(labels)})`;
  const values = item.values ?? [];
  if (!Array.isArray(values)) {
    throw decodeError(`${where}: values is not an array`);
  }
  if (values.length === 0 && Array.isArray(item.histograms) && item.histograms.length > 0) {
    throw decodeError(
      `${where}: native histogram samples are not supported; query a float series (e.g. histogram_quantile)`
    );
  }
  const n = values.length;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const pair: unknown = values[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') {
      throw decodeError(`${where}: sample ${i} is not [unixSeconds, "value"]`);
    }
    const value = parseSampleValue(pair[1]);
    if (value === undefined) {
      throw decodeError(`${where}: sample ${i} has value "${pair[1]}", not a number`);
    }
    // Prometheus sends seconds with ms precision as a float; rounding undoes the float error.
    t[i] = Math.round(pair[0] * 1000);
    v[i] = value;
    if (i > 0 && t[i] <= t[i - 1]) {
      sorted = false;
    }
  }
  let series: Series = { t, v };
  if (!sorted) {
    series = sortSeries(series, where);
  }
  return { labels, series: options.grid === undefined ? series : onGrid(series, options.grid, where) };
}

/** Prometheus sample values: Go float formatting plus "NaN", "+Inf", "-Inf". */
export function parseSampleValue(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  const x = text.trim() === '' ? NaN : Number(text);
  return Number.isNaN(x) ? undefined : x;
}

function sortSeries(series: Series, where: string): Series {
  const order = Array.from({ length: series.t.length }, (_, i) => i).sort((a, b) => series.t[a] - series.t[b]);
  const t = new Float64Array(order.length);
  const v = new Float64Array(order.length);
  order.forEach((i, k) => {
    t[k] = series.t[i];
    v[k] = series.v[i];
    if (k > 0 && t[k] === t[k - 1]) {
      throw decodeError(`${where}: two samples at ${new Date(t[k]).toISOString()}`);
    }
  });
  return { t, v };
}

/**
 * Puts a sparse series (ascending, every sample on the grid) on the full grid: every step from
 * start to end, NaN where there is no sample.
 */
export function onGrid(
  series: Series,
  grid: { startMs: number; endMs: number; stepMs: number },
  where = 'series'
): Series {
  const { startMs, endMs, stepMs } = grid;
  if (!(stepMs > 0) || !(endMs >= startMs)) {
    throw decodeError(`invalid grid: start ${startMs}, end ${endMs}, step ${stepMs}`);
  }
  const n = Math.floor((endMs - startMs) / stepMs) + 1;
  const t = new Float64Array(n);
  const v = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    t[i] = startMs + i * stepMs;
  }
  for (let i = 0; i < series.t.length; i++) {
    const pos = (series.t[i] - startMs) / stepMs;
    const k = Math.round(pos);
    // Sub-ms drift from float seconds is tolerated; a sample between steps is a wrong grid.
    if (k < 0 || k >= n || Math.abs(series.t[i] - t[k]) > 1) {
      throw decodeError(`${where}: sample at ${new Date(series.t[i]).toISOString()} is not on the query grid`);
    }
    v[k] = series.v[i];
  }
  return { t, v };
}

/**
 * Prometheus' text form of a series: `name{a="b", c="d"}`, labels sorted, values escaped as in
 * PromQL strings; `{}` when there is neither name nor labels.
 */
export function seriesName(labels: Record<string, string>): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k])}"`);
  if (rest.length === 0) {
    return name === '' ? '{}' : name;
  }
  return `${name}{${rest.join(', ')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function decodeError(message: string): PrometheusError {
  return new PrometheusError(message, 'decode');
}
