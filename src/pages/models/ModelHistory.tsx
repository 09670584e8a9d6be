import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, InteractiveTable, LoadingPlaceholder, Stack, Text, useStyles2, type Column } from '@grafana/ui';
import { errorMessage, type VigilResources } from '../../components/resources';
import type { ModelAnswer, ModelVersion } from '../../query/api';
import { formatBytes, formatFitStats, formatSpan, formatTime } from './format';

interface Props {
  resources: VigilResources;
  modelKey: string;
  /** Bumped by the registry after something changed the key (a training saved a version). */
  revision: number;
  /** A change was made here (pin, unpin, rollback): the registry reloads its row. */
  onChanged: () => void;
  onError: (title: string, message: string) => void;
}

/** One key's version history, newest first, with pin / unpin / roll back. */
export function ModelHistory({ resources, modelKey, revision, onChanged, onError }: Props) {
  const styles = useStyles2(getStyles);
  const [model, setModel] = useState<ModelAnswer | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    resources.model(modelKey).then(
      (m) => current && setModel(m),
      (e) => current && onError('Could not load the version history', errorMessage(e))
    );
    return () => {
      current = false;
    };
  }, [resources, modelKey, revision, onError]);

  const act = useCallback(
    async (what: string, call: () => Promise<ModelAnswer>) => {
      setBusy(true);
      try {
        setModel(await call());
        onChanged();
      } catch (e) {
        onError(`Could not ${what}`, errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    [onChanged, onError]
  );

  const columns = useMemo<Array<Column<ModelVersion>>>(
    () => [
      {
        id: 'version',
        header: 'Version',
        cell: ({ row: { original: v } }) => (
          <Stack gap={0.5} alignItems="center">
            <span>v{v.version}</span>
            {v.active && <Badge text="active" color="green" />}
            {v.pinned && <Badge text="pinned" color="blue" icon="lock" />}
          </Stack>
        ),
      },
      { id: 'createdAtMs', header: 'Created', cell: ({ row }) => formatTime(row.original.createdAtMs) },
      { id: 'kind', header: 'Kind', cell: ({ row }) => row.original.kind },
      {
        id: 'training',
        header: 'Training window',
        cell: ({ row: { original: v } }) => (
          <span title={`${formatTime(v.training.fromMs)} – ${formatTime(v.training.toMs)}`}>
            {formatSpan(v.training.fromMs, v.training.toMs)} to {formatTime(v.training.toMs)}
          </span>
        ),
      },
      {
        id: 'points',
        header: 'Points',
        cell: ({ row: { original: v } }) => `${v.training.points} @ ${formatSpan(0, v.training.stepMs)}`,
      },
      {
        id: 'fitStats',
        header: 'Fit statistics',
        cell: ({ row }) => (
          <div className={styles.stats}>
            {formatFitStats(row.original.fitStats).map((s) => (
              <div key={s}>{s}</div>
            ))}
          </div>
        ),
      },
      { id: 'libraryVersion', header: 'Library', cell: ({ row }) => row.original.libraryVersion },
      { id: 'byteSize', header: 'Size', cell: ({ row }) => formatBytes(row.original.byteSize) },
      {
        id: 'actions',
        header: '',
        cell: ({ row: { original: v } }) =>
          v.pinned ? null : (
            <Button
              size="sm"
              variant="secondary"
              icon="lock"
              disabled={busy}
              aria-label={`Pin version ${v.version}`}
              tooltip="Use this version until unpinned, even after newer trainings"
              onClick={() => act(`pin version ${v.version}`, () => resources.pin(modelKey, v.version))}
            >
              Pin
            </Button>
          ),
      },
    ],
    [styles, busy, act, resources, modelKey]
  );

  if (!model) {
    return <LoadingPlaceholder text="Loading version history..." />;
  }
  const hasEarlier = model.history.some((v) => v.version < model.activeVersion);
  return (
    <Stack direction="column" gap={1}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Text color="secondary">
          {model.history.length} version{model.history.length === 1 ? '' : 's'}; active v{model.activeVersion}
          {model.pinnedVersion !== null ? ` (pinned)` : ' (latest)'}
        </Text>
        <Button
          size="sm"
          variant="secondary"
          icon="history"
          disabled={busy || !hasEarlier}
          tooltip={hasEarlier ? 'Pin the version before the active one' : 'No earlier version to roll back to'}
          onClick={() => act('roll back', () => resources.rollback(modelKey))}
        >
          Roll back
        </Button>
        {model.pinnedVersion !== null && (
          <Button
            size="sm"
            variant="secondary"
            icon="unlock"
            disabled={busy}
            tooltip="Follow the latest training again"
            onClick={() => act('unpin', () => resources.unpin(modelKey))}
          >
            Unpin
          </Button>
        )}
      </Stack>
      <InteractiveTable
        columns={columns}
        data={model.history}
        getRowId={(v: ModelVersion) => String(v.version)}
        pageSize={10}
      />
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  stats: css({ fontSize: theme.typography.bodySmall.fontSize, color: theme.colors.text.secondary }),
});
