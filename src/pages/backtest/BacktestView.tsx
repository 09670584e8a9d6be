import React, { useState } from 'react';
import { rangeUtil, type TimeRange } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, Stack } from '@grafana/ui';
import { errorMessage, type VigilResources } from '../../components/resources';
import type { BacktestAnswer } from '../../query/api';
import { BacktestFormFields } from './BacktestFormFields';
import { BacktestResults } from './BacktestResults';
import { buildRequest, defaultForm, type BacktestForm, type FormErrors } from './form';

export interface BacktestViewProps {
  resources: VigilResources;
  /** Starting values (a link from a panel, a test); the defaults otherwise. */
  initialForm?: Partial<BacktestForm>;
  initialRange?: TimeRange;
  timeZone?: string;
}

const lastWeek = () => rangeUtil.convertRawToRange({ from: 'now-7d', to: 'now' });

/**
 * Replays a query's history with a model and shows what alerts would have done: the form, then the
 * results. Needs only a resource client, so it renders in Grafana and in the browser harness alike.
 */
export function BacktestView({ resources, initialForm, initialRange, timeZone }: BacktestViewProps) {
  const [form, setForm] = useState<BacktestForm>(() => ({ ...defaultForm(), ...initialForm }));
  const [range, setRange] = useState<TimeRange>(() => initialRange ?? lastWeek());
  const [errors, setErrors] = useState<FormErrors>({});
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [answer, setAnswer] = useState<BacktestAnswer | undefined>();

  const run = async () => {
    // A relative range ("now-7d") is resolved at run time, so a rerun covers the latest week.
    const resolved = rangeUtil.convertRawToRange(range.raw, timeZone);
    const built = buildRequest(form, resolved.from.valueOf(), resolved.to.valueOf());
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setFailure(undefined);
    setRunning(true);
    try {
      setAnswer(await resources.backtest(built.request));
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  const formError = errors[''] ?? errors.thresholds;
  return (
    <Stack direction="column" gap={2}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <BacktestFormFields
          form={form}
          range={range}
          errors={errors}
          onChange={setForm}
          onRangeChange={setRange}
          timeZone={timeZone}
        />
        {formError && <Alert severity="error" title={formError} />}
        <Button type="submit" icon={running ? 'spinner' : 'play'} disabled={running}>
          {running ? 'Running backtest...' : 'Run backtest'}
        </Button>
      </form>
      {failure && (
        <Alert severity="error" title="The backtest failed" onRemove={() => setFailure(undefined)}>
          {failure}
        </Alert>
      )}
      {running && !answer && <LoadingPlaceholder text="Replaying the range..." />}
      {answer && <BacktestResults answer={answer} timeZone={timeZone} />}
    </Stack>
  );
}
