import React, { useMemo, useRef } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import {
  areaPath,
  columns,
  DAY,
  envelopePath,
  extent,
  formatTick,
  linear,
  linePath,
  niceTicks,
  reduce,
  timeTicks,
  type Sample,
} from './geometry';
import { useContainerWidth } from './useContainerWidth';

export interface BandSeries {
  t: readonly number[];
  value: readonly Sample[];
  expected: readonly Sample[];
  lower: readonly Sample[];
  upper: readonly Sample[];
  score: readonly Sample[];
}

export interface AlertRegion {
  severity: string;
  pendingFromMs: number;
  fromMs: number;
  toMs: number;
  peakScore: number;
}

export interface ScoreThreshold {
  severity: string;
  score: number;
}

export interface BandChartProps {
  /** Names the chart for screen readers and tests. */
  title: string;
  series: BandSeries;
  alerts?: readonly AlertRegion[];
  thresholds?: readonly ScoreThreshold[];
  /** Step of the series, to give a one-sample alert a visible width. */
  stepMs?: number;
  /** Fixed width in px; by default the chart fills its container. */
  width?: number;
  timeZone?: string;
}

const MARGIN = { left: 52, right: 12 };
const VALUE_H = 170;
const GAP = 10;
const SCORE_H = 70;
const AXIS_H = 20;
const HEIGHT = VALUE_H + GAP + SCORE_H + AXIS_H;

/** The colour Grafana uses for a severity: critical red, warning orange, anything else blue. */
export function severityColor(theme: GrafanaTheme2, severity: string): string {
  if (/crit|page|error|high/i.test(severity)) {
    return theme.colors.error.main;
  }
  if (/warn/i.test(severity)) {
    return theme.colors.warning.main;
  }
  return theme.colors.info.main;
}

/**
 * One series as a picture: the value over its expected band (top), the anomaly score with the
 * alert thresholds (bottom), and where alerts would have been pending or firing shaded across
 * both. Plain SVG with theme colours, so it renders wherever @grafana/ui's theme does.
 */
export function BandChart({
  title,
  series,
  alerts = [],
  thresholds = [],
  stepMs = 0,
  width,
  timeZone,
}: BandChartProps) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const measured = useContainerWidth(ref, 800);
  const w = Math.max(200, width ?? measured);
  const plotW = w - MARGIN.left - MARGIN.right;
  const t = series.t;
  const fromMs = t.length > 0 ? t[0] : 0;
  const toMs = t.length > 0 ? t[t.length - 1] : 1;

  const g = useMemo(() => {
    const sx = linear([fromMs, toMs], [MARGIN.left, MARGIN.left + plotW]);
    const cols = columns(t, sx, plotW);
    const vMin = reduce(series.value, cols, 'min');
    const vMax = reduce(series.value, cols, 'max');
    const lo = reduce(series.lower, cols, 'min');
    const hi = reduce(series.upper, cols, 'max');
    const exp = reduce(series.expected, cols, 'mean');
    const score = reduce(series.score, cols, 'max');
    const [v0, v1] = extent(vMin, vMax, lo, hi) ?? [0, 1];
    const vTicks = niceTicks(v0, v1, 4);
    const sy = linear(vTicks.domain, [VALUE_H, 4]);
    const sTop = Math.max(extent(score)?.[1] ?? 0, ...thresholds.map((th) => th.score * 1.25), 1);
    const sTicks = niceTicks(0, sTop, 2);
    const scoreY0 = VALUE_H + GAP;
    const ss = linear(sTicks.domain, [scoreY0 + SCORE_H, scoreY0 + 2]);
    return {
      sx,
      sy,
      ss,
      vTicks: vTicks.ticks,
      sTicks: sTicks.ticks,
      band: areaPath(cols.x, lo, hi, sy),
      expected: linePath(cols.x, exp, sy),
      value: envelopePath(cols.x, vMin, vMax, sy),
      score: linePath(cols.x, score, ss),
      time: timeTicks(fromMs, toMs, Math.max(2, Math.floor(plotW / 110))),
    };
  }, [series, t, fromMs, toMs, plotW, thresholds]);

  const clampX = (ms: number) => Math.min(MARGIN.left + plotW, Math.max(MARGIN.left, g.sx(ms)));
  const timeFormat = g.time.stepMs >= DAY ? 'MM-DD' : toMs - fromMs > DAY ? 'MM-DD HH:mm' : 'HH:mm';
  const fmt = (ms: number, f = 'YYYY-MM-DD HH:mm') => dateTimeFormat(ms, { format: f, timeZone });
  const blue = theme.visualization.getColorByName('blue');
  const purple = theme.visualization.getColorByName('purple');

  return (
    <div ref={ref} className={styles.container}>
      <svg
        role="img"
        aria-label={`${title}: value with its expected band, and the anomaly score`}
        width={w}
        height={HEIGHT}
        viewBox={`0 0 ${w} ${HEIGHT}`}
        className={styles.svg}
      >
        {g.vTicks.map((v) => (
          <g key={`v${v}`}>
            <line
              x1={MARGIN.left}
              x2={MARGIN.left + plotW}
              y1={g.sy(v)}
              y2={g.sy(v)}
              stroke={theme.colors.border.weak}
            />
            <text x={MARGIN.left - 6} y={g.sy(v)} className={styles.tick} textAnchor="end" dominantBaseline="middle">
              {formatTick(v)}
            </text>
          </g>
        ))}
        {g.sTicks.map((v) => (
          <text
            key={`s${v}`}
            x={MARGIN.left - 6}
            y={g.ss(v)}
            className={styles.tick}
            textAnchor="end"
            dominantBaseline="middle"
          >
            {formatTick(v)}
          </text>
        ))}
        <rect
          x={MARGIN.left}
          y={VALUE_H + GAP}
          width={plotW}
          height={SCORE_H}
          fill="none"
          stroke={theme.colors.border.weak}
        />
        {alerts.map((a, i) => {
          const color = severityColor(theme, a.severity);
          const x0 = clampX(a.pendingFromMs);
          const x1 = clampX(a.fromMs);
          const x2 = Math.max(clampX(a.toMs + stepMs), x1 + 2);
          return (
            <g key={i} data-testid="alert-region" data-severity={a.severity}>
              <title>{`${a.severity}: fired ${fmt(a.fromMs)}, until ${fmt(a.toMs)}, peak score ${a.peakScore.toFixed(2)}`}</title>
              <rect
                x={x0}
                y={0}
                width={Math.max(0, x1 - x0)}
                height={VALUE_H + GAP + SCORE_H}
                fill={color}
                opacity={0.08}
              />
              <rect x={x1} y={0} width={x2 - x1} height={VALUE_H + GAP + SCORE_H} fill={color} opacity={0.22} />
            </g>
          );
        })}
        <path d={g.band} fill={blue} fillOpacity={0.18} stroke="none" data-testid="band" />
        <path d={g.expected} fill="none" stroke={blue} strokeWidth={1.5} strokeDasharray="5 3" data-testid="expected" />
        <path d={g.value} fill="none" stroke={theme.colors.text.primary} strokeWidth={1.25} data-testid="value" />
        {thresholds.map((th) => (
          <g key={th.severity} data-testid="threshold">
            <line
              x1={MARGIN.left}
              x2={MARGIN.left + plotW}
              y1={g.ss(th.score)}
              y2={g.ss(th.score)}
              stroke={severityColor(theme, th.severity)}
              strokeDasharray="4 3"
            />
            <text x={MARGIN.left + plotW - 4} y={g.ss(th.score) - 3} className={styles.tick} textAnchor="end">
              {`${th.severity} > ${th.score}`}
            </text>
          </g>
        ))}
        <path d={g.score} fill="none" stroke={purple} strokeWidth={1.25} data-testid="score" />
        {g.time.ticks.map((ms) => (
          <text key={ms} x={g.sx(ms)} y={HEIGHT - 6} className={styles.tick} textAnchor="middle">
            {fmt(ms, timeFormat)}
          </text>
        ))}
      </svg>
      <div className={styles.legend} aria-hidden>
        <span>
          <i className={styles.swatch} style={{ background: theme.colors.text.primary }} /> value
        </span>
        <span>
          <i className={styles.swatch} style={{ background: blue }} /> expected and band
        </span>
        <span>
          <i className={styles.swatch} style={{ background: purple }} /> score
        </span>
        {thresholds.map((th) => (
          <span key={th.severity}>
            <i className={styles.swatch} style={{ background: severityColor(theme, th.severity) }} /> {th.severity}{' '}
            alert
          </span>
        ))}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ width: '100%', overflow: 'hidden' }),
  svg: css({ display: 'block' }),
  tick: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    paddingLeft: MARGIN.left,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  swatch: css({
    display: 'inline-block',
    width: theme.spacing(1.5),
    height: theme.spacing(0.5),
    verticalAlign: 'middle',
    marginRight: theme.spacing(0.5),
  }),
});
