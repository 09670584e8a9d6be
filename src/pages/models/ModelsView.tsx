import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  Combobox,
  ConfirmModal,
  EmptyState,
  FilterInput,
  IconButton,
  InteractiveTable,
  LoadingPlaceholder,
  Stack,
  Text,
  useStyles2,
  type Column,
} from '@grafana/ui';
import { ProgressBar } from '../../components/ProgressBar/ProgressBar';
import { errorMessage, type VigilResources } from '../../components/resources';
import type { Job, ModelSummary } from '../../query/api';
import { formatAgo, formatLabels, searchText } from './format';
import { listAllModels } from './listAllModels';
import { ModelHistory } from './ModelHistory';
import { useTrainingJobs } from './useTrainingJobs';

export interface ModelsViewProps {
  resources: VigilResources;
  /** How often a running training is polled. */
  pollMs?: number;
  pageSize?: number;
}

interface Problem {
  title: string;
  message: string;
}

/**
 * The model registry of one data source: every stored key with its series, kind and versions;
 * expand a row for the version history. Needs only a resource client, so it renders in Grafana
 * (via the Models page) and in the browser harness alike.
 */
export function ModelsView({ resources, pollMs = 1000, pageSize = 20 }: ModelsViewProps) {
  const styles = useStyles2(getStyles);
  const [models, setModels] = useState<{ items: ModelSummary[]; total: number } | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<string | undefined>();
  const [toDelete, setToDelete] = useState<ModelSummary | undefined>();
  const [revisions, setRevisions] = useState<Record<string, number>>({});

  const onError = useCallback((title: string, message: string) => setProblem({ title, message }), []);
  const reload = useCallback(
    () =>
      listAllModels(resources).then(setModels, (e) => {
        setModels((m) => m ?? { items: [], total: 0 });
        onError('Could not list the models', errorMessage(e));
      }),
    [resources, onError]
  );
  // The page remounts this view per data source (key), so a new client starts from "loading".
  useEffect(() => {
    reload();
  }, [reload]);

  const onTrainingFinished = useCallback(
    (job: Job) => {
      if (job.state === 'failed') {
        onError('Training failed', job.error ?? job.stage);
      }
      setRevisions((r) => ({ ...r, [job.key]: (r[job.key] ?? 0) + 1 }));
      reload();
    },
    [reload, onError]
  );
  const onTrainingError = useCallback((m: string) => onError('Could not retrain', m), [onError]);
  const { jobs, start } = useTrainingJobs(resources, pollMs, onTrainingFinished, onTrainingError);

  const remove = async (m: ModelSummary) => {
    setToDelete(undefined);
    try {
      await resources.deleteModel(m.key);
      await reload();
    } catch (e) {
      onError('Could not delete the model', errorMessage(e));
    }
  };

  const kinds = useMemo(() => [...new Set((models?.items ?? []).map((m) => m.kind))].sort(), [models]);
  const shown = useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    return (models?.items ?? []).filter(
      (m) => (kind === undefined || m.kind === kind) && words.every((w) => searchText(m).includes(w))
    );
  }, [models, search, kind]);

  const columns = useMemo<Array<Column<ModelSummary>>>(
    () => [
      {
        id: 'series',
        header: 'Series',
        cell: ({ row: { original: m } }) => (
          <div className={styles.series}>
            <code>{m.parts?.expr ?? m.key}</code>
            {m.parts && <span className={styles.labels}>{formatLabels(m.parts.labels)}</span>}
          </div>
        ),
      },
      { id: 'kind', header: 'Kind', sortType: 'string', cell: ({ row }) => row.original.kind },
      {
        id: 'activeVersion',
        header: 'Active',
        cell: ({ row: { original: m } }) => (
          <Stack gap={0.5} alignItems="center">
            <span>v{m.activeVersion}</span>
            {m.pinnedVersion !== null ? (
              <Badge text={`pinned v${m.pinnedVersion}`} color="blue" icon="lock" />
            ) : (
              <Badge text="latest" color="green" />
            )}
          </Stack>
        ),
      },
      {
        id: 'versionCount',
        header: 'Versions',
        sortType: 'number',
        cell: ({ row: { original: m } }) => `${m.versionCount} (latest v${m.latestVersion})`,
      },
      {
        id: 'lastTrainedMs',
        header: 'Last trained',
        sortType: 'number',
        cell: ({ row }) => formatAgo(row.original.lastTrainedMs),
      },
      {
        id: 'training',
        header: 'Training',
        cell: ({ row: { original: m } }) => <TrainingCell job={jobs[m.key]} />,
      },
      {
        id: 'actions',
        header: '',
        cell: ({ row: { original: m } }) => {
          const job = jobs[m.key];
          const running = job !== undefined && (job.state === 'queued' || job.state === 'running');
          return (
            <Stack gap={1} justifyContent="flex-end">
              <Button
                size="sm"
                variant="secondary"
                icon="sync"
                disabled={running}
                aria-label={`Retrain ${m.parts?.expr ?? m.key} ${formatLabels(m.parts?.labels)}`}
                tooltip="Train a new version now on the key's training window"
                onClick={() => start(m.key)}
              >
                Retrain
              </Button>
              <IconButton
                name="trash-alt"
                variant="destructive"
                aria-label={`Delete ${m.parts?.expr ?? m.key} ${formatLabels(m.parts?.labels)}`}
                onClick={() => setToDelete(m)}
              />
            </Stack>
          );
        },
      },
    ],
    [styles, jobs, start]
  );

  return (
    <Stack direction="column" gap={2}>
      {problem && (
        <Alert severity="error" title={problem.title} onRemove={() => setProblem(undefined)}>
          {problem.message}
        </Alert>
      )}
      <Stack gap={1} alignItems="center" wrap="wrap">
        <div className={styles.search}>
          <FilterInput placeholder="Search query, labels, kind" value={search} onChange={setSearch} />
        </div>
        <Combobox
          id="vigil-models-kind"
          aria-labelledby="vigil-models-kind"
          width={20}
          isClearable
          placeholder="All kinds"
          value={kind ?? null}
          options={kinds.map((k) => ({ label: k, value: k }))}
          onChange={(o) => setKind(o?.value ?? undefined)}
        />
        <Button variant="secondary" icon="sync" onClick={() => reload()} tooltip="Reload the list">
          Refresh
        </Button>
        {models && (
          <Text color="secondary">
            {shown.length === models.items.length
              ? `${models.items.length} models`
              : `${shown.length} of ${models.items.length} models`}
          </Text>
        )}
      </Stack>
      {models && models.total > models.items.length && (
        <Alert severity="info" title="Not every model is listed">
          Showing the first {models.items.length} of {models.total} models.
        </Alert>
      )}
      {!models ? (
        <LoadingPlaceholder text="Loading models..." />
      ) : models.items.length === 0 ? (
        <EmptyState variant="call-to-action" message="No models stored yet">
          Models are trained and stored the first time a panel or alert rule runs a Vigil query.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState variant="not-found" message="No model matches the search" />
      ) : (
        <InteractiveTable
          columns={columns}
          data={shown}
          getRowId={(m: ModelSummary) => m.key}
          pageSize={pageSize}
          autoResetPage
          renderExpandedRow={(m) => (
            <ModelHistory
              resources={resources}
              modelKey={m.key}
              revision={revisions[m.key] ?? 0}
              onChanged={reload}
              onError={onError}
            />
          )}
        />
      )}
      <ConfirmModal
        isOpen={toDelete !== undefined}
        title="Delete model"
        body={
          toDelete && (
            <span>
              Delete every version of <code>{toDelete.parts?.expr ?? toDelete.key}</code>{' '}
              {formatLabels(toDelete.parts?.labels)}? Panels and alerts train a new model the next time they run.
            </span>
          )
        }
        confirmText="Delete"
        onConfirm={() => toDelete && remove(toDelete)}
        onDismiss={() => setToDelete(undefined)}
      />
    </Stack>
  );
}

function TrainingCell({ job }: { job: Job | undefined }) {
  if (!job) {
    return null;
  }
  if (job.state === 'done') {
    return (
      <Badge text={job.version !== undefined ? `trained v${job.version}` : 'trained'} color="green" icon="check" />
    );
  }
  if (job.state === 'failed') {
    return <Badge text="training failed" color="red" icon="exclamation-triangle" tooltip={job.error} />;
  }
  return <ProgressBar value={job.progress} label={job.stage || job.state} />;
}

const getStyles = (theme: GrafanaTheme2) => ({
  series: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.25), wordBreak: 'break-all' }),
  labels: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  search: css({ flex: '1 1 240px', maxWidth: 480 }),
});
