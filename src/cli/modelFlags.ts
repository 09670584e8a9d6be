import { isModelKind, MODEL_KINDS } from '../model/registry';
import { resolveOptions } from '../model/options';
import type { Direction, ModelKind, ModelOptions, Seasonality } from '../model/types';
import { parseDuration } from '../query/duration';
import type { FlagSpec, ParsedArgs } from './args';
import { numberFlag, stringFlag, UsageError } from './args';

/** The model flags shared by `backtest`, `eval` and `demo`. */
export const MODEL_FLAGS: Record<string, FlagSpec> = {
  model: { value: true, help: `model: ${MODEL_KINDS.join(' | ')} (default auto)` },
  sensitivity: { value: true, help: 'band sensitivity 0..1 (default 0.5; higher = narrower band)' },
  direction: { value: true, help: 'both | above | below (default both)' },
  'min-abs': { value: true, help: 'deviations below this absolute size never score above 1' },
  'min-rel': { value: true, help: 'deviations below this fraction of the expected value never score above 1' },
  'training-window': { value: true, help: 'trailing training window, e.g. 14d (default 28d)' },
  'refit-every': { value: true, help: 'retrain the model this often during replay, e.g. 1d (default 6h)' },
  seasonality: { value: true, help: 'auto | daily | weekly | none (default auto)' },
  seed: { value: true, help: 'random seed (default 42)' },
};

export interface ModelChoice {
  model: ModelKind;
  options: ModelOptions;
  refitEveryMs?: number;
}

export function readModelFlags(args: ParsedArgs): ModelChoice {
  const model = stringFlag(args, 'model') ?? 'auto';
  if (!isModelKind(model)) {
    throw new UsageError(`unknown model ${JSON.stringify(model)}; choose one of ${MODEL_KINDS.join(', ')}`);
  }
  const window = stringFlag(args, 'training-window');
  const refit = stringFlag(args, 'refit-every');
  try {
    const options = resolveOptions({
      sensitivity: numberFlag(args, 'sensitivity'),
      direction: stringFlag(args, 'direction') as Direction | undefined,
      minAbsDeviation: numberFlag(args, 'min-abs'),
      minRelDeviation: numberFlag(args, 'min-rel'),
      trainingWindowMs: window === undefined ? undefined : parseDuration(window),
      seasonality: stringFlag(args, 'seasonality') as Seasonality | undefined,
      seed: numberFlag(args, 'seed'),
    });
    return { model, options, refitEveryMs: refit === undefined ? undefined : parseDuration(refit) };
  } catch (e) {
    if (e instanceof UsageError) {
      throw e;
    }
    throw new UsageError((e as Error).message);
  }
}
