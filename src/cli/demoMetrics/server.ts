/**
 * The demo metrics HTTP server: /metrics for Prometheus, /incidents (the scripted schedule as JSON,
 * so a user knows what to look for and when), /healthz for the compose health check, and a webhook
 * sink for the stack's two contact points (POST /alerts/<severity>, listed at GET /alerts), so the
 * stack shows what would have paged without any outside service.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { LIVE_PERIOD_MS, liveIncidents, type LiveSchedule } from '../../demo';
import { DAY_MS } from '../../model/options';
import { renderMetrics } from './exposition';

export interface DemoMetricsServerOptions {
  schedule: LiveSchedule;
  port: number;
  host: string;
  /** The clock; tests pin it. */
  now?: () => number;
  /** Where a line per received notification goes (stdout in the stack: `docker compose logs`). */
  log?: (line: string) => void;
}

/** One webhook notification as received, newest last. */
export interface ReceivedNotification {
  receivedAt: string;
  severity: string;
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string>; startsAt?: string }>;
}

const KEEP_NOTIFICATIONS = 200;
const MAX_BODY_BYTES = 1 << 20;

export interface DemoMetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface State {
  schedule: LiveSchedule;
  now: () => number;
  log: (line: string) => void;
  received: ReceivedNotification[];
}

/** Grafana's webhook payload, read leniently: only what a person checking the demo wants to see. */
function summarise(body: unknown, severity: string, at: number): ReceivedNotification {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const alerts = Array.isArray(b.alerts) ? (b.alerts as Array<Record<string, unknown>>) : [];
  return {
    receivedAt: new Date(at).toISOString(),
    severity,
    status: typeof b.status === 'string' ? b.status : 'unknown',
    alerts: alerts.map((a) => ({
      status: typeof a.status === 'string' ? a.status : 'unknown',
      labels: typeof a.labels === 'object' && a.labels !== null ? (a.labels as Record<string, string>) : {},
      ...(typeof a.startsAt === 'string' && { startsAt: a.startsAt }),
    })),
  };
}

function receive(req: IncomingMessage, res: ServerResponse, severity: string, state: State): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413, { 'Content-Type': 'text/plain' }).end('body too large\n');
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (res.writableEnded) {
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('expected a JSON body (Grafana webhook payload)\n');
      return;
    }
    const n = summarise(body, severity, state.now());
    state.received.push(n);
    if (state.received.length > KEEP_NOTIFICATIONS) {
      state.received.shift();
    }
    const names = [...new Set(n.alerts.map((a) => a.labels.alertname ?? '?'))].join(', ');
    state.log(`alert ${severity} ${n.status}: ${n.alerts.length} alert(s) ${names}`);
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
  });
}

function handle(req: IncomingMessage, res: ServerResponse, state: State): void {
  const { schedule, now } = state;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const sink = /^\/alerts\/([a-z0-9_-]{1,40})$/.exec(url.pathname);
  if (sink && req.method === 'POST') {
    receive(req, res, sink[1], state);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  switch (url.pathname) {
    case '/metrics': {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : renderMetrics(schedule, now()));
      return;
    }
    case '/incidents': {
      const t = now();
      const body = {
        anchor: new Date(schedule.anchorMs).toISOString(),
        seed: schedule.seed,
        periodHours: LIVE_PERIOD_MS / 3_600_000,
        incidents: liveIncidents(schedule, t - DAY_MS, t + LIVE_PERIOD_MS).map((i) => ({
          ...i,
          from: new Date(i.fromMs).toISOString(),
          to: new Date(i.toMs).toISOString(),
        })),
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body, null, 2) + '\n');
      return;
    }
    case '/alerts':
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ received: state.received }, null, 2) + '\n');
      return;
    case '/healthz':
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    case '/':
      res
        .writeHead(200, { 'Content-Type': 'text/plain' })
        .end(
          'Vigil demo metrics: /metrics (Prometheus), /incidents (the scripted schedule), /alerts (notifications received), /healthz\n'
        );
      return;
    default:
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}\n`);
  }
}

export function startDemoMetricsServer(options: DemoMetricsServerOptions): Promise<DemoMetricsServer> {
  const state: State = {
    schedule: options.schedule,
    now: options.now ?? Date.now,
    log: options.log ?? (() => undefined),
    received: [],
  };
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res, state);
    } catch (e) {
      // A bug in a page must not take the server (and every scrape after it) down.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
      }
      res.end(`error: ${(e as Error).message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
