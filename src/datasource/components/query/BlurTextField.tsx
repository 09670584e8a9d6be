import React from 'react';
import { InlineField, Input } from '@grafana/ui';
import type { VigilQuery } from '../../../query/types';
import { type ChangeQuery, type ErrorFor, LABEL_WIDTH } from './fieldProps';

interface Props {
  label: string;
  tip: string;
  /** The validation path whose errors show here. */
  field: string;
  value: string | undefined;
  /** The query with the typed text in place. */
  set: (text: string) => VigilQuery;
  placeholder: string;
  width?: number;
  change: ChangeQuery;
  errorFor: ErrorFor;
}

/**
 * A text field that saves and re-runs the query when it loses focus, not on every key: a half-typed
 * duration would otherwise run (and fail) per character. Keyed by the value, so a change from outside
 * (migration, undo) replaces what is shown.
 */
export function BlurTextField({ label, tip, field, value, set, placeholder, width = 12, change, errorFor }: Props) {
  return (
    <InlineField
      label={label}
      labelWidth={LABEL_WIDTH}
      tooltip={tip}
      invalid={!!errorFor(field)}
      error={errorFor(field)}
    >
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
}
