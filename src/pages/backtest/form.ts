// The backtest form's values and how they become a BacktestRequest (or field errors).
import { DEFAULT_BACKTEST_THRESHOLDS, DEFAULT_FOR, DEFAULT_REFIT_EVERY, defaultQuery } from '../../query/defaults';
import { parseDuration } from '../../query/duration';
import { validateQuery } from '../../query/validate';
import type { BacktestRequest } from '../../query/api';
import type { BacktestQuery, BacktestThreshold, QueryOptions } from '../../query/types';
import type { ModelKind } from '../../model/types';

export interface BacktestForm {
  expr: string;
  model: ModelKind;
  options: QueryOptions;
  thresholds: BacktestThreshold[];
  for: string;
  smoothing: string;
  refitEvery: string;
  legendFormat: string;
}

export const DEFAULT_SMOOTHING = '5m';

export function defaultForm(): BacktestForm {
  const q = defaultQuery('backtest');
  return {
    expr: '',
    model: q.model,
    options: { ...q.options },
    thresholds: DEFAULT_BACKTEST_THRESHOLDS.map((t) => ({ ...t })),
    for: DEFAULT_FOR,
    smoothing: DEFAULT_SMOOTHING,
    refitEvery: DEFAULT_REFIT_EVERY,
    legendFormat: '',
  };
}

/** Field ("expr", "options.sensitivity", "thresholds[0].score", "smoothing", "range") → message. */
export type FormErrors = Record<string, string>;

/**
 * The request for the form over [fromMs, toMs], or every problem against its field. The query is
 * checked by src/query's validateQuery, the same check the backend applies, so the user sees the
 * problem at the field before anything is sent.
 */
export function buildRequest(
  form: BacktestForm,
  fromMs: number,
  toMs: number
): { ok: true; request: BacktestRequest } | { ok: false; errors: FormErrors } {
  const query: BacktestQuery = {
    ...defaultQuery('backtest'),
    expr: form.expr,
    model: form.model,
    options: form.options,
    thresholds: form.thresholds,
    for: form.for,
    refitEvery: form.refitEvery,
    ...(form.legendFormat.trim() !== '' && { legendFormat: form.legendFormat }),
  };
  const errors: FormErrors = {};
  const v = validateQuery(query);
  if (!v.ok) {
    for (const e of v.errors) {
      errors[e.field] ??= e.message;
    }
  }
  try {
    parseDuration(form.smoothing);
  } catch (e) {
    errors.smoothing = (e as Error).message;
  }
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) {
    errors.range = 'choose a time range whose end is after its start';
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    request: {
      query: {
        expr: query.expr,
        model: query.model,
        options: query.options,
        thresholds: query.thresholds,
        for: query.for,
        refitEvery: query.refitEvery,
        ...(query.legendFormat !== undefined && { legendFormat: query.legendFormat }),
      },
      fromMs,
      toMs,
      smoothing: form.smoothing,
    },
  };
}
