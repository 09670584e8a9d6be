/** UTC calendar helpers. The demo lives in UTC so its pattern does not depend on the host. */
import { DAY_MS, WEEK_MS } from '../model/options';

// Module-level aliases: under jest's vm sandbox every global lookup (Math) goes through a slow
// interceptor, which made generation ~50x slower in tests than in Node.
const { floor } = Math;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Day of week with Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday). */
export function dayOfWeek(tMs: number): number {
  const d = (floor(tMs / DAY_MS) + 3) % 7;
  return d < 0 ? d + 7 : d;
}

/** Fractional hour of day in [0, 24). */
export function hourOfDay(tMs: number): number {
  const r = tMs % DAY_MS;
  return (r < 0 ? r + DAY_MS : r) / HOUR_MS;
}

export function startOfDay(tMs: number): number {
  return floor(tMs / DAY_MS) * DAY_MS;
}

/** First instant >= fromMs that falls on weekday `dow` (Monday = 0) at `hour` UTC. */
export function nextWeekdayAt(fromMs: number, dow: number, hour: number): number {
  let t = startOfDay(fromMs) + hour * HOUR_MS;
  for (let i = 0; i < 8; i++, t += DAY_MS) {
    if (t >= fromMs && dayOfWeek(t) === dow) {
      return t;
    }
  }
  return t + WEEK_MS; // unreachable: a week always contains the weekday
}
