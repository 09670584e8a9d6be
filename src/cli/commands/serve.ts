import * as fs from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { PrometheusClient } from '../../prometheus/client';
import { SqliteModelStore } from '../../store';
import { type FlagSpec, type ParsedArgs, requiredFlag, stringFlag, UsageError } from '../args';
import { ConfigError, parseExporterConfig, type ExporterConfig } from '../serve/config';
import { Exporter } from '../serve/exporter';

export const SERVE_FLAGS: Record<string, FlagSpec> = {
  config: { value: true, help: 'the exporter configuration (JSON): Prometheus, model store, interval, queries' },
  listen: { value: true, help: 'address:port for /metrics (default 0.0.0.0:9464)' },
  once: { value: false, help: 'score every query once, print the metrics to stdout and exit (1 if a query failed)' },
};

/** `vigil serve`: Vigil as a standalone anomaly exporter that Prometheus scrapes. */
export function runServe(args: ParsedArgs, log: (line: string) => void): void {
  const file = requiredFlag(args, 'config');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).message}`);
  }
  let config: ExporterConfig;
  try {
    config = parseExporterConfig(text, file);
  } catch (e) {
    throw new UsageError((e as ConfigError).message);
  }
  const { host, port } = listenAddress(stringFlag(args, 'listen') ?? '0.0.0.0:9464');
  const exporter = new Exporter(config, {
    prometheus: new PrometheusClient({
      url: config.prometheus.url,
      timeoutMs: config.prometheus.timeoutMs,
      headers: { ...config.prometheus.headers, ...bearer(config.prometheus.bearerTokenFile) },
      compression: 'none',
    }),
    store: SqliteModelStore.open(config.storePath),
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });

  if (args.flags.has('once')) {
    // The command interface is synchronous: the pending evaluation keeps the process alive.
    void exporter.evaluate().then((ok) => {
      process.stdout.write(exporter.render());
      process.exitCode = ok ? 0 : 1;
    });
    return;
  }
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(exporter.render());
    } else if (req.url === '/' || req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('vigil serve: the scores are at /metrics\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the scores are at /metrics\n');
    }
  });
  startLoop(server, exporter, config, host, port, log);
}

function startLoop(
  server: Server,
  exporter: Exporter,
  config: ExporterConfig,
  host: string,
  port: number,
  log: (line: string) => void
): void {
  const stopping = new AbortController();
  let running: Promise<unknown> | undefined;
  const tick = () => {
    // An evaluation slower than the interval is not started twice: the next tick waits for it.
    if (!running) {
      running = exporter.evaluate(stopping.signal).finally(() => (running = undefined));
    }
  };
  server.once('error', (e: Error) => {
    process.stderr.write(`vigil serve: cannot listen on ${host}:${port}: ${e.message}\n`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const bound = (server.address() as AddressInfo).port;
    log(
      `vigil serve: ${config.queries.length} queries every ${config.intervalMs / 1000}s, /metrics on ${host}:${bound}`
    );
    tick();
    const timer = setInterval(tick, config.intervalMs);
    const stop = () => {
      clearInterval(timer);
      stopping.abort();
      server.close(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function listenAddress(text: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new UsageError(`--listen must be host:port, e.g. 0.0.0.0:9464, got ${JSON.stringify(text)}`);
  }
  return { host: m[1].replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
}

function bearer(file: string | undefined): Record<string, string> {
  if (file === undefined) {
    return {};
  }
  let token: string;
  try {
    token = fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`cannot read the bearer token file ${file}: ${(e as NodeJS.ErrnoException).message}`);
  }
  return { Authorization: `Bearer ${token}` };
}
