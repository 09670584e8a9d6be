/** Renders a self-contained HTML backtest report: inline CSS and SVG, no scripts, no fetches. */
import { formatDateTime, formatDuration } from './axis';
import { renderCloseups } from './closeup';
import { esc } from './escape';
import { timeFrame } from './geometry';
import { renderMainChart, valueSummary } from './mainChart';
import { matchAlerts } from './outcome';
import { renderScoreChart } from './scoreChart';
import { CSS } from './styles';
import type { KeyValues, ReportAlert, ReportInput, ReportSeries, SeriesOutcome } from './types';

const MAX_ALERT_ROWS = 50;

function entries(kv: KeyValues | undefined): Array<readonly [string, string | number]> {
  if (!kv) {
    return [];
  }
  return Array.isArray(kv) ? [...(kv as ReadonlyArray<readonly [string, string | number]>)] : Object.entries(kv);
}

function chips(kv: KeyValues | undefined): string {
  const e = entries(kv);
  if (!e.length) {
    return '';
  }
  return `<div class="chips">${e.map(([k, v]) => `<span class="chip">${esc(k)} <b>${esc(v)}</b></span>`).join('')}</div>`;
}

function span(s: ReportSeries): { t0: number; t1: number } {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < s.t.length; i++) {
    if (s.t[i] < t0) {
      t0 = s.t[i];
    }
    if (s.t[i] > t1) {
      t1 = s.t[i];
    }
  }
  if (!(t1 >= t0)) {
    return { t0: 0, t1: 1 };
  }
  return t1 > t0 ? { t0, t1 } : { t0: t0 - 30_000, t1: t1 + 30_000 };
}

const cls = (n: number, bad: string): string => (n > 0 ? bad : 'dim');

function summaryRow(s: ReportSeries, i: number, model: string, o: SeriesOutcome): string {
  const paging = o.caught + o.missed;
  return (
    `<tr><td><a href="#s${i}">${esc(s.name)}</a></td><td class="l">${esc(s.model ?? model)}</td><td>${s.t.length}</td>` +
    `<td>${o.alerts}${o.critical ? ` <span class="dim">(${o.critical} crit)</span>` : ''}</td>` +
    `<td class="${paging && o.caught === paging ? 'ok' : o.caught ? '' : 'dim'}">${paging ? `${o.caught}/${paging}` : '–'}</td>` +
    `<td class="${cls(o.missed, 'bad')}">${o.missed}</td><td class="${cls(o.falseAlarms, 'warnc')}">${o.falseAlarms}</td>` +
    `<td class="${cls(o.quietViolated, 'warnc')}">${o.quietViolated}</td></tr>`
  );
}

function summary(input: ReportInput, outcomes: SeriesOutcome[]): string {
  const tot = outcomes.reduce(
    (a, o) => ({
      alerts: a.alerts + o.alerts,
      critical: a.critical + o.critical,
      caught: a.caught + o.caught,
      missed: a.missed + o.missed,
      falseAlarms: a.falseAlarms + o.falseAlarms,
      quietViolated: a.quietViolated + o.quietViolated,
    }),
    { alerts: 0, critical: 0, caught: 0, missed: 0, falseAlarms: 0, quietViolated: 0 }
  );
  const points = input.series.reduce((a, s) => a + s.t.length, 0);
  let h = '<section class="panel"><div class="phead"><h2>Summary</h2></div>';
  h +=
    '<table><thead><tr><th>Series</th><th class="l">Model</th><th>Points</th><th>Alerts</th><th>Incidents caught</th><th>Missed</th><th>False alarms</th><th>Quiet events paged</th></tr></thead><tbody>';
  input.series.forEach((s, i) => (h += summaryRow(s, i, input.model, outcomes[i])));
  if (input.series.length > 1) {
    h += `<tr class="total"><td>Total</td><td></td><td>${points}</td><td>${tot.alerts}</td><td>${tot.caught}/${tot.caught + tot.missed}</td><td class="${cls(tot.missed, 'bad')}">${tot.missed}</td><td class="${cls(tot.falseAlarms, 'warnc')}">${tot.falseAlarms}</td><td class="${cls(tot.quietViolated, 'warnc')}">${tot.quietViolated}</td></tr>`;
  }
  h += '</tbody></table>';
  h += chips(input.options);
  return `${h}</section>`;
}

const LEGEND =
  '<div class="legend">' +
  '<span><i class="sw line" style="background:#73bf69"></i>value</span>' +
  '<span><i class="sw dash"></i>expected</span>' +
  '<span><i class="sw" style="background:rgba(87,148,242,.35)"></i>band</span>' +
  '<span><i class="sw dot" style="background:#ff9830"></i>score &gt; 1</span>' +
  '<span><i class="sw dot" style="background:#f2495c"></i>score &gt; 2</span>' +
  '<span><i class="sw" style="background:rgba(255,152,48,.3)"></i>warning alert</span>' +
  '<span><i class="sw" style="background:rgba(242,73,92,.35)"></i>critical alert</span>' +
  '<span><i class="sw" style="background:#b877d9;height:4px"></i>incident (should page)</span>' +
  '<span><i class="sw" style="background:#8e909b;height:4px"></i>event (must not page)</span>' +
  '</div>';

function alertTable(s: ReportSeries): string {
  if (!s.alerts.length) {
    return '';
  }
  const incidents = s.incidents ?? [];
  const matched = (a: ReportAlert) => incidents.find((i) => a.fromMs < i.toMs && a.toMs >= i.fromMs);
  let rows = '';
  for (const a of s.alerts.slice(0, MAX_ALERT_ROWS)) {
    const m = matched(a);
    const what = m
      ? `${esc(m.label)}${m.shouldPage ? '' : ' <span class="warnc">(must not page)</span>'}`
      : '<span class="warnc">false alarm</span>';
    rows += `<tr><td class="l">${esc(formatDateTime(a.fromMs))}</td><td>${esc(formatDuration(a.toMs - a.fromMs))}</td><td class="${a.severity === 'critical' ? 'bad' : 'warnc'}">${a.severity}</td><td>${a.peakScore.toFixed(2)}</td><td class="l">${what}</td></tr>`;
  }
  const more =
    s.alerts.length > MAX_ALERT_ROWS ? `<p class="dim">… and ${s.alerts.length - MAX_ALERT_ROWS} more</p>` : '';
  return `<details><summary>${s.alerts.length} alert${s.alerts.length === 1 ? '' : 's'}</summary><table><thead><tr><th class="l">Start</th><th>Duration</th><th>Severity</th><th>Peak score</th><th class="l">Matches</th></tr></thead><tbody>${rows}</tbody></table>${more}</details>`;
}

function seriesPanel(s: ReportSeries, i: number, model: string): string {
  const tf = timeFrame(span(s).t0, span(s).t1);
  let h = `<section class="panel" id="s${i}"><div class="phead"><h2>${esc(s.name)}</h2>`;
  if (s.unit) {
    h += `<span class="chip">unit <b>${esc(s.unit)}</b></span>`;
  }
  h += `<span class="chip">model <b>${esc(s.model ?? model)}</b></span><span class="chip">range <b>${esc(valueSummary(s))}</b></span></div>`;
  h += chips(s.stats);
  h += LEGEND;
  h += renderMainChart(s, tf, `c${i}m`);
  h +=
    '<div class="scoreTitle">Anomaly score · <span class="warnc">warning &gt; 1</span> · <span class="bad">critical &gt; 2</span></div>';
  h += renderScoreChart(s, tf, `c${i}s`);
  h += renderCloseups(s, `c${i}z`);
  h += alertTable(s);
  return `${h}</section>`;
}

/** The whole report as one HTML string (deterministic for a given input). */
export function renderReport(input: ReportInput): string {
  const outcomes = input.series.map((s) => matchAlerts(s.alerts, s.incidents));
  let h =
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">';
  h += `<title>${esc(input.title)}</title><style>${CSS}</style></head><body><main>`;
  h += `<header class="top"><div><h1>${esc(input.title)}</h1>${input.subtitle ? `<p class="sub">${esc(input.subtitle)}</p>` : ''}</div>`;
  h += `<div class="meta"><span class="brand">VIGIL</span> backtest report<br>model ${esc(input.model)} · generated ${esc(input.generatedAt)}</div></header>`;
  h += summary(input, outcomes);
  input.series.forEach((s, i) => (h += seriesPanel(s, i, input.model)));
  h +=
    '<footer>All times UTC. Score 1 is the edge of the expected band; alerts fire above 1 (warning) and 2 (critical).</footer>';
  return `${h}</main></body></html>\n`;
}
