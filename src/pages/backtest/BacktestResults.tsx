import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Collapse, InteractiveTable, Stack, Text, useStyles2, useTheme2, type Column } from '@grafana/ui';
import { BandChart, severityColor } from '../../components/BandChart';
import { formatDuration } from '../../query/duration';
import type { BacktestAnswer, BacktestSeries, BacktestThresholdSummary } from '../../query/api';
import { formatLabels } from '../models/format';
import { alertsBySeries, alertsByWeek } from './weekly';
import { WeeklyAlerts } from './WeeklyAlerts';

interface Props {
  answer: BacktestAnswer;
  timeZone?: string;
}

/** Charts shown open at first; the rest are a click away, so a wide query stays quick to draw. */
const OPEN_AT_FIRST = 4;

/**
 * What the replay found: how often each threshold would have paged (in total and per week), then a
 * chart per series, noisiest first, with its band, score, thresholds and alert regions.
 */
export function BacktestResults({ answer, timeZone }: Props) {
  const styles = useStyles2(getStyles);
  const severities = answer.summary.map((s) => s.severity);
  const weeks = useMemo(
    () => alertsByWeek(answer.alerts, answer.fromMs, answer.toMs, severities),
    // severities derive from answer
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [answer]
  );
  const bySeries = useMemo(() => alertsBySeries(answer.alerts), [answer]);
  const ordered = useMemo(() => {
    const total = (s: BacktestSeries) => Object.values(bySeries.get(s.name) ?? {}).reduce((a, b) => a + b, 0);
    return [...answer.series].sort((a, b) => total(b) - total(a));
  }, [answer, bySeries]);
  const thresholds = answer.summary.map((s) => ({ severity: s.severity, score: s.score }));

  return (
    <Stack direction="column" gap={2}>
      {answer.notices.length > 0 && (
        <Alert severity="info" title="Notes on this backtest">
          <ul className={styles.notices}>
            {answer.notices.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </Alert>
      )}
      <section aria-label="Alert summary">
        <Stack direction="column" gap={1}>
          <Text element="h3">Would-be alerts</Text>
          <Text color="secondary">
            {answer.series.length} series, {formatDuration(answer.toMs - answer.fromMs)} at{' '}
            {formatDuration(answer.stepMs)} steps, model {answer.model}
          </Text>
          <SummaryTable summary={answer.summary} />
          {weeks.length > 1 && <WeeklyAlerts weeks={weeks} severities={severities} timeZone={timeZone} />}
        </Stack>
      </section>
      {ordered.length === 0 && <Alert severity="warning" title="The query returned no series in this range" />}
      {ordered.map((s, i) => (
        <SeriesChart
          key={s.name + formatLabels(s.labels)}
          series={s}
          counts={bySeries.get(s.name) ?? {}}
          answer={answer}
          thresholds={thresholds}
          openAtFirst={i < OPEN_AT_FIRST}
          timeZone={timeZone}
        />
      ))}
    </Stack>
  );
}

function SummaryTable({ summary }: { summary: BacktestThresholdSummary[] }) {
  const theme = useTheme2();
  const columns = useMemo<Array<Column<BacktestThresholdSummary>>>(
    () => [
      {
        id: 'severity',
        header: 'Severity',
        cell: ({ row: { original: s } }) => (
          <span style={{ color: severityColor(theme, s.severity), fontWeight: theme.typography.fontWeightMedium }}>
            {s.severity}
          </span>
        ),
      },
      {
        id: 'score',
        header: 'Fires when',
        cell: ({ row: { original: s } }) => `score > ${s.score} for ${formatDuration(s.forMs)}`,
      },
      { id: 'alerts', header: 'Alerts', cell: ({ row }) => row.original.alerts },
      {
        id: 'alertsPerWeek',
        header: 'Per week',
        cell: ({ row }) => Number(row.original.alertsPerWeek.toFixed(2)),
      },
    ],
    [theme]
  );
  return <InteractiveTable columns={columns} data={summary} getRowId={(s: BacktestThresholdSummary) => s.severity} />;
}

interface SeriesChartProps {
  series: BacktestSeries;
  counts: Record<string, number>;
  answer: BacktestAnswer;
  thresholds: Array<{ severity: string; score: number }>;
  openAtFirst: boolean;
  timeZone?: string;
}

function SeriesChart({ series, counts, answer, thresholds, openAtFirst, timeZone }: SeriesChartProps) {
  const [open, setOpen] = useState(openAtFirst);
  const alerts = useMemo(() => answer.alerts.filter((a) => a.series === series.name), [answer, series]);
  const label = (
    <Stack gap={1} alignItems="center">
      <span>{series.name}</span>
      {thresholds.map((th) => (
        <Badge
          key={th.severity}
          text={`${counts[th.severity] ?? 0} ${th.severity}`}
          color={(counts[th.severity] ?? 0) === 0 ? 'darkgrey' : /crit/i.test(th.severity) ? 'red' : 'orange'}
        />
      ))}
    </Stack>
  );
  return (
    <Collapse label={label} isOpen={open} onToggle={() => setOpen(!open)}>
      {open && (
        <BandChart
          title={series.name}
          series={series}
          alerts={alerts}
          thresholds={thresholds}
          stepMs={answer.stepMs}
          timeZone={timeZone}
        />
      )}
    </Collapse>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  notices: css({ margin: 0, paddingLeft: theme.spacing(2) }),
});
