import React, { ChangeEvent } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, Input, Stack } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { VigilDataSourceOptions, VigilQuery } from '../types';

type Props = QueryEditorProps<DataSource, VigilQuery, VigilDataSourceOptions>;

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const onExprChange = (event: ChangeEvent<HTMLInputElement>) => {
    onChange({ ...query, expr: event.target.value });
  };

  const onModelChange = (event: ChangeEvent<HTMLInputElement>) => {
    onChange({ ...query, model: event.target.value });
  };

  return (
    <Stack gap={1}>
      <InlineField label="PromQL" labelWidth={12} grow>
        <Input
          id="vigil-query-expr"
          aria-label="PromQL expression"
          value={query.expr ?? ''}
          placeholder="rate(http_requests_total[5m])"
          onChange={onExprChange}
          onBlur={onRunQuery}
        />
      </InlineField>
      <InlineField label="Model" labelWidth={10}>
        <Input
          id="vigil-query-model"
          aria-label="Model"
          value={query.model ?? ''}
          placeholder="default"
          width={20}
          onChange={onModelChange}
          onBlur={onRunQuery}
        />
      </InlineField>
    </Stack>
  );
}
