import React from 'react';
import { BlurTextField } from './BlurTextField';
import type { QueryFieldProps } from './fieldProps';

/** How series are named and the step they are fetched at; empty means Grafana's choice for both. */
export function LegendAndStepFields({ q, change, errorFor }: QueryFieldProps) {
  return (
    <>
      <BlurTextField
        label="Legend"
        tip="Series names from labels, like the Prometheus data source: {{instance}} {{job}}. Outputs other than value get their name appended."
        field="legendFormat"
        value={q.legendFormat}
        set={(v) => ({ ...q, legendFormat: v === '' ? undefined : v })}
        placeholder="{{instance}}"
        width={24}
        change={change}
        errorFor={errorFor}
      />
      <BlurTextField
        label="Step"
        tip="A fixed query step (duration, e.g. 1m). Empty: derived from the panel width and interval. Models are stored per step."
        field="step"
        value={q.step}
        set={(v) => ({ ...q, step: v === '' ? undefined : v })}
        placeholder="auto"
        change={change}
        errorFor={errorFor}
      />
    </>
  );
}
