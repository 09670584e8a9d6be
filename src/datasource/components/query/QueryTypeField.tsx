import React from 'react';
import { InlineField, RadioButtonGroup } from '@grafana/ui';
import { DEFAULT_BACKTEST_THRESHOLDS, DEFAULT_FOR, DEFAULT_REFIT_EVERY } from '../../../query/defaults';
import type { BacktestQuery, VigilQuery } from '../../../query/types';
import { type ChangeQuery, LABEL_WIDTH } from './fieldProps';

const QUERY_TYPES: Array<{ value: VigilQuery['queryType']; label: string }> = [
  { value: 'anomaly', label: 'Anomaly' },
  { value: 'backtest', label: 'Backtest' },
];

/** Anomaly or backtest; switching adds the backtest's own fields with their defaults, or drops them. */
export function QueryTypeField({ q, change }: { q: VigilQuery; change: ChangeQuery }) {
  return (
    <InlineField
      label="Query type"
      labelWidth={LABEL_WIDTH}
      tooltip="Anomaly: score the range as a live deployment does now. Backtest: replay the range causally, refitting on schedule, and summarise the alerts each threshold would have fired."
    >
      <RadioButtonGroup
        aria-label="Query type"
        options={QUERY_TYPES}
        value={q.queryType}
        onChange={(t) => t !== q.queryType && change(withQueryType(q, t), true)}
      />
    </InlineField>
  );
}

function withQueryType(q: VigilQuery, t: VigilQuery['queryType']): VigilQuery {
  if (t === 'backtest') {
    const bt: BacktestQuery = {
      ...q,
      queryType: 'backtest',
      thresholds: DEFAULT_BACKTEST_THRESHOLDS.map((x) => ({ ...x })),
      for: DEFAULT_FOR,
      refitEvery: DEFAULT_REFIT_EVERY,
    };
    return bt;
  }
  const { thresholds: _t, for: _f, refitEvery: _r, ...rest } = q as BacktestQuery;
  return { ...rest, queryType: 'anomaly' };
}
