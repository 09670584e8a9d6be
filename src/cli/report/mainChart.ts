/** The value chart: band, expected, observed value, flagged points, alerts and incidents. */
import { formatDateTime, formatDuration, formatValue, valueTicks } from './axis';
import { alertSpans, timeGrid, trainingShading, valueGrid, weekendShading } from './decor';
import { bandColumns, flaggedPoints, toColumns } from './downsample';
import { esc } from './escape';
import { AXIS_H, LANE_H, LEFT, MAIN_PLOT_H, PLOT_W, WIDTH, type TimeFrame } from './geometry';
import { bandPath, clampScale, linePath, num } from './svg';
import type { ReportIncident, ReportSeries } from './types';

const MAX_LANES = 3;
const CHAR_W = 6.3;

interface Range {
  lo: number;
  hi: number;
}

function extent(a: Float64Array, r: Range): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < r.lo) {
      r.lo = v;
    }
    if (v > r.hi) {
      r.hi = v;
    }
  }
}

/**
 * The y range follows the value and the expected line; the band may widen it by at most a
 * quarter of that range each side, so a blown-up band cannot flatten the data.
 */
function yRange(s: ReportSeries): Range {
  const r: Range = { lo: Infinity, hi: -Infinity };
  extent(s.value, r);
  extent(s.expected, r);
  if (!(r.hi >= r.lo)) {
    return { lo: 0, hi: 1 };
  }
  const b: Range = { lo: Infinity, hi: -Infinity };
  extent(s.lower, b);
  extent(s.upper, b);
  const slack = (r.hi - r.lo || Math.abs(r.hi) || 1) * 0.25;
  if (b.lo < r.lo) {
    r.lo = Math.max(b.lo, r.lo - slack);
  }
  if (b.hi > r.hi) {
    r.hi = Math.min(b.hi, r.hi + slack);
  }
  // Non-negative quantities that get near zero read better with zero on the axis.
  if (r.lo >= 0 && r.lo < 0.3 * r.hi) {
    r.lo = 0;
  }
  const pad = (r.hi - r.lo) * 0.04;
  return { lo: r.lo === 0 ? 0 : r.lo - pad, hi: r.hi + pad };
}

interface Placed {
  inc: ReportIncident;
  lane: number;
  x0: number;
  x1: number;
  labelX: number;
  anchor: 'start' | 'end';
}

/** Greedy lanes so labels of nearby incidents do not overprint. */
function placeIncidents(tf: TimeFrame, incidents: readonly ReportIncident[]): Placed[] {
  const laneEnd: number[] = [];
  const out: Placed[] = [];
  const sorted = [...incidents].filter((i) => i.toMs >= tf.t0 && i.fromMs <= tf.t1).sort((a, b) => a.fromMs - b.fromMs);
  for (const inc of sorted) {
    const x0 = tf.x(Math.max(inc.fromMs, tf.t0));
    const x1 = Math.max(x0 + 3, tf.x(Math.min(inc.toMs, tf.t1)));
    const w = inc.label.length * CHAR_W + 8;
    const rightEdge = LEFT + PLOT_W;
    const anchor: 'start' | 'end' = x0 + w > rightEdge ? 'end' : 'start';
    const from = anchor === 'start' ? x0 : x1 - w;
    const to = anchor === 'start' ? Math.max(x1, x0 + w) : x1;
    let lane = laneEnd.findIndex((e) => e + 6 < from);
    if (lane < 0) {
      lane = laneEnd.length < MAX_LANES ? laneEnd.length : laneEnd.indexOf(Math.min(...laneEnd));
    }
    laneEnd[lane] = to;
    out.push({ inc, lane, x0, x1, labelX: anchor === 'start' ? x0 + 6 : x1 - 6, anchor });
  }
  return out;
}

export function renderMainChart(s: ReportSeries, tf: TimeFrame, id: string, plotH = MAIN_PLOT_H): string {
  const placed = placeIncidents(tf, s.incidents ?? []);
  const lanes = placed.reduce((m, p) => Math.max(m, p.lane + 1), 0);
  const top = 8 + lanes * LANE_H;
  const bottom = top + plotH;
  const height = bottom + AXIS_H;
  const r = yRange(s);
  const vt = valueTicks(r.lo, r.hi, s.unit, plotH < 200 ? 4 : 5);
  const lo = Math.min(r.lo, vt.lo);
  const hi = Math.max(r.hi, vt.hi);
  const raw = (v: number) => bottom - ((v - lo) / (hi - lo)) * plotH;
  const ys = clampScale(raw, top - 20, bottom + 20);

  const cols = PLOT_W;
  const band = bandColumns(s.t, s.lower, s.upper, tf.t0, tf.t1, cols);
  const expected = toColumns(s.t, s.expected, tf.t0, tf.t1, cols, 'mean');
  const value = toColumns(s.t, s.value, tf.t0, tf.t1, cols, 'minmax');
  const flagged = flaggedPoints(s.t, s.score, s.value, 1, tf.t0, tf.t1, cols);

  let svg = `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(s.name)} value chart">`;
  svg += `<defs><clipPath id="${id}"><rect x="${LEFT}" y="${top}" width="${PLOT_W}" height="${plotH}"/></clipPath></defs>`;
  svg += `<rect class="plotbg" x="${LEFT}" y="${top}" width="${PLOT_W}" height="${plotH}"/>`;
  svg += weekendShading(tf, top, bottom);
  svg += trainingShading(tf, s.scoredFromMs, top, bottom, true);
  svg += valueGrid(vt.ticks, raw, top, bottom);
  svg += timeGrid(tf, top, bottom, true);
  svg += alertSpans(tf, s.alerts, top, bottom);
  svg += `<g clip-path="url(#${id})">`;
  svg += `<path class="band" d="${bandPath(band, LEFT, ys)}"/>`;
  svg += `<path class="exp" d="${linePath(expected, LEFT, ys)}"/>`;
  svg += `<path class="val" d="${linePath(value, LEFT, ys)}"/>`;
  for (const i of flagged) {
    const x = tf.x(s.t[i]);
    svg += `<circle class="${s.score[i] > 2 ? 'dc' : 'dw'}" cx="${num(x)}" cy="${num(ys(s.value[i]))}" r="2.6"/>`;
  }
  svg += '</g>';
  for (const p of placed) {
    const cls = p.inc.shouldPage ? 'page' : 'quiet';
    const y = 6 + p.lane * LANE_H;
    const tip = `${p.inc.label} (${p.inc.shouldPage ? 'should page' : 'must not page'}): ${formatDateTime(p.inc.fromMs)} for ${formatDuration(p.inc.toMs - p.inc.fromMs)}`;
    svg += `<g class="inc ${cls}"><title>${esc(tip)}</title>`;
    svg += `<line class="incEdge" x1="${num(p.x0)}" x2="${num(p.x0)}" y1="${y + 12}" y2="${bottom}"/>`;
    if (p.x1 - p.x0 > 4) {
      svg += `<line class="incEdge" x1="${num(p.x1)}" x2="${num(p.x1)}" y1="${y + 12}" y2="${bottom}"/>`;
    }
    svg += `<rect class="incBar" x="${num(p.x0)}" y="${y + 9}" width="${num(p.x1 - p.x0)}" height="4" rx="1"/>`;
    svg += `<text class="incLbl" x="${num(p.labelX)}" y="${y + 6}" text-anchor="${p.anchor}">${esc(p.inc.label)}</text></g>`;
  }
  svg += `<rect class="frame" x="${LEFT}" y="${top}" width="${PLOT_W}" height="${plotH}"/>`;
  svg += '</svg>';
  return svg;
}

/** Range of the value, for the panel header. */
export function valueSummary(s: ReportSeries): string {
  const r: Range = { lo: Infinity, hi: -Infinity };
  extent(s.value, r);
  return r.hi >= r.lo ? `${formatValue(r.lo, s.unit)} – ${formatValue(r.hi, s.unit)}` : 'no data';
}
