/** Scores a series' alerts against its labelled incidents, for the summary table. */
import type { ReportAlert, ReportIncident, SeriesOutcome } from './types';

/** Alert [from, to] (inclusive) overlaps incident [from, to) extended by graceMs at the end. */
function overlaps(a: ReportAlert, i: ReportIncident, graceMs: number): boolean {
  return a.fromMs < i.toMs + graceMs && a.toMs >= i.fromMs;
}

/**
 * graceMs lets an alert that fires shortly after an incident ends (detectors lag) still count
 * as catching it.
 */
export function matchAlerts(
  alerts: readonly ReportAlert[],
  incidents: readonly ReportIncident[] = [],
  graceMs = 0
): SeriesOutcome {
  const paging = incidents.filter((i) => i.shouldPage);
  const quiet = incidents.filter((i) => !i.shouldPage);
  const caught = paging.filter((i) => alerts.some((a) => overlaps(a, i, graceMs))).length;
  return {
    alerts: alerts.length,
    critical: alerts.filter((a) => a.severity === 'critical').length,
    caught,
    missed: paging.length - caught,
    falseAlarms: alerts.filter((a) => !paging.some((i) => overlaps(a, i, graceMs))).length,
    quietViolated: quiet.filter((i) => alerts.some((a) => overlaps(a, i, graceMs))).length,
  };
}
