import { execFile } from 'node:child_process';
import { formatValue } from '../../src/io/exposition';
import { startServerProcess } from '../support/serverProcess';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * A real Prometheus server for integration tests: known data is written as OpenMetrics text,
 * backfilled with `promtool tsdb create-blocks-from openmetrics`, and served by the Debian
 * `prometheus` binary on a free 127.0.0.1 port. Reused by the backend conformance tests.
 *
 *   const prom = await startPrometheus({ families: [...] });
 *   ... prom.url ...
 *   await prom.stop();
 *
 * Backfilled blocks are read-only history: use timestamps in the past (the helpers below use a
 * fixed range in 2024) and keep them inside the retention (10 years by default).
 */

export interface MetricFamily {
  /** Metric name; also the name of every sample. */
  name: string;
  type?: 'gauge' | 'unknown';
  help?: string;
  series: Array<{ labels?: Record<string, string>; samples: Array<[timeMs: number, value: number]> }>;
}

export interface StartOptions {
  /** Data to backfill. */
  families?: MetricFamily[];
  /** Or OpenMetrics text as is (must end with "# EOF"). */
  openMetrics?: string;
  /**
   * Prometheus scrapes itself every this many seconds, so the metadata endpoint and the head block
   * have live data (backfilled series have no metadata). 0 turns self-scraping off. Default 1.
   */
  scrapeIntervalS?: number;
  retention?: string;
  /** How long to wait for /-/ready. Default 30 s. */
  readyTimeoutMs?: number;
  extraArgs?: string[];
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dataDir: string;
  version: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its data. Idempotent. */
  stop(): Promise<void>;
  /** The server's recent output, for failure messages. */
  log(): string;
}

/** The binaries: $VIGIL_PROMETHEUS_BIN / $VIGIL_PROMTOOL_BIN, else found on PATH, else /usr/bin (Debian). */
export const PROMETHEUS_BIN = process.env.VIGIL_PROMETHEUS_BIN ?? onPath('prometheus');
export const PROMTOOL_BIN = process.env.VIGIL_PROMTOOL_BIN ?? onPath('promtool');

function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && existsSync(path.join(dir, name))) {
      return path.join(dir, name);
    }
  }
  return path.join('/usr/bin', name);
}

/** Throws a clear error when the binaries are missing (tests must fail, not skip). */
export function requirePrometheusBinaries(): void {
  const missing = [PROMETHEUS_BIN, PROMTOOL_BIN].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(
      `Prometheus integration tests need ${missing.join(' and ')}: install the Debian package ` +
        '(apt-get install -y prometheus; scripts/ci.sh does it) or set VIGIL_PROMETHEUS_BIN / VIGIL_PROMTOOL_BIN'
    );
  }
}

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** OpenMetrics text for promtool: one family after another, each series' samples in time order. */
export function toOpenMetrics(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(family.name)) {
      throw new Error(`invalid metric name ${JSON.stringify(family.name)}`);
    }
    if (family.help !== undefined) {
      lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    }
    lines.push(`# TYPE ${family.name} ${family.type ?? 'gauge'}`);
    for (const s of family.series) {
      const labels = Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      const head = labels === '' ? family.name : `${family.name}{${labels}}`;
      const samples = [...s.samples].sort((a, b) => a[0] - b[0]);
      for (const [t, v] of samples) {
        lines.push(`${head} ${formatValue(v)} ${(t / 1000).toFixed(3)}`);
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

export async function startPrometheus(options: StartOptions = {}): Promise<RunningPrometheus> {
  requirePrometheusBinaries();
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-prom-'));
  const dataDir = path.join(dir, 'data');
  try {
    const text = options.openMetrics ?? (options.families ? toOpenMetrics(options.families) : undefined);
    if (text !== undefined) {
      const file = path.join(dir, 'data.om');
      await writeFile(file, text);
      await run(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir]);
    }
    const version = (await run(PROMETHEUS_BIN, ['--version'])).match(/version (\S+)/)?.[1] ?? 'unknown';
    // A free port can be taken between the probe and the bind: try a few.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        return await launch(dir, dataDir, port, version, options);
      } catch (e) {
        lastError = e;
        if (!/address already in use/.test(String(e))) {
          break;
        }
      }
    }
    throw lastError;
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function launch(
  dir: string,
  dataDir: string,
  port: number,
  version: string,
  options: StartOptions
): Promise<RunningPrometheus> {
  const scrape = options.scrapeIntervalS ?? 1;
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(
    config,
    scrape > 0
      ? [
          'global:',
          `  scrape_interval: ${scrape}s`,
          `  evaluation_interval: ${scrape}s`,
          'scrape_configs:',
          '  - job_name: prometheus',
          '    static_configs:',
          `      - targets: ['127.0.0.1:${port}']`,
          '',
        ].join('\n')
      : 'global:\n  scrape_interval: 1m\n'
  );
  const {
    output,
    exitCode,
    stop: stopProcess,
  } = startServerProcess(PROMETHEUS_BIN, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.retention.time=${options.retention ?? '10y'}`,
    ...(options.extraArgs ?? []),
  ]);
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await stopProcess('SIGTERM', 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (true) {
    if (exitCode() !== undefined) {
      await stop();
      throw new Error(`prometheus exited with code ${exitCode()} before it was ready:\n${tail(output())}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${tail(output())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, port, dataDir, version, stop, log: output };
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(`${path.basename(file)} ${args.join(' ')} failed: ${error.message}\n${tail(stderr + stdout)}`)
        );
      } else {
        resolve(stdout + stderr);
      }
    });
  });
}

function tail(text: string): string {
  return text.split('\n').slice(-30).join('\n');
}
