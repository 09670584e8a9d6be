/**
 * Checks a query (any stored shape: it is migrated first) and resolves what the faces run with.
 * Every problem is reported, each against the field the user edits, with a message that says
 * what to write instead. Option ranges are src/model's (resolveOptions) and durations are
 * duration.ts's (parseDuration): this file only attributes their verdicts to fields.
 */
import type { AlertRule } from '../model/alerts';
import { resolveOptions } from '../model/options';
import { isModelKind, MODEL_KINDS } from '../model/registry';
import type { ModelOptions } from '../model/types';
import { DEFAULT_SMOOTHING, isRecord } from './defaults';
import { parseDuration } from './duration';
import { migrateQuery } from './migration';
import type { FieldOutput, OutputKind, QueryDefaults, QueryOptions, VigilQuery } from './types';
import { EXECUTIONS, OUTPUT_KINDS, QUERY_TYPES, SCHEMA_VERSION } from './types';

export interface QueryError {
  /** Dotted path of the offending field ("expr", "options.sensitivity", "thresholds[1].score"); "" for the whole query. */
  field: string;
  message: string;
}

export interface BacktestPlan {
  /** One rule per threshold, each with the query's `for`. */
  rules: AlertRule[];
  refitEveryMs: number;
  /** Trailing mean window applied to the score before the rules (the query's `smoothing`, default 5m). */
  smoothingMs: number;
}

export interface ValidQuery {
  ok: true;
  query: VigilQuery;
  /** The options src/model runs with, training window in ms. */
  modelOptions: ModelOptions;
  /** The requested outputs with `band` expanded, deduplicated, in a fixed order. */
  fields: FieldOutput[];
  stepMs?: number;
  minStepMs?: number;
  /** Present for backtest queries. */
  backtest?: BacktestPlan;
}

export interface InvalidQuery {
  ok: false;
  errors: QueryError[];
  /** The migrated query, when the input was an object (editors can still show it). */
  query?: VigilQuery;
}

export type QueryValidation = ValidQuery | InvalidQuery;

export function validateQuery(input: unknown, defaults?: QueryDefaults): QueryValidation {
  if (!isRecord(input)) {
    return { ok: false, errors: [{ field: '', message: `a query must be a JSON object, got ${describe(input)}` }] };
  }
  const q = migrateQuery(input, defaults);
  const errors: QueryError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  if (q.schemaVersion > SCHEMA_VERSION) {
    fail(
      'schemaVersion',
      `this query was saved by a newer Vigil (query schema ${q.schemaVersion}); this plugin reads schema ${SCHEMA_VERSION} and older: upgrade the Vigil plugin`
    );
    return { ok: false, errors, query: q };
  }
  const queryType: unknown = q.queryType;
  if (!(QUERY_TYPES as readonly unknown[]).includes(queryType)) {
    fail('queryType', `unknown query type ${describe(queryType)}; choose one of ${QUERY_TYPES.join(', ')}`);
  }
  const expr: unknown = q.expr;
  if (typeof expr !== 'string') {
    fail('expr', `expr must be a PromQL expression (text), got ${describe(expr)}`);
  } else if (expr.trim() === '') {
    fail('expr', 'enter a PromQL expression, e.g. rate(http_requests_total[5m])');
  }
  if (!isModelKind(q.model)) {
    fail('model', `unknown model ${describe(q.model)}; choose one of ${MODEL_KINDS.join(', ')}`);
  }
  const fields = checkOutputs(q.outputs, fail);
  if (!(EXECUTIONS as readonly unknown[]).includes(q.execution)) {
    fail('execution', `execution must be one of ${EXECUTIONS.join(', ')}, got ${describe(q.execution)}`);
  }
  const modelOptions = checkOptions(q.options, fail);
  const legendFormat: unknown = q.legendFormat;
  if (legendFormat !== undefined && typeof legendFormat !== 'string') {
    fail('legendFormat', `legendFormat must be text such as {{instance}}, got ${describe(legendFormat)}`);
  }
  const stepMs = optionalDuration('step', q.step, fail);
  const minStepMs = optionalDuration('minStep', q.minStep, fail);
  let backtest: BacktestPlan | undefined;
  if (q.queryType === 'backtest') {
    backtest = checkBacktest(q.thresholds, q.for, q.refitEvery, q.smoothing, fail);
  }

  if (errors.length > 0 || !modelOptions) {
    return { ok: false, errors, query: q };
  }
  const ok: ValidQuery = { ok: true, query: q, modelOptions, fields };
  if (stepMs !== undefined) {
    ok.stepMs = stepMs;
  }
  if (minStepMs !== undefined) {
    ok.minStepMs = minStepMs;
  }
  if (backtest) {
    ok.backtest = backtest;
  }
  return ok;
}

/** `band` expanded into lower and upper, duplicates removed, in OUTPUT_KINDS order. */
export function expandOutputs(outputs: readonly OutputKind[]): FieldOutput[] {
  const want = new Set<OutputKind>(outputs);
  if (want.has('band')) {
    want.add('lower');
    want.add('upper');
  }
  return OUTPUT_KINDS.filter((k): k is FieldOutput => k !== 'band' && want.has(k));
}

type Fail = (field: string, message: string) => void;

function checkOutputs(outputs: unknown, fail: Fail): FieldOutput[] {
  const known = OUTPUT_KINDS.join(', ');
  if (!Array.isArray(outputs)) {
    fail('outputs', `outputs must be a list of: ${known}; got ${describe(outputs)}`);
    return [];
  }
  if (outputs.length === 0) {
    fail('outputs', `choose at least one output: ${known}`);
    return [];
  }
  const good: OutputKind[] = [];
  outputs.forEach((o: unknown, i) => {
    if ((OUTPUT_KINDS as readonly unknown[]).includes(o)) {
      good.push(o as OutputKind);
    } else {
      fail(`outputs[${i}]`, `unknown output ${describe(o)}; choose from ${known}`);
    }
  });
  return expandOutputs(good);
}

/** Each option judged alone by resolveOptions, so every bad option is reported, not just the first. */
function checkOptions(options: unknown, fail: Fail): ModelOptions | undefined {
  if (!isRecord(options)) {
    fail('options', `options must be an object, got ${describe(options)}`);
    return undefined;
  }
  const partial: Partial<ModelOptions> = {};
  let ok = true;
  for (const key of [
    'sensitivity',
    'direction',
    'minAbsDeviation',
    'minRelDeviation',
    'seasonality',
    'seed',
  ] as const) {
    const one = { [key]: options[key] } as Partial<ModelOptions>;
    try {
      resolveOptions(one);
      Object.assign(partial, one);
    } catch (e) {
      fail(`options.${key}`, (e as Error).message);
      ok = false;
    }
  }
  const window = (options as Partial<QueryOptions>).trainingWindow;
  const windowMs = durationMs('options.trainingWindow', window, 'a positive duration such as 28d', fail);
  if (windowMs === undefined) {
    ok = false;
  } else {
    try {
      partial.trainingWindowMs = resolveOptions({ trainingWindowMs: windowMs }).trainingWindowMs;
    } catch {
      fail('options.trainingWindow', `the training window must be longer than zero, e.g. 28d; got ${describe(window)}`);
      ok = false;
    }
  }
  return ok ? resolveOptions(partial) : undefined;
}

function checkBacktest(
  thresholds: unknown,
  forValue: unknown,
  refitEvery: unknown,
  smoothing: unknown,
  fail: Fail
): BacktestPlan | undefined {
  const forMs = durationMs('for', forValue, 'a duration such as 5m (0s fires at once)', fail);
  const smoothingMs = durationMs(
    'smoothing',
    smoothing ?? DEFAULT_SMOOTHING,
    'a duration such as 5m (0s: no smoothing)',
    fail
  );
  const refitMs = durationMs('refitEvery', refitEvery, 'a positive duration such as 1d', fail);
  if (refitMs === 0) {
    fail('refitEvery', `refitEvery must be longer than zero, e.g. 1d; got ${describe(refitEvery)}`);
  }
  const rules: AlertRule[] = [];
  if (!Array.isArray(thresholds) || thresholds.length === 0) {
    fail('thresholds', `add at least one score threshold, e.g. [{"severity": "warning", "score": 1}]`);
  } else {
    thresholds.forEach((t: unknown, i) => {
      const at = `thresholds[${i}]`;
      if (!isRecord(t)) {
        fail(at, `each threshold must be {severity, score}, got ${describe(t)}`);
        return;
      }
      const { severity, score } = t;
      let good = true;
      if (typeof severity !== 'string' || severity.trim() === '') {
        fail(`${at}.severity`, 'name the alert level, e.g. warning or critical');
        good = false;
      }
      if (typeof score !== 'number' || !Number.isFinite(score) || score <= 0) {
        fail(`${at}.score`, `score threshold must be a number above 0 (1 is the band's edge), got ${describe(score)}`);
        good = false;
      }
      if (good) {
        rules.push({ severity: severity as string, threshold: score as number, forMs: forMs ?? 0 });
      }
    });
  }
  return forMs !== undefined && refitMs && smoothingMs !== undefined
    ? { rules, refitEveryMs: refitMs, smoothingMs }
    : undefined;
}

function optionalDuration(field: string, value: unknown, fail: Fail): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ms = durationMs(field, value, 'a positive duration such as 1m', fail);
  if (ms === 0) {
    fail(field, `${field} must be longer than zero, e.g. 1m; got ${describe(value)}`);
    return undefined;
  }
  return ms;
}

/** parseDuration's verdict on `value`, reported against `field`; undefined when it is not a duration. */
function durationMs(field: string, value: unknown, hint: string, fail: Fail): number | undefined {
  if (typeof value !== 'string') {
    fail(field, `${field} must be ${hint}, got ${describe(value)}`);
    return undefined;
  }
  try {
    return parseDuration(value);
  } catch (e) {
    fail(field, `${field}: ${(e as Error).message}`);
    return undefined;
  }
}

function describe(x: unknown): string {
  if (x === undefined) {
    return 'nothing';
  }
  if (Array.isArray(x)) {
    return 'a list';
  }
  if (typeof x === 'object' && x !== null) {
    return 'an object';
  }
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}
