import type { BacktestAlert } from '../../query/api';

const WEEK = 7 * 86_400_000;

export interface WeekBucket {
  startMs: number;
  /** Length of the bucket (the last week of a range may be partial). */
  spanMs: number;
  /** Alerts that fired in the bucket, per severity. */
  counts: Record<string, number>;
}

/**
 * Alerts per week of the range, counted by when they fired, in 7-day buckets from the range's start
 * (so a backtest's weeks line up with what a user picked, not with calendar weeks).
 */
export function alertsByWeek(
  alerts: readonly BacktestAlert[],
  fromMs: number,
  toMs: number,
  severities: readonly string[]
): WeekBucket[] {
  const n = Math.max(1, Math.ceil((toMs - fromMs) / WEEK));
  const buckets: WeekBucket[] = Array.from({ length: n }, (_, i) => ({
    startMs: fromMs + i * WEEK,
    spanMs: Math.min(WEEK, toMs - (fromMs + i * WEEK)),
    counts: Object.fromEntries(severities.map((s) => [s, 0])),
  }));
  for (const a of alerts) {
    const i = Math.floor((a.fromMs - fromMs) / WEEK);
    if (i >= 0 && i < n) {
      buckets[i].counts[a.severity] = (buckets[i].counts[a.severity] ?? 0) + 1;
    }
  }
  return buckets;
}

/** Alerts per series and severity, for ranking the series by how noisy they would have been. */
export function alertsBySeries(alerts: readonly BacktestAlert[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const a of alerts) {
    const counts = out.get(a.series) ?? {};
    counts[a.severity] = (counts[a.severity] ?? 0) + 1;
    out.set(a.series, counts);
  }
  return out;
}
