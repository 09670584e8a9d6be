import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { severityColor } from '../../components/BandChart';
import type { WeekBucket } from './weekly';

interface Props {
  weeks: readonly WeekBucket[];
  severities: readonly string[];
  timeZone?: string;
}

const BAR_W = 14;
const H = 80;

/** Alerts per week as grouped bars, one group per week and one bar per severity. */
export function WeeklyAlerts({ weeks, severities, timeZone }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const max = Math.max(1, ...weeks.flatMap((w) => severities.map((s) => w.counts[s] ?? 0)));
  const groupW = severities.length * BAR_W + 16;
  const width = Math.max(groupW * weeks.length, 120);
  return (
    <svg role="img" aria-label="Alerts per week" width={width} height={H + 34} className={styles.svg}>
      {weeks.map((w, i) => (
        <g key={w.startMs} transform={`translate(${i * groupW + 8},0)`}>
          {severities.map((s, j) => {
            const n = w.counts[s] ?? 0;
            const h = (n / max) * H;
            return (
              <g key={s} data-testid="week-bar" data-severity={s} data-count={n}>
                <title>{`${s}: ${n} alert${n === 1 ? '' : 's'} in the week from ${dateTimeFormat(w.startMs, { format: 'YYYY-MM-DD', timeZone })}`}</title>
                <rect
                  x={j * BAR_W}
                  y={H - h + 14}
                  width={BAR_W - 3}
                  height={Math.max(h, 1)}
                  fill={severityColor(theme, s)}
                />
                <text x={j * BAR_W + (BAR_W - 3) / 2} y={H - h + 11} className={styles.count} textAnchor="middle">
                  {n}
                </text>
              </g>
            );
          })}
          <text x={(severities.length * BAR_W - 3) / 2} y={H + 28} className={styles.label} textAnchor="middle">
            {dateTimeFormat(w.startMs, { format: 'MM-DD', timeZone })}
          </text>
        </g>
      ))}
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', maxWidth: '100%', overflowX: 'auto' }),
  count: css({ fill: theme.colors.text.primary, fontSize: theme.typography.bodySmall.fontSize }),
  label: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
