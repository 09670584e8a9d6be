/**
 * Point-wise signal models. demoValueAt(scenario, id, t) is a pure function of its arguments,
 * so a live metrics server can serve "now" and agree with the generated history.
 */
import { WEEK_MS } from '../model/options';
import { dayOfWeek, hourOfDay, HOUR_MS, MINUTE_MS } from './calendar';
import { gaussian, studentT3, valueNoise } from './noise';
import { lastDeployAtOrBefore, type DemoScenario, type Window } from './scenario';

// Module-level aliases: under jest's vm sandbox every global lookup (Math) goes through a slow
// interceptor, which made generation ~50x slower in tests than in Node.
const { exp, max, min, floor, cos, PI } = Math;

export const DEMO_SERIES_IDS = ['requests', 'latency_p95', 'memory', 'cpu', 'errors'] as const;
export type DemoSeriesId = (typeof DEMO_SERIES_IDS)[number];

export interface DemoSeriesMeta {
  id: DemoSeriesId;
  /** Prometheus-style metric name (recording-rule names where the value is derived). */
  name: string;
  labels: Record<string, string>;
  help: string;
  /** Grafana unit id: reqps, s, bytes, percentunit (ratio 0..1). */
  unit: string;
}

const JOB = { job: 'checkout', env: 'demo' };
const INSTANCE = { ...JOB, instance: 'checkout-0:8080' };

export const DEMO_SERIES: readonly DemoSeriesMeta[] = Object.freeze([
  {
    id: 'requests',
    name: 'job:http_requests:rate5m',
    labels: JOB,
    help: 'HTTP requests per second (5m rate)',
    unit: 'reqps',
  },
  {
    id: 'latency_p95',
    name: 'job:http_request_duration_seconds:p95',
    labels: JOB,
    help: '95th percentile HTTP request latency in seconds',
    unit: 's',
  },
  {
    id: 'memory',
    name: 'process_resident_memory_bytes',
    labels: INSTANCE,
    help: 'Resident memory of the service process',
    unit: 'bytes',
  },
  {
    id: 'cpu',
    name: 'instance:cpu_utilisation:ratio',
    labels: INSTANCE,
    help: 'CPU utilisation of the service (0..1)',
    unit: 'percentunit',
  },
  {
    id: 'errors',
    name: 'job:http_request_errors:ratio_rate5m',
    labels: JOB,
    help: 'Fraction of HTTP requests answered with 5xx (5m rate)',
    unit: 'percentunit',
  },
]);

// Noise stream ids; distinct per signal so series are not spuriously correlated.
const S_TRAFFIC_WANDER = 1;
const S_REQ = 10;
const S_LAT = 20;
const S_LAT_WANDER = 25;
const S_MEM = 30;
const S_MEM_WANDER = 35;
const S_GC = 37;
const S_CPU = 40;
const S_ERR = 50;
const S_ERR_WANDER = 55;

const sigmoid = (x: number): number => 1 / (1 + exp(-x));
const bell = (x: number, mu: number, width: number): number => exp(-(((x - mu) / width) ** 2));

/**
 * Traffic as a fraction of a weekday peak, without noise: quiet nights, a morning ramp, a lunch
 * dip, an evening tail; weekends lower and later; Fridays a little lighter; a sharper
 * ramp every Monday morning (the weekly backlog), which is normal and recurring.
 */
export function trafficShape(tMs: number, startMs: number): number {
  const h = hourOfDay(tMs);
  const dow = dayOfWeek(tMs);
  const floor = 0.12;
  let s: number;
  if (dow >= 5) {
    s = floor + 0.36 * sigmoid((h - 9.5) / 1.2) * sigmoid((21.5 - h) / 1.2);
  } else {
    const business = sigmoid((h - 7.8) / 0.7) * sigmoid((18.3 - h) / 1.1);
    s = floor + 0.88 * business - 0.14 * bell(h, 12.6, 0.55) + 0.12 * bell(h, 20.5, 1.6);
    if (dow === 4) {
      s *= 0.92;
    }
    if (dow === 0) {
      s += 0.3 * mondayBump(h);
    }
  }
  const growth = 1 + 0.015 * ((tMs - startMs) / WEEK_MS);
  return s * growth;
}

/** Raised cosine over 07:00-11:00: zero at both ends, so it joins the normal day smoothly. */
function mondayBump(h: number): number {
  if (h < 7 || h >= 11) {
    return 0;
  }
  return 0.5 - 0.5 * cos(((h - 7) / 4) * 2 * PI);
}

/** Shared load (traffic with its slow wander) that drives latency, CPU and errors. */
function load(sc: DemoScenario, tMs: number): number {
  const seed = sc.config.seed;
  return trafficShape(tMs, sc.config.startMs) * exp(0.05 * valueNoise(seed, S_TRAFFIC_WANDER, tMs, HOUR_MS));
}

/** Decaying bump after the last deploy: 1 at the deploy, ~0 after `tauMs * 5`. */
function deployBump(tMs: number, tauMs: number): number {
  const since = tMs - lastDeployAtOrBefore(tMs);
  return since >= 0 && since < 5 * tauMs ? exp(-since / tauMs) : 0;
}

const inside = (w: Window, tMs: number): boolean => tMs >= w.fromMs && tMs < w.toMs;

/** Trapezoid over a window with `rampMs` edges, so an incident starts and ends over minutes. */
function trapezoid(w: Window, tMs: number, rampMs: number): number {
  if (!inside(w, tMs)) {
    return 0;
  }
  return min(1, (tMs - w.fromMs) / rampMs, (w.toMs - tMs) / rampMs);
}

/** White noise is drawn per minute: two reads within one minute agree. */
const minute = (tMs: number): number => floor(tMs / MINUTE_MS);

const MIB = 1024 * 1024;

function requests(sc: DemoScenario, tMs: number): number {
  const seed = sc.config.seed;
  const m = minute(tMs);
  const rate = 140 * load(sc, tMs);
  const noise = 0.025 * gaussian(seed, S_REQ, m) + 0.012 * studentT3(seed, S_REQ + 1, m);
  return max(0, rate * (1 + noise));
}

function latencyP95(sc: DemoScenario, tMs: number): number {
  const seed = sc.config.seed;
  const m = minute(tMs);
  const l = load(sc, tMs);
  let p95 = 0.085 + 0.09 * l * l;
  // Latency is right-skewed: slow requests spike up, nothing makes them much faster.
  const tail = max(-1.5, studentT3(seed, S_LAT, m));
  p95 *= exp(
    0.05 * valueNoise(seed, S_LAT_WANDER, tMs, 3 * HOUR_MS) + 0.03 * gaussian(seed, S_LAT + 1, m) + 0.05 * tail
  );
  p95 *= 1 + 0.6 * deployBump(tMs, 4 * MINUTE_MS);
  p95 *= 1 + 1.5 * trapezoid(sc.degradation, tMs, 5 * MINUTE_MS);
  if (inside(sc.latencyBlip, tMs)) {
    p95 *= 4;
  }
  return p95;
}

/**
 * Resident memory: a fresh process warms its caches towards a plateau, GC gives a sawtooth
 * whose amplitude follows load, and a restart (deploy, or the end of the leak) resets it.
 */
function memory(sc: DemoScenario, tMs: number): number {
  const seed = sc.config.seed;
  const { leak } = sc;
  let restart = lastDeployAtOrBefore(tMs);
  if (leak.toMs <= tMs && leak.toMs > restart) {
    restart = leak.toMs;
  }
  const upH = (tMs - restart) / HOUR_MS;
  let bytes = 420 * MIB + 150 * MIB * (1 - exp(-upH / 8));
  const gcPeriod = 15 * MINUTE_MS;
  const cycle = floor(tMs / gcPeriod);
  const phase = (tMs - cycle * gcPeriod) / gcPeriod;
  const amp = (18 + 36 * load(sc, tMs)) * (0.8 + 0.2 * gaussian(seed, S_GC, cycle));
  bytes += amp * MIB * phase;
  bytes += 8 * MIB * valueNoise(seed, S_MEM_WANDER, tMs, 3 * HOUR_MS) + 1.5 * MIB * gaussian(seed, S_MEM, minute(tMs));
  if (inside(leak, tMs)) {
    bytes += (700 * MIB * (tMs - leak.fromMs)) / (leak.toMs - leak.fromMs);
  }
  return max(64 * MIB, bytes);
}

function cpu(sc: DemoScenario, tMs: number): number {
  const seed = sc.config.seed;
  const m = minute(tMs);
  let u = 0.06 + 0.5 * load(sc, tMs);
  u += 0.3 * deployBump(tMs, 3 * MINUTE_MS);
  u += 0.015 * gaussian(seed, S_CPU, m) + 0.008 * studentT3(seed, S_CPU + 1, m);
  return min(1, max(0.005, u));
}

function errors(sc: DemoScenario, tMs: number): number {
  const seed = sc.config.seed;
  const m = minute(tMs);
  let r = (0.0015 + 0.001 * load(sc, tMs)) * exp(0.15 * valueNoise(seed, S_ERR_WANDER, tMs, 2 * HOUR_MS));
  // Errors come in bursts: a heavy-tailed multiplicative factor rather than additive gaussian.
  r *= exp(0.25 * gaussian(seed, S_ERR, m) + 0.12 * studentT3(seed, S_ERR + 1, m));
  r += 0.008 * deployBump(tMs, 1.5 * MINUTE_MS);
  r += 0.018 * trapezoid(sc.degradation, tMs, 5 * MINUTE_MS);
  if (inside(sc.errorBlip, tMs)) {
    r += 0.05;
  }
  return min(1, max(0, r));
}

const SIGNALS: Record<DemoSeriesId, (sc: DemoScenario, tMs: number) => number> = {
  requests,
  latency_p95: latencyP95,
  memory,
  cpu,
  errors,
};

/** The value of one demo series at any instant (not only on the sampling grid). */
export function demoValueAt(scenario: DemoScenario, id: DemoSeriesId, tMs: number): number {
  const f = SIGNALS[id];
  if (!f) {
    throw new RangeError(`unknown demo series ${String(id)}`);
  }
  return f(scenario, tMs);
}
