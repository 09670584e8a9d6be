/** The score chart: anomaly score with the warning (1) and critical (2) thresholds. */
import type { Tick } from './axis';
import { alertSpans, timeGrid, trainingShading, valueGrid } from './decor';
import { toColumns } from './downsample';
import { esc } from './escape';
import { AXIS_H, LEFT, PLOT_W, SCORE_PLOT_H, WIDTH, type TimeFrame } from './geometry';
import { areaPath, clampScale, linePath, num } from './svg';
import type { ReportSeries } from './types';

/**
 * Scores run to the hundreds during real incidents. A square-root axis capped at 8 keeps the
 * thresholds at 1 and 2 well apart while still showing how far above them a score went.
 */
function axisMax(peak: number): number {
  return peak <= 2.7 ? 3 : peak <= 3.6 ? 4 : 8;
}

export function renderScoreChart(s: ReportSeries, tf: TimeFrame, id: string): string {
  const top = 6;
  const bottom = top + SCORE_PLOT_H;
  const height = bottom + AXIS_H;
  let peak = 0;
  for (let i = 0; i < s.score.length; i++) {
    if (s.score[i] > peak) {
      peak = s.score[i];
    }
  }
  const yMax = axisMax(peak);
  const raw = (v: number) => bottom - Math.sqrt(Math.max(0, v) / yMax) * SCORE_PLOT_H;
  const ys = clampScale(raw, top - 1, bottom + 1);
  // 1 and 2 always get labels, in their threshold colours, instead of text on the lines.
  const ticks: Tick[] = [
    { at: 0, label: '0' },
    { at: 1, label: '1', cls: 'w' },
    { at: 2, label: '2', cls: 'c' },
  ];
  for (const v of yMax === 3 ? [3] : yMax === 4 ? [4] : [4, 8]) {
    ticks.push({ at: v, label: String(v) });
  }

  const line = toColumns(s.t, s.score, tf.t0, tf.t1, PLOT_W, 'max');
  const d = linePath(line, LEFT, ys);
  const area = areaPath(line, LEFT, ys, bottom);
  const y1 = num(raw(1));
  const y2 = num(raw(2));
  let svg = `<svg class="chart score" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(s.name)} anomaly score">`;
  svg += `<defs><clipPath id="${id}"><rect x="${LEFT}" y="${top}" width="${PLOT_W}" height="${SCORE_PLOT_H}"/></clipPath></defs>`;
  svg += `<rect class="plotbg" x="${LEFT}" y="${top}" width="${PLOT_W}" height="${SCORE_PLOT_H}"/>`;
  svg += `<rect class="zoneW" x="${LEFT}" y="${y2}" width="${PLOT_W}" height="${num(raw(1) - raw(2))}"/>`;
  svg += `<rect class="zoneC" x="${LEFT}" y="${top}" width="${PLOT_W}" height="${num(raw(2) - top)}"/>`;
  svg += trainingShading(tf, s.scoredFromMs, top, bottom, false);
  svg += valueGrid(ticks, raw, top, bottom);
  svg += timeGrid(tf, top, bottom, true);
  svg += alertSpans(tf, s.alerts, top, bottom);
  svg += `<g clip-path="url(#${id})"><path class="scoreArea" d="${area}"/><path class="scoreLine" d="${d}"/></g>`;
  svg += `<line class="thW" x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${y1}" y2="${y1}"/>`;
  svg += `<line class="thC" x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${y2}" y2="${y2}"/>`;
  if (peak > yMax) {
    svg += `<text class="clipLbl" x="${LEFT + 6}" y="${top + 12}">clipped at ${yMax} (peak ${peak.toFixed(1)})</text>`;
  }
  svg += `<rect class="frame" x="${LEFT}" y="${top}" width="${PLOT_W}" height="${SCORE_PLOT_H}"/>`;
  svg += '</svg>';
  return svg;
}
