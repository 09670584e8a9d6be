import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { Combobox, type ComboboxOption, InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import type { Direction, Seasonality } from '../../../model/types';
import type { QueryOptions } from '../../../query/types';
import { BlurTextField } from './BlurTextField';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';
import { NumberOptionField } from './NumberOptionField';

const DIRECTIONS: Array<SelectableValue<Direction>> = [
  { value: 'both', label: 'Both', description: 'Flag values above and below the band' },
  { value: 'above', label: 'Above', description: 'Only values above the band (latency, errors)' },
  { value: 'below', label: 'Below', description: 'Only values below the band (throughput, traffic)' },
];

const SEASONALITIES: Array<ComboboxOption<Seasonality>> = [
  { value: 'auto', label: 'Auto', description: 'Detect a daily or weekly cycle from the training data' },
  { value: 'daily', label: 'Daily', description: 'A 24 h cycle' },
  { value: 'weekly', label: 'Weekly', description: 'A 7 day cycle (weekdays differ from weekends)' },
  { value: 'none', label: 'None', description: 'No cycle' },
];

/** The options every model shares: how wide the band is, which side counts, the cycle, the history. */
export function ModelOptionsFields(props: QueryFieldProps) {
  const { q, change, errorFor } = props;
  const setOption = <K extends keyof QueryOptions>(key: K, value: QueryOptions[K]) =>
    change({ ...q, options: { ...q.options, [key]: value } }, true);
  return (
    <>
      <InlineFieldRow>
        <NumberOptionField
          {...props}
          option="sensitivity"
          label="Sensitivity"
          tip="From 0 to 1: higher narrows the band, so more points are flagged. Calibrated on the training residuals, so a setting means the same expected false-alarm rate on every series."
          step={0.05}
        />
        <InlineField
          label="Direction"
          labelWidth={LABEL_WIDTH}
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
          labelWidth={LABEL_WIDTH}
          tooltip="The cycle the model expects in the series. Auto detects it from the training data."
          invalid={!!errorFor('options.seasonality')}
          error={errorFor('options.seasonality')}
        >
          <Combobox<Seasonality>
            id={`vigil-query-seasonality-${q.refId}`}
            width={16}
            options={SEASONALITIES}
            value={q.options.seasonality}
            onChange={(v) => setOption('seasonality', v.value)}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <NumberOptionField
          {...props}
          option="minAbsDeviation"
          label="Min abs deviation"
          tip="Deviations smaller than this, in the series' own unit, never score above 1: keeps a very flat series from paging over noise."
          step={1}
        />
        <NumberOptionField
          {...props}
          option="minRelDeviation"
          label="Min rel deviation"
          tip="Deviations smaller than this fraction of the expected value (0.1 = 10%) never score above 1."
          step={0.01}
        />
        <BlurTextField
          label="Training window"
          tip="How much history before the range each model trains on, as a Prometheus duration (28d, 1w, 36h). Longer windows learn weekly cycles; they cost more to fetch."
          field="options.trainingWindow"
          value={q.options.trainingWindow}
          set={(v) => ({ ...q, options: { ...q.options, trainingWindow: v } })}
          placeholder="28d"
          change={change}
          errorFor={errorFor}
        />
      </InlineFieldRow>
    </>
  );
}
