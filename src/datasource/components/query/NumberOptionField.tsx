import React from 'react';
import { InlineField, Input } from '@grafana/ui';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';

type NumberOption = 'sensitivity' | 'minAbsDeviation' | 'minRelDeviation';

interface Props extends QueryFieldProps {
  option: NumberOption;
  label: string;
  tip: string;
  step: number;
}

/**
 * A numeric model option, saved on blur. Empty or non-numeric text is saved as NaN so validation
 * flags it at the field instead of silently keeping the old number.
 */
export function NumberOptionField({ q, change, errorFor, option, label, tip, step }: Props) {
  const error = errorFor(`options.${option}`);
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tip} invalid={!!error} error={error}>
      <Input
        aria-label={label}
        type="number"
        step={step}
        width={12}
        defaultValue={String(q.options[option])}
        key={`${option}-${q.options[option]}`}
        onBlur={(e) => {
          const text = e.currentTarget.value.trim();
          change({ ...q, options: { ...q.options, [option]: text === '' ? NaN : Number(text) } }, true);
        }}
      />
    </InlineField>
  );
}
