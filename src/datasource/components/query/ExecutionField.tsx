import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup } from '@grafana/ui';
import type { Execution } from '../../../query/types';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';

const EXECUTIONS: Array<SelectableValue<Execution>> = [
  { value: 'backend', label: 'Backend', description: 'The plugin backend scores with stored models (what alerts use)' },
  {
    value: 'browser',
    label: 'Browser',
    description: 'This browser trains and scores in a Web Worker; nothing is stored',
  },
];

/** Backend or browser; a backtest replays in the backend only. */
export function ExecutionField({ q, change, errorFor }: QueryFieldProps) {
  return (
    <InlineField
      label="Execution"
      labelWidth={LABEL_WIDTH}
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
  );
}
