import React from 'react';
import { Checkbox, InlineFieldRow, InlineLabel, Stack } from '@grafana/ui';
import type { OutputKind } from '../../../query/types';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';

const OUTPUTS: Array<{ value: OutputKind; label: string; tip: string }> = [
  { value: 'value', label: 'Value', tip: 'The observed series, as Prometheus returned it.' },
  { value: 'expected', label: 'Expected', tip: 'What the model expected at each point (its forecast or profile).' },
  { value: 'band', label: 'Band', tip: 'Lower and upper edge of the normal range; a point outside scores above 1.' },
  {
    value: 'score',
    label: 'Score',
    tip: '0 = as expected, 1 = on the band edge, above 1 = outside. Alert rules threshold this.',
  },
  {
    value: 'anomalies',
    label: 'Anomalies',
    tip: 'The value only where the score is above 1: points to mark on a panel.',
  },
];

interface Props extends QueryFieldProps {
  /** Alert rules get the score only; the boxes show that and cannot be changed. */
  scoreOnly: boolean;
}

/** Which fields the query returns per series. */
export function OutputsField({ q, change, errorFor, scoreOnly }: Props) {
  const shown = scoreOnly ? (['score'] as OutputKind[]) : q.outputs;
  const toggle = (o: OutputKind, on: boolean) =>
    change({ ...q, outputs: on ? [...q.outputs.filter((x) => x !== o), o] : q.outputs.filter((x) => x !== o) }, true);
  return (
    <InlineFieldRow>
      <InlineLabel
        width={LABEL_WIDTH}
        tooltip={
          scoreOnly
            ? 'Alert rules get the score only: threshold it (warning > 1, critical > 2).'
            : 'What the query returns per series; each is a separate field named after it.'
        }
      >
        Outputs
      </InlineLabel>
      <Stack gap={1} alignItems="center">
        {OUTPUTS.map((o) => (
          <Checkbox
            key={o.value}
            id={`vigil-output-${o.value}-${q.refId}`}
            label={o.label}
            description={o.tip}
            value={shown.includes(o.value)}
            disabled={scoreOnly}
            onChange={(e) => toggle(o.value, e.currentTarget.checked)}
          />
        ))}
        {errorFor('outputs') && <span role="alert">{errorFor('outputs')}</span>}
      </Stack>
    </InlineFieldRow>
  );
}
