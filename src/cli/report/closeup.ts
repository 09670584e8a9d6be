import { lowerBound } from '../../model/training';
/**
 * Close-ups around labelled incidents: on a multi-week chart a one-hour incident is two pixels
 * wide, so each incident also gets a short chart of its own neighbourhood.
 */
import { formatDateTime, formatDuration } from './axis';
import { esc } from './escape';
import { timeFrame } from './geometry';
import { renderMainChart } from './mainChart';
import type { ReportIncident, ReportSeries } from './types';

const HOUR = 3_600_000;
const MAX_CLOSEUPS = 6;
const CLOSEUP_PLOT_H = 150;

/** The series restricted to [fromMs, toMs] (views, no copies). */
export function sliceSeries(s: ReportSeries, fromMs: number, toMs: number): ReportSeries {
  const a = lowerBound(s.t, fromMs);
  const b = lowerBound(s.t, toMs + 1);
  return {
    ...s,
    t: s.t.subarray(a, b),
    value: s.value.subarray(a, b),
    expected: s.expected.subarray(a, b),
    lower: s.lower.subarray(a, b),
    upper: s.upper.subarray(a, b),
    score: s.score.subarray(a, b),
  };
}

/** Window around an incident: its length again on each side, at least 3 h, within the data. */
function windowFor(inc: ReportIncident, t0: number, t1: number): [number, number] {
  const pad = Math.max(3 * HOUR, (inc.toMs - inc.fromMs) * 0.5);
  return [Math.max(t0, inc.fromMs - pad), Math.min(t1, inc.toMs + pad)];
}

export function renderCloseups(s: ReportSeries, idPrefix: string): string {
  if (s.t.length < 2) {
    return '';
  }
  const t0 = s.t[0];
  const t1 = s.t[s.t.length - 1];
  const incidents = (s.incidents ?? []).filter((i) => i.toMs >= t0 && i.fromMs <= t1).slice(0, MAX_CLOSEUPS);
  let h = '';
  incidents.forEach((inc, k) => {
    const [a, b] = windowFor(inc, t0, t1);
    const part = sliceSeries(s, a, b);
    if (part.t.length < 2) {
      return;
    }
    const head = `${inc.label} · ${formatDateTime(inc.fromMs)} for ${formatDuration(inc.toMs - inc.fromMs)} · ${inc.shouldPage ? 'should page' : 'must not page'}`;
    h += `<div class="closeup"><div class="cuTitle">${esc(head)}</div>${renderMainChart(part, timeFrame(a, b), `${idPrefix}${k}`, CLOSEUP_PLOT_H)}</div>`;
  });
  return h
    ? `<details class="closeups" open><summary>Incident close-ups (${incidents.length})</summary>${h}</details>`
    : '';
}
