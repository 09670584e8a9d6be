import React, { useEffect, useMemo } from 'react';
import { type QueryEditorProps, type SelectableValue } from '@grafana/data';
import {
  Alert,
  Button,
  Checkbox,
  InlineField,
  InlineFieldRow,
  InlineLabel,
  Input,
  RadioButtonGroup,
  Select,
  Stack,
} from '@grafana/ui';
import type { Direction, ModelKind, Seasonality } from '../../model/types';
import { migrateQuery } from '../../query/migration';
import type { BacktestQuery, Execution, OutputKind, QueryOptions, VigilQuery } from '../../query/types';
import { validateQuery, type QueryError } from '../../query/validate';
import { DEFAULT_BACKTEST_THRESHOLDS, DEFAULT_FOR, DEFAULT_REFIT_EVERY } from '../../query/defaults';
import { isAlerting, type DataSource } from '../datasource';
import { MODEL_DESCRIPTIONS, MODEL_OPTIONS } from '../modelInfo';
import type { VigilDataSourceOptions } from '../types';
import { PromQLField } from './PromQLField';

type Props = QueryEditorProps<DataSource, VigilQuery, VigilDataSourceOptions>;

const LABEL = 20;

const OUTPUTS: Array<{ value: OutputKind; label: string; tip: string }> = [
  { value: 'value', label: 'Value', tip: 'The observed series, as Prometheus returned it.' },
  { value: 'expected', label: 'Expected', tip: 'What the model expected at each point (its forecast or profile).' },
  { value: 'band', label: 'Band', tip: 'Lower and upper edge of the normal range; a point outside scores above 1.' },
  {
    value: 'score',
    label: 'Score',
    tip: '0 = as expected, 1 = on the band edge, above 1 = outside. Alert rules threshold this.',
  },
  {
    value: 'anomalies',
    label: 'Anomalies',
    tip: 'The value only where the score is above 1: points to mark on a panel.',
  },
];

const DIRECTIONS: Array<SelectableValue<Direction>> = [
  { value: 'both', label: 'Both', description: 'Flag values above and below the band' },
  { value: 'above', label: 'Above', description: 'Only values above the band (latency, errors)' },
  { value: 'below', label: 'Below', description: 'Only values below the band (throughput, traffic)' },
];

const SEASONALITIES: Array<SelectableValue<Seasonality>> = [
  { value: 'auto', label: 'Auto', description: 'Detect a daily or weekly cycle from the training data' },
  { value: 'daily', label: 'Daily', description: 'A 24 h cycle' },
  { value: 'weekly', label: 'Weekly', description: 'A 7 day cycle (weekdays differ from weekends)' },
  { value: 'none', label: 'None', description: 'No cycle' },
];

const EXECUTIONS: Array<SelectableValue<Execution>> = [
  { value: 'backend', label: 'Backend', description: 'The plugin backend scores with stored models (what alerts use)' },
  {
    value: 'browser',
    label: 'Browser',
    description: 'This browser trains and scores in a Web Worker; nothing is stored',
  },
];

export function QueryEditor({ datasource, query, onChange, onRunQuery, app }: Props) {
  const alerting = isAlerting(app);
  const defaults = datasource.defaults;
  // Old shapes are brought to the current schema once, as the editor opens them.
  const q = useMemo(() => migrateQuery(query, defaults), [query, defaults]);
  const needsMigration = useMemo(() => canonical(q) !== canonical(query), [q, query]);
  useEffect(() => {
    if (needsMigration) {
      onChange(alerting ? { ...q, execution: 'backend' } : q);
    }
    // Only when the stored shape differs; onChange identity changes every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [needsMigration]);
  const validation = useMemo(() => validateQuery(q, defaults), [q, defaults]);
  const errors: QueryError[] = validation.ok ? [] : validation.errors;
  const errorFor = (field: string) =>
    errors
      .filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))
      .map((e) => e.message)
      .join('; ') || undefined;
  // An empty expression is reported only once the user has typed something elsewhere.
  const exprError = q.expr.trim() === '' ? undefined : errorFor('expr');
  const general = errors.filter((e) => e.field === '' || e.field === 'schemaVersion' || e.field === 'queryType');

  const change = (next: VigilQuery, run = false) => {
    onChange(next);
    if (run) {
      onRunQuery();
    }
  };
  const setOption = <K extends keyof QueryOptions>(key: K, value: QueryOptions[K], run = true) =>
    change({ ...q, options: { ...q.options, [key]: value } }, run);

  const numberInput = (
    key: 'sensitivity' | 'minAbsDeviation' | 'minRelDeviation',
    label: string,
    tip: string,
    step: number
  ) => (
    <InlineField
      label={label}
      labelWidth={LABEL}
      tooltip={tip}
      invalid={!!errorFor(`options.${key}`)}
      error={errorFor(`options.${key}`)}
    >
      <Input
        aria-label={label}
        type="number"
        step={step}
        width={12}
        defaultValue={String(q.options[key])}
        key={`${key}-${q.options[key]}`}
        onBlur={(e) => {
          const text = e.currentTarget.value.trim();
          setOption(key, (text === '' ? NaN : Number(text)) as QueryOptions[typeof key]);
        }}
      />
    </InlineField>
  );

  const textInput = (
    label: string,
    tip: string,
    field: string,
    value: string | undefined,
    set: (v: string) => VigilQuery,
    placeholder: string,
    width = 12
  ) => (
    <InlineField label={label} labelWidth={LABEL} tooltip={tip} invalid={!!errorFor(field)} error={errorFor(field)}>
      <Input
        aria-label={label}
        width={width}
        defaultValue={value ?? ''}
        key={`${field}-${value ?? ''}`}
        placeholder={placeholder}
        onBlur={(e) => {
          if (e.currentTarget.value !== (value ?? '')) {
            change(set(e.currentTarget.value), true);
          }
        }}
      />
    </InlineField>
  );

  const outputs = alerting ? (['score'] as OutputKind[]) : q.outputs;
  const toggleOutput = (o: OutputKind, on: boolean) =>
    change({ ...q, outputs: on ? [...q.outputs.filter((x) => x !== o), o] : q.outputs.filter((x) => x !== o) }, true);

  const setQueryType = (t: VigilQuery['queryType']) => {
    if (t === q.queryType) {
      return;
    }
    if (t === 'backtest') {
      const bt: BacktestQuery = {
        ...q,
        queryType: 'backtest',
        thresholds: DEFAULT_BACKTEST_THRESHOLDS.map((x) => ({ ...x })),
        for: DEFAULT_FOR,
        refitEvery: DEFAULT_REFIT_EVERY,
      };
      change(bt, true);
    } else {
      const { thresholds: _t, for: _f, refitEvery: _r, ...rest } = q as BacktestQuery;
      change({ ...rest, queryType: 'anomaly' }, true);
    }
  };

  return (
    <Stack direction="column" gap={0}>
      {general.length > 0 && (
        <Alert severity="error" title="This query cannot run">
          {general.map((e) => e.message).join('; ')}
        </Alert>
      )}
      <InlineFieldRow>
        {!alerting && (
          <InlineField
            label="Query type"
            labelWidth={LABEL}
            tooltip="Anomaly: score the range as a live deployment does now. Backtest: replay the range causally, refitting on schedule, and summarise the alerts each threshold would have fired."
          >
            <RadioButtonGroup
              aria-label="Query type"
              options={[
                { value: 'anomaly', label: 'Anomaly' },
                { value: 'backtest', label: 'Backtest' },
              ]}
              value={q.queryType}
              onChange={setQueryType}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="PromQL"
          labelWidth={LABEL}
          grow
          tooltip="Every series this expression returns is scored on its own. Names, labels and values are suggested from Prometheus as you type."
          invalid={!!exprError}
          error={exprError}
        >
          <PromQLField
            value={q.expr}
            invalid={!!exprError}
            provider={datasource}
            onChange={(expr) => change({ ...q, expr })}
            onBlur={onRunQuery}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Model"
          labelWidth={LABEL}
          tooltip="The detector that learns what normal looks like for each series. Each choice says what it suits."
          invalid={!!errorFor('model')}
          error={errorFor('model')}
        >
          <Select<ModelKind>
            aria-label="Model"
            inputId="vigil-query-model"
            width={30}
            options={MODEL_OPTIONS}
            value={q.model}
            onChange={(v) => v.value && change({ ...q, model: v.value }, true)}
          />
        </InlineField>
        <div style={{ alignSelf: 'center', opacity: 0.8, paddingLeft: 8 }} data-testid="vigil-model-description">
          {MODEL_DESCRIPTIONS[q.model as ModelKind]?.description ?? ''}
        </div>
      </InlineFieldRow>
      <InlineFieldRow>
        {numberInput(
          'sensitivity',
          'Sensitivity',
          'From 0 to 1: higher narrows the band, so more points are flagged. Calibrated on the training residuals, so a setting means the same expected false-alarm rate on every series.',
          0.05
        )}
        <InlineField
          label="Direction"
          labelWidth={LABEL}
          tooltip="Which deviations count: above the band, below it, or both."
          invalid={!!errorFor('options.direction')}
          error={errorFor('options.direction')}
        >
          <RadioButtonGroup<Direction>
            aria-label="Direction"
            options={DIRECTIONS}
            value={q.options.direction}
            onChange={(d) => setOption('direction', d)}
          />
        </InlineField>
        <InlineField
          label="Seasonality"
          labelWidth={LABEL}
          tooltip="The cycle the model expects in the series. Auto detects it from the training data."
          invalid={!!errorFor('options.seasonality')}
          error={errorFor('options.seasonality')}
        >
          <Select<Seasonality>
            aria-label="Seasonality"
            width={16}
            options={SEASONALITIES}
            value={q.options.seasonality}
            onChange={(v) => v.value && setOption('seasonality', v.value)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {numberInput(
          'minAbsDeviation',
          'Min abs deviation',
          "Deviations smaller than this, in the series' own unit, never score above 1: keeps a very flat series from paging over noise.",
          1
        )}
        {numberInput(
          'minRelDeviation',
          'Min rel deviation',
          'Deviations smaller than this fraction of the expected value (0.1 = 10%) never score above 1.',
          0.01
        )}
        {textInput(
          'Training window',
          'How much history before the range each model trains on, as a Prometheus duration (28d, 1w, 36h). Longer windows learn weekly cycles; they cost more to fetch.',
          'options.trainingWindow',
          q.options.trainingWindow,
          (v) => ({ ...q, options: { ...q.options, trainingWindow: v } }),
          '28d'
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineLabel
          width={LABEL}
          tooltip={
            alerting
              ? 'Alert rules get the score only: threshold it (warning > 1, critical > 2).'
              : 'What the query returns per series; each is a separate field named after it.'
          }
        >
          Outputs
        </InlineLabel>
        <Stack gap={1} alignItems="center">
          {OUTPUTS.map((o) => (
            <Checkbox
              key={o.value}
              id={`vigil-output-${o.value}-${q.refId}`}
              label={o.label}
              description={o.tip}
              value={outputs.includes(o.value)}
              disabled={alerting}
              onChange={(e) => toggleOutput(o.value, e.currentTarget.checked)}
            />
          ))}
          {errorFor('outputs') && <span role="alert">{errorFor('outputs')}</span>}
        </Stack>
      </InlineFieldRow>
      <InlineFieldRow>
        {!alerting && (
          <InlineField
            label="Execution"
            labelWidth={LABEL}
            tooltip="Backend: the plugin scores with stored models, as alert rules do. Browser: this browser fetches the series through the backend's Prometheus proxy and trains and scores in a Web Worker; the scores are identical for the same data, nothing is stored. Backtests always run in the backend."
            invalid={!!errorFor('execution')}
            error={errorFor('execution')}
          >
            <RadioButtonGroup<Execution>
              aria-label="Execution"
              options={EXECUTIONS}
              value={q.execution}
              disabledOptions={q.queryType === 'backtest' ? ['browser'] : []}
              onChange={(x) => change({ ...q, execution: x }, true)}
            />
          </InlineField>
        )}
        {textInput(
          'Legend',
          'Series names from labels, like the Prometheus data source: {{instance}} {{job}}. Outputs other than value get their name appended.',
          'legendFormat',
          q.legendFormat,
          (v) => ({ ...q, legendFormat: v === '' ? undefined : v }),
          '{{instance}}',
          24
        )}
        {textInput(
          'Step',
          'A fixed query step (duration, e.g. 1m). Empty: derived from the panel width and interval. Models are stored per step.',
          'step',
          q.step,
          (v) => ({ ...q, step: v === '' ? undefined : v }),
          'auto'
        )}
      </InlineFieldRow>
      {q.queryType === 'backtest' && !alerting && <BacktestFields q={q} change={change} errorFor={errorFor} />}
    </Stack>
  );
}

function BacktestFields({
  q,
  change,
  errorFor,
}: {
  q: BacktestQuery;
  change: (q: VigilQuery, run?: boolean) => void;
  errorFor: (field: string) => string | undefined;
}) {
  const thresholds = Array.isArray(q.thresholds) ? q.thresholds : [];
  const setThreshold = (i: number, patch: Partial<BacktestQuery['thresholds'][number]>) =>
    change({ ...q, thresholds: thresholds.map((t, k) => (k === i ? { ...t, ...patch } : t)) }, true);
  return (
    <>
      {thresholds.map((t, i) => (
        <InlineFieldRow key={i}>
          <InlineField
            label={`Threshold ${i + 1}`}
            labelWidth={LABEL}
            tooltip="An alert level the replay simulates: it fires while the score stays above this value for the pending period."
            invalid={!!errorFor(`thresholds[${i}]`)}
            error={errorFor(`thresholds[${i}]`)}
          >
            <Stack gap={1}>
              <Input
                aria-label={`Threshold ${i + 1} severity`}
                width={14}
                defaultValue={t.severity}
                onBlur={(e) => setThreshold(i, { severity: e.currentTarget.value })}
              />
              <Input
                aria-label={`Threshold ${i + 1} score`}
                type="number"
                step={0.1}
                width={10}
                defaultValue={String(t.score)}
                onBlur={(e) => setThreshold(i, { score: Number(e.currentTarget.value) })}
              />
              <Button
                variant="secondary"
                icon="trash-alt"
                aria-label={`Remove threshold ${i + 1}`}
                onClick={() => change({ ...q, thresholds: thresholds.filter((_, k) => k !== i) }, true)}
              />
            </Stack>
          </InlineField>
        </InlineFieldRow>
      ))}
      <InlineFieldRow>
        <Button
          variant="secondary"
          icon="plus"
          size="sm"
          onClick={() => change({ ...q, thresholds: [...thresholds, { severity: 'warning', score: 1 }] })}
        >
          Add threshold
        </Button>
        {errorFor('thresholds') && thresholds.length === 0 && (
          <Alert severity="error" title={errorFor('thresholds')!} />
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="For"
          labelWidth={LABEL}
          tooltip="Pending period, as in a Grafana alert rule: the score must stay above a threshold this long before the alert fires (0s fires at once)."
          invalid={!!errorFor('for')}
          error={errorFor('for')}
        >
          <Input
            aria-label="For"
            width={12}
            defaultValue={q.for}
            key={`for-${q.for}`}
            onBlur={(e) => change({ ...q, for: e.currentTarget.value }, true)}
          />
        </InlineField>
        <InlineField
          label="Refit every"
          labelWidth={LABEL}
          tooltip="How often the replay retrains the model on its trailing window, like scheduled retraining would (duration, e.g. 1d)."
          invalid={!!errorFor('refitEvery')}
          error={errorFor('refitEvery')}
        >
          <Input
            aria-label="Refit every"
            width={12}
            defaultValue={q.refitEvery}
            key={`refit-${q.refitEvery}`}
            onBlur={(e) => change({ ...q, refitEvery: e.currentTarget.value }, true)}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}

/** JSON with sorted keys: two queries that differ only in key order are the same query. */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v
  );
}
