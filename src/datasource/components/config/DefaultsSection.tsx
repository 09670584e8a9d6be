import React from 'react';
import { Combobox, type ComboboxOption, FieldSet, InlineField, Input } from '@grafana/ui';
import type { ModelKind } from '../../../model/types';
import { defaultQuery } from '../../../query/defaults';
import type { Execution, QueryDefaults } from '../../../query/types';
import { validateQuery } from '../../../query/validate';
import { MODEL_OPTIONS } from '../../modelInfo';
import { type ConfigProps, LABEL_WIDTH, patchJsonData } from './configProps';

const EXECUTION_OPTIONS: Array<ComboboxOption<Execution>> = [
  { value: 'backend', label: 'Backend' },
  { value: 'browser', label: 'Browser' },
];

/** What new queries start with; each is checked as a query would be, so a bad default shows here. */
export function DefaultsSection(props: ConfigProps) {
  const defaults: QueryDefaults = props.options.jsonData?.defaults ?? {};
  const setDefaults = (patch: Partial<QueryDefaults>) => patchJsonData(props, { defaults: { ...defaults, ...patch } });
  const check = validateQuery({ ...defaultQuery('anomaly', defaults), expr: 'up' }, defaults);
  const errorFor = (field: string) => (check.ok ? undefined : check.errors.find((e) => e.field === field)?.message);

  return (
    <FieldSet label="Query defaults">
      <InlineField
        label="Model"
        labelWidth={LABEL_WIDTH}
        tooltip="The model new queries start with. Saved queries keep their own choice."
        invalid={!!errorFor('model')}
        error={errorFor('model')}
      >
        <Combobox<ModelKind>
          id="vigil-default-model"
          width={30}
          options={MODEL_OPTIONS}
          value={defaults.model ?? 'auto'}
          onChange={(v) => setDefaults({ model: v.value })}
        />
      </InlineField>
      <InlineField
        label="Sensitivity"
        labelWidth={LABEL_WIDTH}
        tooltip="0 to 1; higher narrows the band so more points are flagged."
        invalid={!!errorFor('options.sensitivity')}
        error={errorFor('options.sensitivity')}
      >
        <Input
          aria-label="Default sensitivity"
          type="number"
          step={0.05}
          width={12}
          placeholder="default"
          value={defaults.sensitivity ?? ''}
          onChange={(e) =>
            setDefaults({ sensitivity: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })
          }
        />
      </InlineField>
      <InlineField
        label="Training window"
        labelWidth={LABEL_WIDTH}
        tooltip="History each model trains on, as a duration (28d, 1w)."
        invalid={!!errorFor('options.trainingWindow')}
        error={errorFor('options.trainingWindow')}
      >
        <Input
          aria-label="Default training window"
          width={12}
          placeholder="default"
          value={defaults.trainingWindow ?? ''}
          onChange={(e) =>
            setDefaults({ trainingWindow: e.currentTarget.value === '' ? undefined : e.currentTarget.value })
          }
        />
      </InlineField>
      <InlineField
        label="Execution"
        labelWidth={LABEL_WIDTH}
        tooltip="Where new panel queries run. Alert rules always run in the backend."
      >
        <Combobox<Execution>
          id="vigil-default-execution"
          width={16}
          options={EXECUTION_OPTIONS}
          value={defaults.execution ?? 'backend'}
          onChange={(v) => setDefaults({ execution: v.value })}
        />
      </InlineField>
    </FieldSet>
  );
}
