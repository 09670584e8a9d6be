/**
 * The demo on a wall clock: the same signals as the bulk generator, with the scripted incidents on
 * a repeating schedule anchored at the stack's start, so a user sees each of them within the first
 * hour, and the history before the start carries an earlier occurrence of the same schedule.
 *
 * Every value is a pure function of (schedule, instant): a restarted server that keeps its anchor
 * continues where it left off, and a backfill of the past agrees with a live scrape at the same
 * instant bit for bit.
 */
import { DAY_MS, WEEK_MS } from '../model/options';
import { HOUR_MS, MINUTE_MS, nextWeekdayAt } from './calendar';
import type { DemoIncident, DemoScenario, Window } from './scenario';
import { resolveDemoConfig } from './scenario';
import { demoValueAt, type DemoSeriesId } from './signals';

const { floor } = Math;

export interface LiveSchedule {
  /** The stack's start, epoch ms; incidents are placed at fixed offsets from it. */
  anchorMs: number;
  seed: number;
}

/**
 * The schedule repeats every 8 days and 1 hour: a 14-day training window then holds at most two
 * occurrences of an incident, so a model does not learn it as normal (with one every 73 hours the
 * bands widened until the leak no longer paged), and each repeat falls at another hour and weekday.
 */
export const LIVE_PERIOD_MS = 193 * HOUR_MS;

/** Offsets from the anchor (and from every period after it), chosen so all start within the first hour. */
export const LIVE_OFFSETS = Object.freeze({
  /** A two-minute p95 spike at 4x: must not page. */
  latencyBlip: { offsetMs: 12 * MINUTE_MS, durationMs: 2 * MINUTE_MS },
  /** A one-minute error-ratio spike: must not page. */
  errorBlip: { offsetMs: 21 * MINUTE_MS, durationMs: MINUTE_MS },
  /** p95 2.5x (and timeouts in the error ratio) for an hour: pages. */
  degradation: { offsetMs: 30 * MINUTE_MS, durationMs: HOUR_MS },
  /** Memory grows 700 MiB over 8 hours until a restart: pages once the growth leaves the band. */
  leak: { offsetMs: 5 * MINUTE_MS, durationMs: 8 * HOUR_MS },
});

/**
 * The history holds one earlier occurrence of each incident (8 days before the start), so the
 * Backtest page has something to replay; none before it, so the models train on mostly clean data.
 */
export const PAST_OCCURRENCES = 1;

type ScheduledKind = keyof typeof LIVE_OFFSETS;

/** Rounds an instant down to the minute: anchors on the minute keep blips on any scrape or backfill grid. */
export function liveAnchor(nowMs: number): number {
  return floor(nowMs / MINUTE_MS) * MINUTE_MS;
}

export function checkSchedule(schedule: LiveSchedule): void {
  resolveDemoConfig({ seed: schedule.seed, startMs: schedule.anchorMs });
  if (schedule.anchorMs % MINUTE_MS !== 0) {
    throw new RangeError(`anchorMs must fall on a whole minute, got ${schedule.anchorMs}`);
  }
}

/**
 * The occurrence of `kind` in force at tMs: the latest that has started, so a finished leak still
 * resets memory; before the first occurrence, the first (still in the future).
 */
function occurrence(schedule: LiveSchedule, kind: ScheduledKind, tMs: number): Window {
  const { offsetMs, durationMs } = LIVE_OFFSETS[kind];
  const k = Math.max(-PAST_OCCURRENCES, floor((tMs - schedule.anchorMs - offsetMs) / LIVE_PERIOD_MS));
  const fromMs = schedule.anchorMs + k * LIVE_PERIOD_MS + offsetMs;
  return { fromMs, toMs: fromMs + durationMs };
}

/** Monday 07:00-11:00 UTC of the week containing tMs: the recurring ramp, recorded as normal. */
function mondayRampAt(tMs: number): Window {
  const fromMs = nextWeekdayAt(tMs - WEEK_MS + 1, 0, 7);
  return { fromMs, toMs: fromMs + 4 * HOUR_MS };
}

/** The scenario the signals read at tMs (traffic growth is measured from the anchor). */
export function liveScenarioAt(schedule: LiveSchedule, tMs: number): DemoScenario {
  return {
    config: { seed: schedule.seed, startMs: schedule.anchorMs, days: 1, stepMs: MINUTE_MS },
    endMs: tMs,
    leak: occurrence(schedule, 'leak', tMs),
    degradation: occurrence(schedule, 'degradation', tMs),
    latencyBlip: occurrence(schedule, 'latencyBlip', tMs),
    errorBlip: occurrence(schedule, 'errorBlip', tMs),
    mondayRamp: mondayRampAt(tMs),
  };
}

export function liveValueAt(schedule: LiveSchedule, id: DemoSeriesId, tMs: number): number {
  return demoValueAt(liveScenarioAt(schedule, tMs), id, tMs);
}

export interface LiveIncident extends DemoIncident {
  /** The series it shows on. */
  series: DemoSeriesId[];
}

const INCIDENTS: ReadonlyArray<{
  kind: ScheduledKind;
  incident: Omit<LiveIncident, 'fromMs' | 'toMs'>;
}> = [
  {
    kind: 'leak',
    incident: { kind: 'memory_leak', label: 'Memory leak until restart', shouldPage: true, series: ['memory'] },
  },
  {
    kind: 'degradation',
    incident: {
      kind: 'latency_degradation',
      label: 'Latency degradation (p95 2.5x, timeouts)',
      shouldPage: true,
      series: ['latency_p95', 'errors'],
    },
  },
  {
    kind: 'latencyBlip',
    incident: { kind: 'blip', label: '2-minute latency blip', shouldPage: false, series: ['latency_p95'] },
  },
  {
    kind: 'errorBlip',
    incident: { kind: 'blip', label: '1-minute error blip', shouldPage: false, series: ['errors'] },
  },
];

/** Every scripted event that overlaps [fromMs, toMs), in start order, Monday ramps included. */
export function liveIncidents(schedule: LiveSchedule, fromMs: number, toMs: number): LiveIncident[] {
  if (!(toMs > fromMs) || toMs - fromMs > 400 * DAY_MS) {
    throw new RangeError('liveIncidents needs fromMs < toMs within 400 days');
  }
  const out: LiveIncident[] = [];
  for (const { kind, incident } of INCIDENTS) {
    const { offsetMs, durationMs } = LIVE_OFFSETS[kind];
    const first = Math.max(
      -PAST_OCCURRENCES,
      floor((fromMs - durationMs - schedule.anchorMs - offsetMs) / LIVE_PERIOD_MS)
    );
    for (let k = first; ; k++) {
      const start = schedule.anchorMs + k * LIVE_PERIOD_MS + offsetMs;
      if (start >= toMs) {
        break;
      }
      if (start + durationMs > fromMs) {
        out.push({ ...incident, series: [...incident.series], fromMs: start, toMs: start + durationMs });
      }
    }
  }
  for (let w = mondayRampAt(fromMs); w.fromMs < toMs; w = mondayRampAt(w.fromMs + WEEK_MS)) {
    if (w.toMs > fromMs) {
      out.push({
        ...w,
        kind: 'normal',
        label: 'Monday-morning ramp (weekly pattern)',
        shouldPage: false,
        series: ['requests'],
      });
    }
  }
  return out.sort((a, b) => a.fromMs - b.fromMs);
}
