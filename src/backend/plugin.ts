// The life of the backend process that Grafana starts (through hashicorp/go-plugin):
//
// 1. Refuse to run outside a plugin host (magic cookie), as go-plugin plugins do.
// 2. Start the gRPC server on 127.0.0.1, then print the handshake line: the first and only stdout.
// 3. Stop gracefully on GRPCController/Shutdown, SIGTERM or SIGINT: stop accepting calls, finish
//    in-flight ones (up to 1.5 s: the host SIGKILLs 2 s after Shutdown), exit 0.

import { createHandlers } from './handlers';
import { createLogger, parseLogLevel, routeConsoleToLogger, type Logger } from './log';
import { MetricsRegistry, registerProcessMetrics, RequestStats } from './metrics';
import { APP_PROTOCOL_VERSION, startPluginServer } from './server';

declare const VIGIL_BACKEND_VERSION: string | undefined;

export const MAGIC_COOKIE_KEY = 'grafana_plugin_type';
export const MAGIC_COOKIE_VALUE = 'datasource';
const SHUTDOWN_GRACE_MS = 1500;

const NOT_A_PLUGIN_HOST =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Please execute the program that consumes these plugins, which will\n' +
  'load any plugins automatically (Grafana starts it from the data source plugin).\n';

function version(): string {
  return typeof VIGIL_BACKEND_VERSION === 'string' ? VIGIL_BACKEND_VERSION : 'dev';
}

/** PLUGIN_MIN_PORT / PLUGIN_MAX_PORT as go-plugin passes them (0/0 or unset: any port). */
export function portRange(env: NodeJS.ProcessEnv): { min: number; max: number } {
  const min = Number.parseInt(env.PLUGIN_MIN_PORT ?? '0', 10);
  const max = Number.parseInt(env.PLUGIN_MAX_PORT ?? '0', 10);
  if (!Number.isInteger(min) || !Number.isInteger(max) || min <= 0 || max < min || max > 65535) {
    return { min: 0, max: 0 };
  }
  return { min, max };
}

function installProcessGuards(logger: Logger): void {
  // A bug outside a request must not take the process (and every panel and alert) down with it.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection', { error: reason instanceof Error ? reason.stack : String(reason) });
  });
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { error: err.stack ?? err.message });
  });
  // Grafana may close our stdout after the handshake: a write to a closed pipe must not kill us.
  process.stdout.on('error', () => undefined);
}

export async function runPlugin(): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write(NOT_A_PLUGIN_HOST);
    process.exit(1);
  }
  const logger = createLogger({ level: parseLogLevel(process.env.VIGIL_LOG_LEVEL) ?? 'debug' });
  routeConsoleToLogger(logger);
  installProcessGuards(logger);

  const offered = process.env.PLUGIN_PROTOCOL_VERSIONS;
  if (
    offered &&
    !offered
      .split(',')
      .map((v) => v.trim())
      .includes(String(APP_PROTOCOL_VERSION))
  ) {
    logger.warn('the host does not offer plugin protocol version 2', { offered });
  }
  if (process.env.PLUGIN_CLIENT_CERT) {
    logger.warn('the host asked for mTLS (PLUGIN_CLIENT_CERT), which this backend does not support');
  }

  const startedAtMs = Date.now();
  const registry = new MetricsRegistry();
  registerProcessMetrics(registry, startedAtMs);
  const stats = new RequestStats(registry);
  const handlers = createHandlers({ registry, version: version(), startedAtMs, logger });

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info('shutting down', { reason });
    // Background trainings stop alongside the in-flight calls, within the same grace period.
    void Promise.all([server.shutdown(SHUTDOWN_GRACE_MS), handlers.stopBackground()])
      .then(() => handlers.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };

  let server: Awaited<ReturnType<typeof startPluginServer>>;
  try {
    server = await startPluginServer({
      handlers,
      logger,
      stats,
      ports: portRange(process.env),
      onShutdownRequested: () => stop('shutdown requested by the host'),
    });
  } catch (err) {
    logger.error('could not start the gRPC server', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  // The handshake: nothing else has been written to stdout (console.* goes to the stderr log).
  process.stdout.write(server.handshakeLine + '\n');
  logger.info('plugin started', { address: `${server.host}:${server.port}`, version: version(), pid: process.pid });
}
