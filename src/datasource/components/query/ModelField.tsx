import React from 'react';
import { Combobox, InlineField, InlineFieldRow } from '@grafana/ui';
import type { ModelKind } from '../../../model/types';
import { MODEL_DESCRIPTIONS, MODEL_OPTIONS } from '../../modelInfo';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';

/** The detector, with a line saying what the chosen one suits. */
export function ModelField({ q, change, errorFor }: QueryFieldProps) {
  return (
    <InlineFieldRow>
      <InlineField
        label="Model"
        labelWidth={LABEL_WIDTH}
        tooltip="The detector that learns what normal looks like for each series. Each choice says what it suits."
        invalid={!!errorFor('model')}
        error={errorFor('model')}
      >
        <Combobox<ModelKind>
          id="vigil-query-model"
          width={30}
          options={MODEL_OPTIONS}
          value={q.model}
          onChange={(v) => change({ ...q, model: v.value }, true)}
        />
      </InlineField>
      <div style={{ alignSelf: 'center', opacity: 0.8, paddingLeft: 8 }} data-testid="vigil-model-description">
        {MODEL_DESCRIPTIONS[q.model as ModelKind]?.description ?? ''}
      </div>
    </InlineFieldRow>
  );
}
