import {
  CoreApp,
  CustomVariableSupport,
  type AnnotationEvent,
  type AnnotationQuery,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getBackendSrv, getTemplateSrv, isFetchError } from '@grafana/runtime';
import { from, lastValueFrom, map, merge, Observable, of } from 'rxjs';
import { PrometheusClient } from '../prometheus/client';
import { defaultQuery } from '../query/defaults';
import { migrateQuery } from '../query/migration';
import type { QueryDefaults, VigilQuery } from '../query/types';
import { validateQuery } from '../query/validate';
import { anomalyAnnotations } from './annotations';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { browserFrames } from './execution/frames';
import type { Compute } from './execution/job';
import { proxyFetch, type SendResource } from './execution/proxyFetch';
import { runInBrowser } from './execution/run';
import { workerCompute } from './execution/workerCompute';
import type { VigilDataSourceOptions, VigilVariableQuery } from './types';
import { runVariableQuery, type SuggestionSource } from './variables';

/** Alert rules always run in the backend, on the score only (DESIGN.md). */
export function isAlerting(app: string | undefined): boolean {
  return app === CoreApp.UnifiedAlerting || app === CoreApp.CloudAlerting;
}

/** Response key of browser-executed results, so Grafana keeps them beside the backend's packet. */
export const BROWSER_KEY = 'vigil-browser';

export class DataSource extends DataSourceWithBackend<VigilQuery, VigilDataSourceOptions> implements SuggestionSource {
  readonly defaults: QueryDefaults;
  /** Where browser-executed queries are scored; replaceable in tests. */
  compute: Compute = workerCompute;
  /** The resource proxy transport; replaceable in tests. */
  sendResource: SendResource = (call) => this.sendViaGrafana(call);

  constructor(instanceSettings: DataSourceInstanceSettings<VigilDataSourceOptions>) {
    super(instanceSettings);
    this.defaults = instanceSettings.jsonData?.defaults ?? {};
    this.annotations = {
      prepareQuery: (anno: AnnotationQuery<VigilQuery>) => this.prepareAnnotationQuery(anno),
      processEvents: (_anno: AnnotationQuery<VigilQuery>, frames: DataFrame[]) =>
        of<AnnotationEvent[]>(anomalyAnnotations(frames)),
    };
    this.variables = new VigilVariableSupport(this);
  }

  override getDefaultQuery(app: CoreApp): Partial<VigilQuery> {
    const { refId: _refId, ...q } = defaultQuery('anomaly', this.defaults);
    return isAlerting(app) ? { ...q, execution: 'backend', outputs: ['score'] } : q;
  }

  /** Queries without an expression are not sent. */
  override filterQuery(query: VigilQuery): boolean {
    const q = migrateQuery(query, this.defaults);
    return !q.hide && typeof q.expr === 'string' && q.expr.trim() !== '';
  }

  override applyTemplateVariables(query: VigilQuery, scopedVars: ScopedVars): VigilQuery {
    const q = migrateQuery(query, this.defaults);
    const srv = getTemplateSrv();
    const replace = (text: string | undefined) =>
      text === undefined ? undefined : srv.replace(text, scopedVars, formatPromValue);
    const out: VigilQuery = { ...q, expr: replace(q.expr) ?? '' };
    for (const key of ['step', 'minStep'] as const) {
      if (q[key] !== undefined) {
        out[key] = srv.replace(q[key], scopedVars);
      }
    }
    if (typeof q.options?.trainingWindow === 'string') {
      out.options = { ...q.options, trainingWindow: srv.replace(q.options.trainingWindow, scopedVars) };
    }
    return out;
  }

  override query(request: DataQueryRequest<VigilQuery>): Observable<DataQueryResponse> {
    const alerting = isAlerting(request.app);
    const migrated = request.targets.map((t) => migrateQuery(t, this.defaults));
    const inBrowser = migrated.filter(
      (q) => !alerting && !q.hide && q.execution === 'browser' && q.queryType === 'anomaly' && this.filterQuery(q)
    );
    const rest = migrated.filter((q) => !inBrowser.includes(q));
    const backendTargets = alerting ? rest.map((q) => ({ ...q, execution: 'backend' as const })) : rest;
    if (inBrowser.length === 0) {
      return super.query({ ...request, targets: backendTargets });
    }
    const streams: Array<Observable<DataQueryResponse>> = [from(this.runBrowserQueries(request, inBrowser))];
    if (backendTargets.length > 0) {
      streams.push(super.query({ ...request, targets: backendTargets }));
    }
    return merge(...streams);
  }

  /** Runs the browser-executed queries (each with its own errors) and answers one packet. */
  async runBrowserQueries(request: DataQueryRequest<VigilQuery>, queries: VigilQuery[]): Promise<DataQueryResponse> {
    const client = new PrometheusClient({
      url: `${globalThis.location?.origin ?? 'http://localhost'}/api/datasources/uid/${this.uid}/resources/prometheus`,
      fetch: proxyFetch(this.sendResource),
    });
    const errors: DataQueryError[] = [];
    const data: DataFrame[] = [];
    await Promise.all(
      queries.map(async (raw) => {
        const q = this.applyTemplateVariables(raw, request.scopedVars);
        const v = validateQuery(q, this.defaults);
        if (!v.ok) {
          errors.push({ refId: q.refId, message: v.errors.map((e) => `${e.field}: ${e.message}`).join('; ') });
          return;
        }
        try {
          const result = await runInBrowser(
            client,
            v,
            {
              fromMs: request.range.from.valueOf(),
              toMs: request.range.to.valueOf(),
              maxDataPoints: request.maxDataPoints,
              intervalMs: request.intervalMs,
            },
            this.compute
          );
          data.push(...browserFrames(q.refId, v, result));
        } catch (e) {
          errors.push({ refId: q.refId, message: errorText(e) });
        }
      })
    );
    return { data, key: BROWSER_KEY, ...(errors.length > 0 && { errors, error: errors[0] }) };
  }

  prepareAnnotationQuery(anno: AnnotationQuery<VigilQuery>): VigilQuery | undefined {
    const target = anno.target;
    if (!target) {
      return undefined;
    }
    const q = migrateQuery({ ...target, refId: target.refId ?? 'Anno' }, this.defaults);
    // The events come from the scores; the anomalies output marks the same points on the series.
    return { ...q, outputs: ['score', 'anomalies'] };
  }

  // --- editor suggestions and variables, through the backend's Prometheus proxy ---

  private rangeParams(range?: TimeRange): Record<string, string> {
    return range ? { start: String(range.from.unix()), end: String(range.to.unix()) } : {};
  }

  async labelNames(match?: string, range?: TimeRange): Promise<string[]> {
    const answer = await this.getResource('prometheus/labels', {
      ...(match && { 'match[]': match }),
      ...this.rangeParams(range),
    });
    return dataList(answer);
  }

  async labelValues(label: string, match?: string, range?: TimeRange): Promise<string[]> {
    const answer = await this.getResource(`prometheus/label/${encodeURIComponent(label)}/values`, {
      ...(match && { 'match[]': match }),
      ...this.rangeParams(range),
    });
    return dataList(answer);
  }

  async metricNames(range?: TimeRange): Promise<string[]> {
    return this.labelValues('__name__', undefined, range);
  }

  /** Label sets of the series a selector matches (for label suggestions inside a selector). */
  async series(match: string, range?: TimeRange): Promise<Array<Record<string, string>>> {
    const answer = await this.getResource('prometheus/series', {
      'match[]': match,
      limit: '1000',
      ...this.rangeParams(range),
    });
    return Array.isArray(answer?.data) ? answer.data : [];
  }

  /** HELP and TYPE per metric, for suggestion details. */
  async metadata(): Promise<Record<string, Array<{ type: string; help: string }>>> {
    const answer = await this.getResource('prometheus/metadata', { limit: '10000' });
    return answer?.data && typeof answer.data === 'object' ? answer.data : {};
  }

  override async metricFindQuery(
    query: string | VigilVariableQuery,
    options?: { range?: TimeRange; scopedVars?: ScopedVars }
  ): Promise<MetricFindValue[]> {
    const text = typeof query === 'string' ? query : query.query;
    const interpolated = getTemplateSrv().replace(text, options?.scopedVars, formatPromValue);
    const range = options?.range;
    return runVariableQuery(
      {
        labelNames: (match) => this.labelNames(match, range),
        labelValues: (label, match) => this.labelValues(label, match, range),
      },
      interpolated
    );
  }

  private async sendViaGrafana(call: Parameters<SendResource>[0]): Promise<{ status: number; data: unknown }> {
    const url = `/api/datasources/uid/${this.uid}/resources/${call.path}${call.query ? `?${call.query}` : ''}`;
    try {
      const r = await lastValueFrom(
        getBackendSrv().fetch<unknown>({
          url,
          method: call.method,
          headers: {
            ...this.getRequestHeaders(),
            ...(call.body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
          },
          ...(call.body !== undefined && { data: call.body }),
          showErrorAlert: false,
          showSuccessAlert: false,
          ...(call.signal && { abortSignal: call.signal }),
        })
      );
      return { status: r.status, data: r.data };
    } catch (e) {
      if (isFetchError(e)) {
        return { status: e.status, data: e.data };
      }
      throw e;
    }
  }
}

export class VigilVariableSupport extends CustomVariableSupport<DataSource, VigilVariableQuery> {
  constructor(private readonly ds: DataSource) {
    super();
  }

  editor = VariableQueryEditor;

  query(request: DataQueryRequest<VigilVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0];
    return from(this.ds.metricFindQuery(target, { range: request.range, scopedVars: request.scopedVars })).pipe(
      map((values) => ({ data: values }))
    );
  }
}

/**
 * Template values in PromQL, as the Prometheus data source writes them: one value as is, several
 * as a regex alternation (for =~ matchers) with regex metacharacters escaped.
 */
export function formatPromValue(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 1 ? String(value[0]) : `(${value.map((v) => escapeRegex(String(v))).join('|')})`;
  }
  return String(value ?? '');
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&');
}

function dataList(answer: unknown): string[] {
  const data = (answer as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data.filter((x): x is string => typeof x === 'string') : [];
}

/** An error as the user should read it; the proxy's message repeats Prometheus' prefix once. */
function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^(Prometheus [^:]+: )\1/, '$1');
}
