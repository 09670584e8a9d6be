/** The score chart: anomaly score with the warning (1) and critical (2) thresholds. */
import { alertSpans, timeGrid, trainingShading, valueGrid } from './decor';
import { toColumns } from './downsample';
import { esc } from './escape';
import { AXIS_H, LEFT, PLOT_W, SCORE_PLOT_H, WIDTH, type TimeFrame } from './geometry';
import { areaPath, clampScale, linePath, num } from './svg';
import type { ReportSeries } from './types';

/** Scores run to the hundreds during real incidents; past this the line is clipped at the top. */
const MAX_AXIS = 8;

export function renderScoreChart(s: ReportSeries, tf: TimeFrame, id: string): string {
  const top = 6;
  const bottom = top + SCORE_PLOT_H;
  const height = bottom + AXIS_H;
  let peak = 0;
  for (let i = 0; i < s.score.length; i++) if (s.score[i] > peak) peak = s.score[i];
  const yMax = Math.max(3, Math.min(MAX_AXIS, Math.ceil(peak * 1.1)));
  const raw = (v: number) => bottom - (v / yMax) * SCORE_PLOT_H;
  const ys = clampScale(raw, top - 1, bottom + 1);
  const step = yMax <= 4 ? 1 : 2;
  const ticks = [];
  for (let v = 0; v <= yMax; v += step) ticks.push({ at: v, label: String(v) });

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
  svg += `<text class="thLbl w" x="${LEFT + PLOT_W - 6}" y="${num(raw(1) - 4)}">warning</text>`;
  svg += `<text class="thLbl c" x="${LEFT + PLOT_W - 6}" y="${num(raw(2) - 4)}">critical</text>`;
  if (peak > yMax) svg += `<text class="clipLbl" x="${LEFT + 6}" y="${top + 12}">clipped at ${yMax} (peak ${peak.toFixed(1)})</text>`;
  svg += `<rect class="frame" x="${LEFT}" y="${top}" width="${PLOT_W}" height="${SCORE_PLOT_H}"/>`;
  svg += '</svg>';
  return svg;
}
