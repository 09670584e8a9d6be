// What Grafana provides a plugin at run time, reduced to what Vigil's pages and editors use, backed
// by the harness server (which answers with the real backend handlers). Installed before any
// plugin code runs.
import { Observable } from 'rxjs';
import type { DataSourceInstanceSettings } from '@grafana/data';
import {
  setBackendSrv,
  setDataSourceSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type DataSourceSrv,
  type FetchResponse,
  type TemplateSrv,
} from '@grafana/runtime';

export interface HarnessBoot {
  datasource: DataSourceInstanceSettings;
  user: { login: string; role: string };
}

async function request<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
  let url = options.url;
  if (options.params && Object.keys(options.params).length > 0) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(options.params as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item !== undefined && item !== null) {
          qs.append(k, String(item));
        }
      }
    }
    url += (url.includes('?') ? '&' : '?') + qs.toString();
  }
  const method = (options.method ?? 'GET').toUpperCase();
  const body =
    options.data === undefined
      ? undefined
      : typeof options.data === 'string'
        ? options.data
        : JSON.stringify(options.data);
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(options.headers ?? {}) },
    ...(body !== undefined && method !== 'GET' && { body }),
  });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  const answer = {
    data: data as T,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    headers: res.headers,
    redirected: res.redirected,
    type: res.type,
    url: res.url,
    config: options,
  };
  if (!res.ok) {
    // Grafana's backendSrv rejects with the response, `data.message` being what UIs show.
    throw answer;
  }
  return answer;
}

const backendSrv = {
  fetch: <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((sub) => {
      request<T>(options).then(
        (r) => {
          sub.next(r);
          sub.complete();
        },
        (e) => sub.error(e)
      );
    }),
  datasourceRequest: request,
  request: async <T>(options: BackendSrvRequest) => (await request<T>(options)).data,
  get: async <T>(url: string, params?: Record<string, unknown>) =>
    (await request<T>({ url, params, method: 'GET' })).data,
  delete: async <T>(url: string, data?: unknown) => (await request<T>({ url, data, method: 'DELETE' })).data,
  post: async <T>(url: string, data?: unknown) => (await request<T>({ url, data, method: 'POST' })).data,
  put: async <T>(url: string, data?: unknown) => (await request<T>({ url, data, method: 'PUT' })).data,
  patch: async <T>(url: string, data?: unknown) => (await request<T>({ url, data, method: 'PATCH' })).data,
  resolveCancelerIfExists: () => undefined,
  chunked: () => {
    throw new Error('chunked requests are not available in the harness');
  },
} as unknown as BackendSrv;

export function installGrafanaServices(boot: HarnessBoot, datasourceApi: () => unknown): void {
  setBackendSrv(backendSrv);
  const settings = boot.datasource;
  const matches = (ref: unknown) =>
    ref === undefined ||
    ref === null ||
    ref === settings.uid ||
    ref === settings.name ||
    (typeof ref === 'object' && (ref as { uid?: string }).uid === settings.uid);
  const srv = {
    get: async (ref?: unknown) => {
      if (!matches(ref)) {
        throw new Error(`data source ${JSON.stringify(ref)} not found`);
      }
      return datasourceApi();
    },
    getList: (filters?: { type?: string | string[] }) => {
      const want = filters?.type;
      const types = want === undefined ? undefined : Array.isArray(want) ? want : [want];
      return !types || types.includes(settings.type) ? [settings] : [];
    },
    getInstanceSettings: (ref?: unknown) => (matches(ref) ? settings : undefined),
    reload: async () => undefined,
    registerRuntimeDataSource: () => undefined,
  } as unknown as DataSourceSrv;
  setDataSourceSrv(srv);
  // A dashboard without variables: interpolation leaves the text as it is.
  setTemplateSrv({
    getVariables: () => [],
    replace: (target?: string) => target ?? '',
    containsTemplate: () => false,
    updateTimeRange: () => undefined,
  } as unknown as TemplateSrv);
}
