import React, { useMemo } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Alert, InlineFieldRow, Stack } from '@grafana/ui';
import type { VigilQuery } from '../../query/types';
import { validateQuery } from '../../query/validate';
import { isAlerting, type DataSource } from '../datasource';
import type { VigilDataSourceOptions } from '../types';
import { BacktestFields } from './query/BacktestFields';
import { ExecutionField } from './query/ExecutionField';
import { ExpressionField } from './query/ExpressionField';
import { fieldErrors } from './query/fieldErrors';
import type { ChangeQuery } from './query/fieldProps';
import { LegendAndStepFields } from './query/LegendAndStepFields';
import { ModelField } from './query/ModelField';
import { ModelOptionsFields } from './query/ModelOptionsFields';
import { OutputsField } from './query/OutputsField';
import { QueryTypeField } from './query/QueryTypeField';
import { useMigratedQuery } from './query/useMigratedQuery';

type Props = QueryEditorProps<DataSource, VigilQuery, VigilDataSourceOptions>;

/**
 * The panel and alert rule query editor. In the alert rule editor a query runs in the backend and
 * returns the score only, so browser execution, backtests and the output choice are not offered.
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery, app }: Props) {
  const alerting = isAlerting(app);
  const defaults = datasource.defaults;
  const q = useMigratedQuery(query, defaults, (migrated) =>
    onChange(alerting ? { ...migrated, execution: 'backend' } : migrated)
  );
  const validation = useMemo(() => validateQuery(q, defaults), [q, defaults]);
  const { errorFor, general } = fieldErrors(validation);

  const change: ChangeQuery = (next, run = false) => {
    onChange(next);
    if (run) {
      onRunQuery();
    }
  };
  const fields = { q, change, errorFor };

  return (
    <Stack direction="column" gap={0}>
      {general.length > 0 && (
        <Alert severity="error" title="This query cannot run">
          {general.map((e) => e.message).join('; ')}
        </Alert>
      )}
      <InlineFieldRow>{!alerting && <QueryTypeField q={q} change={change} />}</InlineFieldRow>
      <ExpressionField {...fields} provider={datasource} onRunQuery={onRunQuery} />
      <ModelField {...fields} />
      <ModelOptionsFields {...fields} />
      <OutputsField {...fields} scoreOnly={alerting} />
      <InlineFieldRow>
        {!alerting && <ExecutionField {...fields} />}
        <LegendAndStepFields {...fields} />
      </InlineFieldRow>
      {q.queryType === 'backtest' && !alerting && <BacktestFields {...fields} q={q} />}
    </Stack>
  );
}
