import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, TimeRange } from '@grafana/data';
import { Combobox, Field, Input, RadioButtonGroup, Stack, TimeRangeInput, useStyles2 } from '@grafana/ui';
import type { QueryOptions } from '../../query/types';
import { DIRECTION_OPTIONS, MODEL_OPTIONS, SEASONALITY_OPTIONS } from './choices';
import type { BacktestForm, FormErrors } from './form';

interface Props {
  form: BacktestForm;
  range: TimeRange;
  errors: FormErrors;
  onChange: (form: BacktestForm) => void;
  onRangeChange: (range: TimeRange) => void;
  timeZone?: string;
}

/** The backtest's inputs: query, model and options, range, and the alert rule being tuned. */
export function BacktestFormFields({ form, range, errors, onChange, onRangeChange, timeZone }: Props) {
  const styles = useStyles2(getStyles);
  const set = (patch: Partial<BacktestForm>) => onChange({ ...form, ...patch });
  const setOption = <K extends keyof QueryOptions>(key: K, value: QueryOptions[K]) =>
    set({ options: { ...form.options, [key]: value } });
  const err = (field: string) => ({ invalid: errors[field] !== undefined, error: errors[field] });

  return (
    <Stack direction="column" gap={0}>
      <Field label="PromQL" description="Every series the query returns is replayed on its own" {...err('expr')}>
        <Input
          id="vigil-backtest-expr"
          value={form.expr}
          placeholder="rate(http_requests_total[5m])"
          onChange={(e) => set({ expr: e.currentTarget.value })}
        />
      </Field>
      <div className={styles.grid}>
        <Field label="Model" description="The detector that scores each series" {...err('model')}>
          <Combobox
            id="vigil-backtest-model"
            width={30}
            options={MODEL_OPTIONS}
            value={form.model}
            onChange={(o) => set({ model: o.value })}
          />
        </Field>
        <Field
          label="Sensitivity"
          description="0..1; higher narrows the band and flags more points"
          {...err('options.sensitivity')}
        >
          <Input
            id="vigil-backtest-sensitivity"
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={String(form.options.sensitivity)}
            onChange={(e) => setOption('sensitivity', e.currentTarget.valueAsNumber)}
          />
        </Field>
        <Field
          label="Training window"
          description="History each refit trains on, e.g. 28d"
          {...err('options.trainingWindow')}
        >
          <Input
            id="vigil-backtest-training"
            value={form.options.trainingWindow}
            onChange={(e) => setOption('trainingWindow', e.currentTarget.value)}
          />
        </Field>
        <Field
          label="Refit every"
          description="How often the replay retrains, like a scheduled job"
          {...err('refitEvery')}
        >
          <Input
            id="vigil-backtest-refit"
            value={form.refitEvery}
            onChange={(e) => set({ refitEvery: e.currentTarget.value })}
          />
        </Field>
      </div>
      <div className={styles.grid}>
        <Field label="Direction" description="Which deviations count" {...err('options.direction')}>
          <RadioButtonGroup
            options={DIRECTION_OPTIONS}
            value={form.options.direction}
            onChange={(v) => setOption('direction', v)}
          />
        </Field>
        <Field label="Seasonality" description="The cycle the model expects" {...err('options.seasonality')}>
          <RadioButtonGroup
            options={SEASONALITY_OPTIONS}
            value={form.options.seasonality}
            onChange={(v) => setOption('seasonality', v)}
          />
        </Field>
        <Field label="Range" description="The history to replay" {...err('range')}>
          <TimeRangeInput value={range} onChange={onRangeChange} timeZone={timeZone} hideTimeZone />
        </Field>
      </div>
      <div className={styles.grid}>
        {form.thresholds.map((th, i) => (
          <Field
            key={th.severity}
            label={`${th.severity[0].toUpperCase()}${th.severity.slice(1)} threshold`}
            description={`A ${th.severity} alert fires while the smoothed score stays above this`}
            {...err(`thresholds[${i}].score`)}
          >
            <Input
              id={`vigil-backtest-threshold-${th.severity}`}
              type="number"
              min={0}
              step={0.1}
              value={String(th.score)}
              onChange={(e) => {
                const score = e.currentTarget.valueAsNumber;
                set({ thresholds: form.thresholds.map((t, j) => (j === i ? { ...t, score } : t)) });
              }}
            />
          </Field>
        ))}
        <Field label="For" description="Pending period before an alert fires (0s: at once)" {...err('for')}>
          <Input id="vigil-backtest-for" value={form.for} onChange={(e) => set({ for: e.currentTarget.value })} />
        </Field>
        <Field label="Smoothing" description="Trailing mean of the score the alert rule uses" {...err('smoothing')}>
          <Input
            id="vigil-backtest-smoothing"
            value={form.smoothing}
            onChange={(e) => set({ smoothing: e.currentTarget.value })}
          />
        </Field>
      </div>
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    // Wide enough for a four-option RadioButtonGroup (seasonality) without truncated labels.
    gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))',
    columnGap: theme.spacing(2),
  }),
});
