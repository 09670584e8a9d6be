/**
 * The demo scenario: configuration, the deploy calendar and the scripted incidents.
 * Everything here is a pure function of the config, so a live server and a bulk generator that
 * share a config agree on when things happen.
 */
import { DAY_MS, WEEK_MS } from '../model/options';
import { dayOfWeek, HOUR_MS, MINUTE_MS, nextWeekdayAt, startOfDay } from './calendar';

export interface DemoConfig {
  /** Seed of every noise draw. */
  seed: number;
  /** First sample, epoch ms (UTC). */
  startMs: number;
  /** History length in days. */
  days: number;
  /** Sampling step in ms (bulk generation only; demoValueAt works at any instant). */
  stepMs: number;
}

/** Monday 2025-01-06 00:00 UTC: a fixed default keeps output reproducible without a clock. */
export const DEFAULT_DEMO_START_MS = Date.UTC(2025, 0, 6);

export const DEFAULT_DEMO_CONFIG: Readonly<DemoConfig> = Object.freeze({
  seed: 42,
  startMs: DEFAULT_DEMO_START_MS,
  days: 21,
  stepMs: 5 * MINUTE_MS,
});

export type DemoIncidentKind = 'memory_leak' | 'latency_degradation' | 'blip' | 'normal';

/** A labelled event on one series, over the half-open interval [fromMs, toMs). */
export interface DemoIncident {
  fromMs: number;
  toMs: number;
  kind: DemoIncidentKind;
  label: string;
  /** True if a good detector should alert; false for events that must not page. */
  shouldPage: boolean;
}

export interface Window {
  fromMs: number;
  toMs: number;
}

export interface DemoScenario {
  config: DemoConfig;
  endMs: number;
  /** Memory grows linearly from a bad deploy until the pod is restarted. */
  leak: Window;
  /** p95 latency 2.5x (and timeouts in the error ratio) for an hour. */
  degradation: Window;
  /** A two-minute latency spike (one point at 5-minute steps). */
  latencyBlip: Window;
  /** A single-sample error-ratio spike. */
  errorBlip: Window;
  /** The last Monday-morning ramp: recurring weekly traffic, recorded as 'normal'. */
  mondayRamp: Window;
}

export const DEPLOY_HOUR = 14;

/** Deploys ship Monday to Thursday at 14:00 UTC ("no deploy Fridays"). */
export function isDeployDay(dow: number): boolean {
  return dow <= 3;
}

/** Latest deploy at or before tMs. */
export function lastDeployAtOrBefore(tMs: number): number {
  let day = startOfDay(tMs);
  for (let i = 0; i < 8; i++, day -= DAY_MS) {
    const d = day + DEPLOY_HOUR * HOUR_MS;
    if (d <= tMs && isDeployDay(dayOfWeek(d))) {
      return d;
    }
  }
  return -Infinity;
}

/** All deploys in [fromMs, toMs). */
export function deploysBetween(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let day = startOfDay(fromMs); day < toMs; day += DAY_MS) {
    const d = day + DEPLOY_HOUR * HOUR_MS;
    if (d >= fromMs && d < toMs && isDeployDay(dayOfWeek(d))) {
      out.push(d);
    }
  }
  return out;
}

export function resolveDemoConfig(partial: Partial<DemoConfig> = {}): DemoConfig {
  const c: DemoConfig = { ...DEFAULT_DEMO_CONFIG };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) {
      (c as unknown as Record<string, number>)[k] = v as number;
    }
  }
  if (!Number.isInteger(c.seed)) {
    throw new RangeError(`seed must be an integer, got ${String(c.seed)}`);
  }
  if (!Number.isFinite(c.startMs)) {
    throw new RangeError(`startMs must be finite, got ${String(c.startMs)}`);
  }
  if (!(c.days > 0 && c.days <= 366)) {
    throw new RangeError(`days must be in (0, 366], got ${String(c.days)}`);
  }
  if (!(Number.isInteger(c.stepMs) && c.stepMs >= 1000)) {
    throw new RangeError(`stepMs must be an integer >= 1000, got ${String(c.stepMs)}`);
  }
  return c;
}

/**
 * Places the incidents in the last week so a model trained on the earlier weeks meets them as
 * unseen data. If an incident would run past the end, it moves one week earlier.
 */
export function demoScenario(partial: Partial<DemoConfig> = {}): DemoScenario {
  const config = resolveDemoConfig(partial);
  const { startMs, stepMs } = config;
  const endMs = startMs + config.days * DAY_MS;
  const lastWeek = Math.max(startMs, endMs - WEEK_MS);
  const place = (dow: number, hour: number, durationMs: number): Window => {
    let from = nextWeekdayAt(lastWeek, dow, hour);
    if (from + durationMs > endMs) {
      from -= WEEK_MS;
    }
    return { fromMs: from, toMs: from + durationMs };
  };
  // Blips sit on the sampling grid so a coarse step still sees them (as exactly one sample).
  const onGrid = (w: Window, durationMs: number): Window => {
    const from = startMs + Math.ceil((w.fromMs - startMs) / stepMs) * stepMs;
    return { fromMs: from, toMs: from + durationMs };
  };
  return {
    config,
    endMs,
    // The Thursday deploy introduced the leak; with no deploys on Friday it runs until the
    // pod is restarted 36 h later, early on Saturday.
    leak: place(3, DEPLOY_HOUR + 2, 36 * HOUR_MS),
    degradation: place(1, 10.5, HOUR_MS),
    latencyBlip: onGrid(place(2, 3 + 10 / 60, 2 * MINUTE_MS), 2 * MINUTE_MS),
    errorBlip: onGrid(place(4, 20.75, MINUTE_MS), MINUTE_MS),
    mondayRamp: place(0, 7, 4 * HOUR_MS),
  };
}
