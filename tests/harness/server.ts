// The harness server: serves the bundled harness page and answers the Grafana HTTP API routes the
// plugin's frontend calls with the real backend handlers (in process), a real Prometheus and a real
// SQLite model store. What it stands in for is Grafana's own server: the /api/datasources/uid/<uid>/
// resources/* proxy to CallResource, /api/ds/query to QueryData (Arrow frames to JSON as Grafana
// does), and /api/datasources/uid/<uid>/health to CheckHealth.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createHandlers, type Handlers } from '../../src/backend/handlers';
import type { CallContext } from '../../src/backend/handlers/types';
import { createLogger } from '../../src/backend/log';
import { MetricsRegistry } from '../../src/backend/metrics';
import { HealthStatus, type CallResourceResponse, type PluginContext } from '../../src/backend/protocol/messages';
import { arrowToFrameJSON } from './arrowFrames';
import type { HarnessBundle } from './build';
import { testPluginContext } from '../backend/pluginContext';

export const HARNESS_DS_UID = 'vigil-harness';

export interface HarnessOptions {
  bundle: HarnessBundle;
  prometheusUrl: string;
  storePath: string;
  /** Grafana role of the signed-in user (Viewer, Editor, Admin). */
  role?: string;
  /** Extra jsonData for the data source. */
  jsonData?: Record<string, unknown>;
}

export interface Harness {
  url: string;
  handlers: Handlers;
  /** Requests the page made to /api, in order: method and path. */
  requests: string[];
  /** What the harness passes the handlers: the data source instance and signed-in user, a call context. */
  pluginContext(): PluginContext;
  context(): CallContext;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const handlers = createHandlers({ registry: new MetricsRegistry(), version: 'harness' });
  const jsonData = { prometheusUrl: options.prometheusUrl, modelStorePath: options.storePath, ...options.jsonData };
  const role = options.role ?? 'Editor';
  const requests: string[] = [];
  const ctx = (): CallContext => ({
    signal: new AbortController().signal,
    logger: createLogger({ write: () => undefined }),
  });
  const pluginContext = (): PluginContext =>
    testPluginContext({ uid: HARNESS_DS_UID, role, login: 'harness', jsonData });

  const boot = {
    datasource: {
      id: 1,
      uid: HARNESS_DS_UID,
      type: 'vigil-anomaly-datasource',
      name: 'Vigil',
      access: 'proxy',
      readOnly: false,
      jsonData,
      meta: { id: 'vigil-anomaly-datasource', name: 'Vigil', type: 'datasource', info: { logos: {} } },
    },
    user: { login: 'harness', role },
  };

  const page = (): string => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Vigil harness</title>
<link rel="stylesheet" href="/harness.css">
<script>
window.grafanaBootData = { settings: { buildInfo: { version: '13.1.1' }, featureToggles: {}, theme2: {} },
  user: { orgRole: ${JSON.stringify(role)}, login: 'harness', theme: 'dark' }, navTree: [], assets: {} };
window.__HARNESS__ = ${JSON.stringify(boot)};
</script></head>
<body style="margin:0"><div id="root"></div><script src="/harness.js"></script></body></html>`;

  const server = http.createServer((req, res) => {
    serve(req, res).catch((e: unknown) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `harness: ${e instanceof Error ? e.message : String(e)}` }));
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://harness');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      requests.push(`${method} ${url.pathname}${url.search}`);
    }
    const asset = options.bundle.files.get(url.pathname);
    if (asset) {
      res.writeHead(200, { 'Content-Type': contentType(url.pathname) });
      res.end(asset);
      return;
    }
    const resource = new RegExp(`^/api/datasources/uid/${HARNESS_DS_UID}/resources/(.*)$`).exec(url.pathname);
    if (resource) {
      const messages: CallResourceResponse[] = [];
      await handlers.callResource(
        {
          pluginContext: pluginContext(),
          path: resource[1],
          method,
          url: `/${resource[1]}${url.search}`,
          headers: {},
          body,
        },
        {
          send: async (m) => void messages.push(m),
          get started() {
            return messages.length > 0;
          },
        },
        ctx()
      );
      const first = messages[0];
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(first?.headers ?? {})) {
        headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      res.writeHead(first?.code ?? 500, headers);
      for (const m of messages) {
        res.write(Buffer.from(m.body ?? []));
      }
      res.end();
      return;
    }
    if (url.pathname === `/api/datasources/uid/${HARNESS_DS_UID}/health`) {
      const h = await handlers.checkHealth({ pluginContext: pluginContext(), headers: {} }, ctx());
      const ok = h.status === HealthStatus.OK;
      res.writeHead(ok ? 200 : 400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'OK' : 'ERROR', message: h.message }));
      return;
    }
    if (url.pathname === '/api/ds/query' && method === 'POST') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(await dsQuery(JSON.parse(body.toString('utf8')))));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `the harness does not serve ${url.pathname}` }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page());
  }

  interface DsQueryBody {
    from: string;
    to: string;
    queries: Array<Record<string, unknown> & { refId: string; maxDataPoints?: number; intervalMs?: number }>;
  }

  async function dsQuery(body: DsQueryBody): Promise<unknown> {
    const from = Number(body.from);
    const to = Number(body.to);
    const answer = await handlers.queryData(
      {
        pluginContext: pluginContext(),
        headers: {},
        format: 0,
        queries: body.queries.map((q) => ({
          refId: q.refId,
          maxDataPoints: q.maxDataPoints ?? 1000,
          intervalMS: q.intervalMs ?? 60_000,
          timeRange: { fromEpochMS: from, toEpochMS: to },
          json: Buffer.from(JSON.stringify(q)),
          queryType: typeof q.queryType === 'string' ? q.queryType : '',
        })),
      },
      ctx()
    );
    const results: Record<string, unknown> = {};
    for (const [refId, r] of Object.entries(answer.responses)) {
      results[refId] = {
        status: r.status ?? (r.error ? 500 : 200),
        frames: (r.frames ?? []).map(arrowToFrameJSON),
        ...(r.error && { error: r.error, errorSource: r.errorSource ?? 'plugin' }),
      };
    }
    return { results };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handlers,
    requests,
    pluginContext,
    context: ctx,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handlers.close();
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function contentType(p: string): string {
  if (p.endsWith('.js')) {
    return 'text/javascript';
  }
  if (p.endsWith('.css')) {
    return 'text/css';
  }
  if (p.endsWith('.ttf')) {
    return 'font/ttf';
  }
  return 'application/octet-stream';
}
