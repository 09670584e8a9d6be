import React from 'react';
import { InlineField, InlineFieldRow } from '@grafana/ui';
import { PromQLField, type SuggestionProvider } from '../PromQLField';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';

interface Props extends QueryFieldProps {
  provider: SuggestionProvider;
  onRunQuery: () => void;
}

/** The PromQL expression, with completion from Prometheus; saved per key, run on blur. */
export function ExpressionField({ q, change, errorFor, provider, onRunQuery }: Props) {
  // A new query starts empty: that is not yet an error to shout about.
  const exprError = q.expr.trim() === '' ? undefined : errorFor('expr');
  return (
    <InlineFieldRow>
      <InlineField
        label="PromQL"
        labelWidth={LABEL_WIDTH}
        grow
        tooltip="Every series this expression returns is scored on its own. Names, labels and values are suggested from Prometheus as you type."
        invalid={!!exprError}
        error={exprError}
      >
        <PromQLField
          value={q.expr}
          invalid={!!exprError}
          provider={provider}
          onChange={(expr) => change({ ...q, expr })}
          onBlur={onRunQuery}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
