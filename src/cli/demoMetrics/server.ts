/**
 * The demo metrics HTTP server: /metrics for Prometheus, /incidents (the scripted schedule as JSON,
 * so a user knows what to look for and when), /healthz for the compose health check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { LIVE_PERIOD_MS, liveIncidents, type LiveSchedule } from '../../demo';
import { renderMetrics } from './exposition';

export interface DemoMetricsServerOptions {
  schedule: LiveSchedule;
  port: number;
  host: string;
  /** The clock; tests pin it. */
  now?: () => number;
}

export interface DemoMetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

function handle(req: IncomingMessage, res: ServerResponse, schedule: LiveSchedule, now: () => number): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
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
    case '/healthz':
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    case '/':
      res
        .writeHead(200, { 'Content-Type': 'text/plain' })
        .end('Vigil demo metrics: /metrics (Prometheus), /incidents (the scripted schedule), /healthz\n');
      return;
    default:
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}\n`);
  }
}

export function startDemoMetricsServer(options: DemoMetricsServerOptions): Promise<DemoMetricsServer> {
  const now = options.now ?? Date.now;
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res, options.schedule, now);
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
