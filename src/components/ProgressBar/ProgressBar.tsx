import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

interface Props {
  /** 0..1; clamped. */
  value: number;
  /** What is happening, shown beside the bar and read out with it. */
  label: string;
  failed?: boolean;
}

/** A determinate progress bar (Grafana's LoadingBar only animates, it cannot show how far). */
export function ProgressBar({ value, label, failed = false }: Props) {
  const styles = useStyles2(getStyles);
  const pct = Math.round(Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0)) * 100);
  return (
    <div className={styles.row}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}% ${label}`}
        className={styles.track}
      >
        <div className={failed ? styles.failed : styles.fill} style={{ width: `${pct}%` }} />
      </div>
      <span className={styles.text}>
        {pct}% {label}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => {
  const bar = { height: '100%', borderRadius: theme.shape.radius.default, transition: 'width 0.3s ease' };
  return {
    row: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), minWidth: 240 }),
    track: css({
      flex: '1 1 120px',
      height: theme.spacing(1),
      background: theme.colors.background.secondary,
      border: `1px solid ${theme.colors.border.weak}`,
      borderRadius: theme.shape.radius.default,
      overflow: 'hidden',
    }),
    fill: css({ ...bar, background: theme.colors.primary.main }),
    failed: css({ ...bar, background: theme.colors.error.main }),
    text: css({
      color: theme.colors.text.secondary,
      fontSize: theme.typography.bodySmall.fontSize,
      whiteSpace: 'nowrap',
    }),
  };
};
