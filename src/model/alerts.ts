/**
 * What a two-stage alert rule on a smoothed score would have done over a scored series: the
 * same logic a Grafana rule with a `for` pending period applies, so a backtest shows pages, not
 * raw points over a line.
 */

export interface AlertRule {
  severity: string;
  /** Fires while the smoothed score stays above this. */
  threshold: number;
  /** Pending period before firing, ms (Grafana's `for`). */
  forMs: number;
}

export interface AlertEvent {
  severity: string;
  /** When the condition first held (pending). */
  pendingFromMs: number;
  /** When the rule would have fired. */
  fromMs: number;
  /** Last timestamp at which it was still firing. */
  toMs: number;
  peakScore: number;
}

export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  { severity: 'warning', threshold: 1, forMs: 5 * 60_000 },
  { severity: 'critical', threshold: 2, forMs: 5 * 60_000 },
];

/** Causal trailing mean of `score` over `windowMs` (NaN skipped); the smoothing alert rules use. */
export function smoothScore(t: Float64Array, score: Float64Array, windowMs: number): Float64Array {
  const n = t.length;
  const out = new Float64Array(n);
  let sum = 0;
  let count = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const s = score[i];
    if (Number.isFinite(s)) {
      sum += s;
      count++;
    }
    while (t[start] <= t[i] - windowMs) {
      const old = score[start];
      if (Number.isFinite(old)) {
        sum -= old;
        count--;
      }
      start++;
    }
    out[i] = count > 0 ? sum / count : 0;
  }
  return out;
}

/** Replays one rule over a (smoothed) score series and returns the alerts it would have fired. */
export function simulateAlerts(t: Float64Array, score: Float64Array, rule: AlertRule): AlertEvent[] {
  const events: AlertEvent[] = [];
  let pendingFrom = NaN;
  let current: AlertEvent | null = null;
  for (let i = 0; i < t.length; i++) {
    const above = score[i] > rule.threshold;
    if (!above) {
      pendingFrom = NaN;
      current = null;
      continue;
    }
    if (Number.isNaN(pendingFrom)) {
      pendingFrom = t[i];
    }
    if (current) {
      current.toMs = t[i];
      current.peakScore = Math.max(current.peakScore, score[i]);
    } else if (t[i] - pendingFrom >= rule.forMs) {
      current = { severity: rule.severity, pendingFromMs: pendingFrom, fromMs: t[i], toMs: t[i], peakScore: score[i] };
      events.push(current);
    }
  }
  return events;
}
