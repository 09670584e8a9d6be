import { DAY_MS } from '../model/options';
import { dayOfWeek, hourOfDay, HOUR_MS, MINUTE_MS } from './calendar';
import { DEMO_SERIES_IDS } from './signals';
import {
  checkSchedule,
  LIVE_PERIOD_MS,
  liveAnchor,
  liveIncidents,
  liveScenarioAt,
  liveValueAt,
  type LiveSchedule,
} from './live';

// A Wednesday afternoon, on the minute.
const schedule: LiveSchedule = { anchorMs: Date.UTC(2026, 2, 11, 15, 37), seed: 42 };
const MIB = 2 ** 20;

function meanOver(id: (typeof DEMO_SERIES_IDS)[number], fromMs: number, toMs: number): number {
  let sum = 0;
  let n = 0;
  for (let t = fromMs; t < toMs; t += MINUTE_MS) {
    sum += liveValueAt(schedule, id, t);
    n++;
  }
  return sum / n;
}

describe('live schedule', () => {
  it('starts every paging and non-paging incident within the first hour', () => {
    const first = liveIncidents(schedule, schedule.anchorMs, schedule.anchorMs + HOUR_MS).filter(
      (i) => i.kind !== 'normal'
    );
    expect(new Set(first.map((i) => i.kind))).toEqual(new Set(['memory_leak', 'latency_degradation', 'blip']));
    for (const i of first) {
      expect(i.fromMs).toBeGreaterThanOrEqual(schedule.anchorMs);
      expect(i.fromMs).toBeLessThan(schedule.anchorMs + HOUR_MS);
    }
    expect(first.filter((i) => i.kind === 'blip').every((i) => !i.shouldPage)).toBe(true);
  });

  it('repeats every 8 days and 1 hour, with one earlier occurrence in the history', () => {
    const past = liveIncidents(schedule, schedule.anchorMs - 14 * DAY_MS, schedule.anchorMs);
    const leaks = past.filter((i) => i.kind === 'memory_leak');
    expect(leaks.map((i) => i.fromMs)).toEqual([schedule.anchorMs - LIVE_PERIOD_MS + 5 * MINUTE_MS]);
    expect(liveIncidents(schedule, schedule.anchorMs - 100 * DAY_MS, schedule.anchorMs - 9 * DAY_MS)).toEqual(
      liveIncidents(schedule, schedule.anchorMs - 100 * DAY_MS, schedule.anchorMs - 9 * DAY_MS).filter(
        (i) => i.kind === 'normal'
      )
    );
    const ahead = liveIncidents(schedule, schedule.anchorMs, schedule.anchorMs + 30 * DAY_MS);
    const hours = ahead.filter((i) => i.kind === 'memory_leak').map((i) => hourOfDay(i.fromMs));
    expect(hours.length).toBe(4);
    expect(new Set(hours).size).toBe(hours.length);
    const ramps = past.filter((i) => i.kind === 'normal');
    expect(ramps.length).toBe(2);
    expect(ramps.every((r) => dayOfWeek(r.fromMs) === 0 && hourOfDay(r.fromMs) === 7)).toBe(true);
  });

  it('is a pure function of the instant (a restarted server does not jump)', () => {
    const t = schedule.anchorMs + 3 * HOUR_MS + 12_345;
    for (const id of DEMO_SERIES_IDS) {
      expect(liveValueAt({ ...schedule }, id, t)).toBe(liveValueAt(schedule, id, t));
      expect(Number.isFinite(liveValueAt(schedule, id, t))).toBe(true);
    }
    expect(liveValueAt({ ...schedule, seed: 7 }, 'requests', t)).not.toBe(liveValueAt(schedule, 'requests', t));
  });

  it('grows memory during the leak and resets it at the restart', () => {
    const [leak] = liveIncidents(schedule, schedule.anchorMs, schedule.anchorMs + HOUR_MS).filter(
      (i) => i.kind === 'memory_leak'
    );
    const before = meanOver('memory', leak.fromMs - 2 * HOUR_MS, leak.fromMs);
    const late = meanOver('memory', leak.toMs - HOUR_MS, leak.toMs);
    const after = meanOver('memory', leak.toMs, leak.toMs + HOUR_MS);
    expect(late).toBeGreaterThan(before + 500 * MIB);
    expect(after).toBeLessThan(before + 100 * MIB);
    // A period later the same leak happens again.
    const again = meanOver('memory', leak.toMs + LIVE_PERIOD_MS - HOUR_MS, leak.toMs + LIVE_PERIOD_MS);
    expect(again).toBeGreaterThan(before + 500 * MIB);
  });

  it('degrades latency 2-3x against the same hour a day earlier, and the blip does not last', () => {
    const incidents = liveIncidents(schedule, schedule.anchorMs, schedule.anchorMs + HOUR_MS);
    const deg = incidents.find((i) => i.kind === 'latency_degradation')!;
    const inner = [deg.fromMs + 10 * MINUTE_MS, deg.toMs - 10 * MINUTE_MS] as const;
    const ratio = meanOver('latency_p95', ...inner) / meanOver('latency_p95', inner[0] - DAY_MS, inner[1] - DAY_MS);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(3.5);
    const blip = incidents.find((i) => i.kind === 'blip' && i.series.includes('latency_p95'))!;
    const at = liveValueAt(schedule, 'latency_p95', blip.fromMs + 30_000);
    expect(at).toBeGreaterThan(2.5 * liveValueAt(schedule, 'latency_p95', blip.fromMs - MINUTE_MS));
    expect(liveValueAt(schedule, 'latency_p95', blip.toMs + MINUTE_MS)).toBeLessThan(at / 2);
  });

  it('keeps traffic seasonal on the wall clock', () => {
    const day = Math.floor(schedule.anchorMs / DAY_MS) * DAY_MS; // a Wednesday
    expect(dayOfWeek(day)).toBe(2);
    expect(meanOver('requests', day + 10 * HOUR_MS, day + 16 * HOUR_MS)).toBeGreaterThan(
      3 * meanOver('requests', day + HOUR_MS, day + 4 * HOUR_MS)
    );
  });

  it('anchors on the minute and rejects bad schedules', () => {
    expect(liveAnchor(Date.UTC(2026, 0, 1, 0, 0, 59, 999))).toBe(Date.UTC(2026, 0, 1));
    expect(() => checkSchedule({ anchorMs: schedule.anchorMs + 1, seed: 42 })).toThrow(/whole minute/);
    expect(() => checkSchedule({ anchorMs: schedule.anchorMs, seed: 0.5 })).toThrow(/seed/);
    expect(() => liveIncidents(schedule, 5, 5)).toThrow(/fromMs < toMs/);
    expect(liveScenarioAt(schedule, schedule.anchorMs).config.startMs).toBe(schedule.anchorMs);
  });
});
