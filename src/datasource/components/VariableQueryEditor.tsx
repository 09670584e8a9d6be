import React, { useState } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineField, Input } from '@grafana/ui';
import type { DataSource } from '../datasource';
import type { VigilDataSourceOptions, VigilQuery, VigilVariableQuery } from '../types';
import { parseVariableQuery, VARIABLE_QUERY_HELP } from '../variables';

type Props = QueryEditorProps<DataSource, VigilQuery, VigilDataSourceOptions, VigilVariableQuery>;

/** One text field in the Prometheus data source's syntax; checked as the user types, saved on blur. */
export function VariableQueryEditor({ query, onChange }: Props) {
  const [text, setText] = useState(typeof query?.query === 'string' ? query.query : '');
  const parsed = text.trim() === '' ? undefined : parseVariableQuery(text);
  const error = parsed && 'error' in parsed ? parsed.error : undefined;
  return (
    <InlineField
      label="Query"
      labelWidth={14}
      grow
      invalid={error !== undefined}
      error={error}
      tooltip={`Values through the data source's Prometheus proxy: ${VARIABLE_QUERY_HELP}. metrics() anchors its regex like Prometheus.`}
    >
      <Input
        aria-label="Variable query"
        value={text}
        placeholder="label_values(up, instance)"
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={() => onChange({ refId: query?.refId ?? 'VigilVariable', query: text })}
      />
    </InlineField>
  );
}
