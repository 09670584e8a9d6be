/** Decorations both charts share: time grid/axis, alert spans, weekend and training shading. */
import { formatDateTime, formatDuration, timeTicks, type Tick } from './axis';
import { esc } from './escape';
import { LEFT, PLOT_W, type TimeFrame } from './geometry';
import { num, type Scale } from './svg';
import type { ReportAlert } from './types';

const DAY = 86_400_000;

export function timeGrid(tf: TimeFrame, top: number, bottom: number, labels: boolean): string {
  const ticks = timeTicks(tf.t0, tf.t1, Math.floor(PLOT_W / 95));
  let s = '';
  // With weekly labels, unlabelled day lines keep individual days countable.
  if (ticks.length > 1 && ticks[1].at - ticks[0].at >= 7 * DAY) {
    for (let t = Math.ceil(tf.t0 / DAY) * DAY; t <= tf.t1; t += DAY) {
      const x = num(tf.x(t));
      s += `<line class="grid minor" x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"/>`;
    }
  }
  for (const k of ticks) {
    const x = num(tf.x(k.at));
    s += `<line class="grid" x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"/>`;
    if (labels) {
      // Labels at the plot edges would spill into the value axis or off the chart.
      const px = tf.x(k.at);
      const anchor = px - LEFT < 34 ? ' text-anchor="start"' : LEFT + PLOT_W - px < 34 ? ' text-anchor="end"' : '';
      s += `<text class="tl" x="${x}" y="${bottom + 16}"${anchor}>${esc(k.label)}</text>`;
    }
  }
  return s;
}

export function valueGrid(ticks: Tick[], ys: Scale, top: number, bottom: number): string {
  let s = '';
  for (const k of ticks) {
    const y = ys(k.at);
    if (y < top - 0.5 || y > bottom + 0.5) {
      continue;
    }
    s += `<line class="grid" x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${num(y)}" y2="${num(y)}"/>`;
    s += `<text class="vl${k.cls ? ` ${k.cls}` : ''}" x="${LEFT - 8}" y="${num(y + 4)}">${esc(k.label)}</text>`;
  }
  return s;
}

/** Saturday and Sunday, faintly, so the weekly pattern reads at a glance. */
export function weekendShading(tf: TimeFrame, top: number, bottom: number): string {
  const span = tf.t1 - tf.t0;
  if (span < 3 * DAY || span > 120 * DAY) {
    return '';
  }
  let s = '';
  // 1970-01-03 was a Saturday.
  const first = 2 * DAY + Math.floor((tf.t0 - 2 * DAY) / (7 * DAY)) * 7 * DAY;
  for (let t = first; t < tf.t1; t += 7 * DAY) {
    const a = Math.max(tf.t0, t);
    const b = Math.min(tf.t1, t + 2 * DAY);
    if (b <= a) {
      continue;
    }
    s += `<rect class="wknd" x="${num(tf.x(a))}" y="${top}" width="${num(tf.x(b) - tf.x(a))}" height="${bottom - top}"/>`;
  }
  return s;
}

export function trainingShading(
  tf: TimeFrame,
  scoredFromMs: number | undefined,
  top: number,
  bottom: number,
  label: boolean
): string {
  if (scoredFromMs === undefined || !(scoredFromMs > tf.t0)) {
    return '';
  }
  const x1 = tf.x(Math.min(scoredFromMs, tf.t1));
  let s = `<rect class="train" x="${LEFT}" y="${top}" width="${num(x1 - LEFT)}" height="${bottom - top}"/>`;
  s += `<line class="trainEdge" x1="${num(x1)}" x2="${num(x1)}" y1="${top}" y2="${bottom}"/>`;
  if (label && x1 - LEFT > 70) {
    s += `<text class="trainLbl" x="${num(x1 - 6)}" y="${top + 14}">training</text>`;
  }
  return s;
}

/** Alert spans as shaded vertical bands, at least 2 px wide so one-point alerts still show. */
export function alertSpans(tf: TimeFrame, alerts: readonly ReportAlert[], top: number, bottom: number): string {
  let s = '';
  for (const a of alerts) {
    if (a.toMs < tf.t0 || a.fromMs > tf.t1) {
      continue;
    }
    const x0 = tf.x(Math.max(a.fromMs, tf.t0));
    const w = Math.max(2, tf.x(Math.min(a.toMs, tf.t1)) - x0);
    const tip = `${a.severity} alert: ${formatDateTime(a.fromMs)} for ${formatDuration(a.toMs - a.fromMs)}, peak score ${a.peakScore.toFixed(2)}`;
    s += `<rect class="al ${a.severity === 'critical' ? 'crit' : 'warn'}" x="${num(x0 - (w === 2 ? 1 : 0))}" y="${top}" width="${num(w)}" height="${bottom - top}"><title>${esc(tip)}</title></rect>`;
  }
  return s;
}
