/**
 * The stack's data path for real, without Docker: the `vigil` CLI writes the history (as the
 * demo-history service does), promtool backfills it (as prometheus-backfill does), the Debian
 * Prometheus runs the stack's own prometheus.yml (targets rewritten to local ports, a 1 s scrape
 * interval so the test is quick) and scrapes `vigil demo-metrics serve`. Then: the history is
 * there bit for bit, live scrapes continue the same series, and the scripted incidents show.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { liveIncidents, liveValueAt, type DemoSeriesId, type LiveSchedule } from '../../src/demo';
import { freePort, PROMETHEUS_BIN, PROMTOOL_BIN, requirePrometheusBinaries } from '../prometheus/server';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { asList, asObj, ROOT } from './files';

jest.setTimeout(120_000);

const BIN = path.join(ROOT, 'bin/vigil.js');
// Enough for the one earlier occurrence of the incidents (8 days and 1 hour back) and a day before it.
const DAYS = 10;
const STEP_MS = 120_000;
const HOUR = 3_600_000;
const MIB = 2 ** 20;

let dir: string;
let schedule: LiveSchedule;
let promUrl: string;
const children: ServerProcess[] = [];

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${error.message}\n${stderr}`))
        : resolve(stdout)
    );
  });
}

function start(file: string, args: string[]): ServerProcess {
  const server = startServerProcess(file, args);
  children.push(server);
  return server;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) {
        return v;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      const logs = children.map((c) => c.output().slice(-8000)).join('\n---\n');
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

async function promApi<T>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${promUrl}/api/v1/${pathAndQuery}`);
  const body = (await res.json()) as { status: string; error?: string; data: T };
  if (body.status !== 'success') {
    throw new Error(`${pathAndQuery}: ${body.error}`);
  }
  return body.data;
}

async function promQuery(pathAndQuery: string): Promise<PromResult[]> {
  return (await promApi<{ result: PromResult[] }>(pathAndQuery)).result;
}

/** One number from an instant query at tMs. */
async function scalarAt(expr: string, tMs: number): Promise<number> {
  const r = await promQuery(`query?query=${encodeURIComponent(expr)}&time=${tMs / 1000}`);
  if (r.length !== 1) {
    throw new Error(`${expr} at ${new Date(tMs).toISOString()}: ${r.length} series`);
  }
  return Number(r[0].value![1]);
}

const METRIC: Record<DemoSeriesId, string> = {
  requests: 'job:http_requests:rate5m',
  latency_p95: 'job:http_request_duration_seconds:p95',
  memory: 'process_resident_memory_bytes',
  cpu: 'instance:cpu_utilisation:ratio',
  errors: 'job:http_request_errors:ratio_rate5m',
};

const MEMORY = `${METRIC.memory}{job="checkout"}`;

beforeAll(async () => {
  requirePrometheusBinaries();
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-stack-'));
  const anchorFile = path.join(dir, 'demo', 'anchor.json');
  const history = path.join(dir, 'demo', 'history.om');
  const dataDir = path.join(dir, 'prometheus');

  // demo-history and prometheus-backfill, as docker-compose.yml runs them.
  await run(process.execPath, [
    BIN,
    'demo-metrics',
    'backfill',
    '--days',
    String(DAYS),
    '--step',
    '2m',
    '--out',
    history,
    '--anchor-file',
    anchorFile,
  ]);
  await run(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', history, dataDir]);
  schedule = { anchorMs: (JSON.parse(fs.readFileSync(anchorFile, 'utf8')) as { anchorMs: number }).anchorMs, seed: 42 };

  // demo-metrics
  const demoPort = await freePort();
  start(process.execPath, [
    BIN,
    'demo-metrics',
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(demoPort),
    '--anchor-file',
    anchorFile,
  ]);
  await waitFor('the demo server', async () =>
    (await fetch(`http://127.0.0.1:${demoPort}/healthz`)).ok ? true : undefined
  );

  // prometheus, with the stack's config and its targets moved to local ports.
  const promPort = await freePort();
  const servePort = await freePort();
  const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'prometheus/prometheus.yml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const moved: Record<string, string> = {
    'localhost:9090': `127.0.0.1:${promPort}`,
    'demo-metrics:9101': `127.0.0.1:${demoPort}`,
    'node-exporter:9100': `127.0.0.1:${await freePort()}`, // nothing listens: that target is simply down
    'vigil-serve:9464': `127.0.0.1:${servePort}`,
  };
  asObj(config.global, 'global').scrape_interval = '1s';
  for (const job of asList(config.scrape_configs, 'scrape_configs')) {
    for (const sc of asList(asObj(job, 'job').static_configs, 'static_configs')) {
      const c = asObj(sc, 'static_config');
      c.targets = asList(c.targets, 'targets').map((t) => {
        const to = moved[String(t)];
        if (!to) {
          throw new Error(`prometheus.yml has a target this test does not know: ${String(t)}`);
        }
        return to;
      });
    }
  }
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, YAML.stringify(config));
  start(PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--storage.tsdb.retention.time=30d',
  ]);
  promUrl = `http://127.0.0.1:${promPort}`;
  await waitFor('prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));

  // vigil-serve, with the stack's own configuration pointed at this Prometheus and a local store.
  const serveConfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'serve/vigil-serve.json'), 'utf8')) as {
    prometheus: { url: string };
    store: string;
  };
  serveConfig.prometheus.url = promUrl;
  serveConfig.store = path.join(dir, 'vigil-serve.db');
  const serveFile = path.join(dir, 'vigil-serve.json');
  fs.writeFileSync(serveFile, JSON.stringify(serveConfig));
  start(process.execPath, [BIN, 'serve', '--config', serveFile, '--listen', `127.0.0.1:${servePort}`]);
}, 120_000);

afterAll(async () => {
  for (const { child, exited } of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  }
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the stack data path (CLI backfill + promtool + Prometheus + live demo server)', () => {
  it("scrapes the scores `vigil serve` computes for the stack's queries, with no failed evaluation", async () => {
    // The first evaluation trains both models (14 days at 1 m); Prometheus then scrapes every second.
    const scored = await waitFor(
      'vigil_score of both queries in Prometheus',
      async () => {
        const r = await promQuery(`query?query=${encodeURIComponent('count by (vigil_query) (vigil_score)')}`);
        return r.length === 2 ? r : undefined;
      },
      90_000
    );
    expect(scored.map((r) => r.metric.vigil_query).sort()).toEqual(['checkout_latency_p95', 'checkout_memory']);
    const score = await promQuery(`query?query=${encodeURIComponent('vigil_score{vigil_query="checkout_memory"}')}`);
    expect(score[0].metric).toMatchObject({
      vigil_metric: METRIC.memory,
      job: 'checkout',
      vigil_model: expect.any(String),
    });
    expect(Number(score[0].value![1])).toBeGreaterThanOrEqual(0);
    const errors = await promQuery(`query?query=${encodeURIComponent('sum(vigil_serve_evaluation_errors_total)')}`);
    expect(Number(errors[0].value![1])).toBe(0);
    // The exporter's own health keeps the scrape job's label.
    const health = await promQuery(`query?query=${encodeURIComponent('vigil_serve_series')}`);
    expect(health.map((r) => r.metric.job)).toEqual(['vigil-serve', 'vigil-serve']);
    const trained = await promQuery(`query?query=${encodeURIComponent('sum(vigil_serve_models_trained_total)')}`);
    expect(Number(trained[0].value![1])).toBe(2);
  });

  it('serves the backfilled history bit for bit, every sample of every demo series', async () => {
    const from = schedule.anchorMs - DAYS * 24 * HOUR;
    const to = schedule.anchorMs - STEP_MS;
    for (const [id, name] of Object.entries(METRIC) as Array<[DemoSeriesId, string]>) {
      // query_range caps at 11,000 points: ask per day.
      let points = 0;
      const mismatches: string[] = [];
      for (let day = 0; day < DAYS; day++) {
        const start = from + day * 24 * HOUR;
        const end = Math.min(start + 24 * HOUR - STEP_MS, to);
        const r = await promQuery(
          `query_range?query=${encodeURIComponent(`${name}{job="checkout"}`)}&start=${start / 1000}&end=${end / 1000}&step=${STEP_MS / 1000}`
        );
        expect(r).toHaveLength(1);
        for (const [ts, v] of r[0].values!) {
          const t = Math.round(ts * 1000);
          if (Number(v) !== liveValueAt(schedule, id, t)) {
            mismatches.push(`${name} at ${new Date(t).toISOString()}: ${v} != ${liveValueAt(schedule, id, t)}`);
          }
          points++;
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(points).toBe((DAYS * 24 * HOUR) / STEP_MS);
    }
  });

  it('scrapes live values that continue the same series, exact at their timestamps', async () => {
    const live = await waitFor('three live scrapes of the demo', async () => {
      // job="checkout": Prometheus and node-exporter export a process_resident_memory_bytes of their own.
      const r = await promQuery(`query?query=${encodeURIComponent(`${MEMORY}[1m]`)}&time=${Date.now() / 1000}`);
      const after = (r[0]?.values ?? []).filter(([ts]) => ts * 1000 >= schedule.anchorMs);
      return after.length >= 3 ? r : undefined;
    });
    expect(live).toHaveLength(1);
    for (const [ts, v] of live[0].values!) {
      expect(Number(v)).toBe(liveValueAt(schedule, 'memory', Math.round(ts * 1000)));
    }
    // Same labels as the history (honor_labels): one series across the backfill and the live part.
    const series = await promApi<Array<Record<string, string>>>(
      `series?match[]=${encodeURIComponent(MEMORY)}&start=${(schedule.anchorMs - HOUR) / 1000}&end=${Date.now() / 1000}`
    );
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ job: 'checkout', instance: 'checkout-0:8080', env: 'demo' });
    const up = await promQuery(`query?query=${encodeURIComponent('up{job="demo"}')}`);
    expect(up.map((r) => r.value![1])).toEqual(['1']);
  });

  it('shows the scripted incidents: the leak slope, the degradation, a blip that does not last', async () => {
    // Incidents with a day of history before them (for the comparisons) and a 6 h regression window.
    const past = liveIncidents(schedule, schedule.anchorMs - DAYS * 24 * HOUR + 31 * HOUR, schedule.anchorMs);
    const leak = past.filter((i) => i.kind === 'memory_leak').pop()!;
    const deg = past.filter((i) => i.kind === 'latency_degradation').pop()!;
    const blip = past.filter((i) => i.kind === 'blip' && i.series.includes('latency_p95')).pop()!;
    expect([leak, deg, blip].every(Boolean)).toBe(true);

    // The leak adds 700 MiB over 8 h; Prometheus' own regression over the last 6 h of it finds that slope.
    const slope = await scalarAt(`deriv(${MEMORY}[6h])`, leak.toMs - 60_000);
    const expected = (700 * MIB) / ((leak.toMs - leak.fromMs) / 1000);
    expect(slope).toBeGreaterThan(0.7 * expected);
    expect(slope).toBeLessThan(1.3 * expected);
    // A day earlier at the same hour memory only warms its caches after deploys.
    const dayBefore = await scalarAt(`deriv(${MEMORY}[6h])`, leak.toMs - 60_000 - 24 * HOUR);
    expect(slope).toBeGreaterThan(3 * Math.abs(dayBefore));
    // After the restart memory is back near where it started.
    const atRestart = await scalarAt(`avg_over_time(${MEMORY}[30m])`, leak.toMs + 30 * 60_000);
    const beforeLeak = await scalarAt(`avg_over_time(${MEMORY}[30m])`, leak.fromMs);
    expect(atRestart).toBeLessThan(beforeLeak + 100 * MIB);
    // The ground truth series marks every sample of the leak.
    const marked = await scalarAt(
      `sum_over_time(vigil_demo_incident{kind="memory_leak"}[${(leak.toMs - leak.fromMs) / 60_000}m])`,
      leak.toMs - 1
    );
    expect(marked).toBe((leak.toMs - leak.fromMs) / STEP_MS);

    // p95 during the degradation against the same 40 minutes a day earlier.
    const lat = METRIC.latency_p95;
    const during = await scalarAt(`avg_over_time(${lat}[40m])`, deg.toMs - 10 * 60_000);
    const usual = await scalarAt(`avg_over_time(${lat}[40m])`, deg.toMs - 10 * 60_000 - 24 * HOUR);
    expect(during / usual).toBeGreaterThan(2);

    // The blip: a 4x spike (one sample at this step), gone a few minutes later.
    const spike = await scalarAt(`max_over_time(${lat}[2m])`, blip.toMs - 1);
    const before = await scalarAt(`avg_over_time(${lat}[30m])`, blip.fromMs - 1);
    const after = await scalarAt(`avg_over_time(${lat}[10m])`, blip.toMs + 15 * 60_000);
    expect(spike).toBeGreaterThan(2.5 * before);
    expect(after).toBeLessThan(1.5 * before);
  });
});
