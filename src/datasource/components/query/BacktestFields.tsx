import React from 'react';
import { Alert, Button, InlineField, InlineFieldRow, Input, Stack } from '@grafana/ui';
import type { BacktestQuery } from '../../../query/types';
import { type QueryFieldProps, LABEL_WIDTH } from './fieldProps';

/** The alert rules a backtest simulates: threshold levels, the pending period and the refit schedule. */
export function BacktestFields({ q, change, errorFor }: QueryFieldProps<BacktestQuery>) {
  const thresholds = Array.isArray(q.thresholds) ? q.thresholds : [];
  const setThreshold = (i: number, patch: Partial<BacktestQuery['thresholds'][number]>) =>
    change({ ...q, thresholds: thresholds.map((t, k) => (k === i ? { ...t, ...patch } : t)) }, true);
  return (
    <>
      {thresholds.map((t, i) => (
        <InlineFieldRow key={i}>
          <InlineField
            label={`Threshold ${i + 1}`}
            labelWidth={LABEL_WIDTH}
            tooltip="An alert level the replay simulates: it fires while the score stays above this value for the pending period."
            invalid={!!errorFor(`thresholds[${i}]`)}
            error={errorFor(`thresholds[${i}]`)}
          >
            <Stack gap={1}>
              <Input
                aria-label={`Threshold ${i + 1} severity`}
                width={14}
                defaultValue={t.severity}
                onBlur={(e) => setThreshold(i, { severity: e.currentTarget.value })}
              />
              <Input
                aria-label={`Threshold ${i + 1} score`}
                type="number"
                step={0.1}
                width={10}
                defaultValue={String(t.score)}
                onBlur={(e) => setThreshold(i, { score: Number(e.currentTarget.value) })}
              />
              <Button
                variant="secondary"
                icon="trash-alt"
                aria-label={`Remove threshold ${i + 1}`}
                onClick={() => change({ ...q, thresholds: thresholds.filter((_, k) => k !== i) }, true)}
              />
            </Stack>
          </InlineField>
        </InlineFieldRow>
      ))}
      <InlineFieldRow>
        <Button
          variant="secondary"
          icon="plus"
          size="sm"
          onClick={() => change({ ...q, thresholds: [...thresholds, { severity: 'warning', score: 1 }] })}
        >
          Add threshold
        </Button>
        {errorFor('thresholds') && thresholds.length === 0 && (
          <Alert severity="error" title={errorFor('thresholds')!} />
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="For"
          labelWidth={LABEL_WIDTH}
          tooltip="Pending period, as in a Grafana alert rule: the score must stay above a threshold this long before the alert fires (0s fires at once)."
          invalid={!!errorFor('for')}
          error={errorFor('for')}
        >
          <Input
            aria-label="For"
            width={12}
            defaultValue={q.for}
            key={`for-${q.for}`}
            onBlur={(e) => change({ ...q, for: e.currentTarget.value }, true)}
          />
        </InlineField>
        <InlineField
          label="Refit every"
          labelWidth={LABEL_WIDTH}
          tooltip="How often the replay retrains the model on its trailing window, like scheduled retraining would (duration, e.g. 1d)."
          invalid={!!errorFor('refitEvery')}
          error={errorFor('refitEvery')}
        >
          <Input
            aria-label="Refit every"
            width={12}
            defaultValue={q.refitEvery}
            key={`refit-${q.refitEvery}`}
            onBlur={(e) => change({ ...q, refitEvery: e.currentTarget.value }, true)}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
