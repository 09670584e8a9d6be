import { BACKTEST_KEYS, COMMON_KEYS } from './migration';

/**
 * Keys the query fuzzers (src/query/fuzz.test.ts, tests/backend/fuzzInputs.ts) build random
 * objects from: every key of a current query, the version-1 keys migration still reads, option
 * names, and the keys that break naive object handling.
 */
export const FUZZ_QUERY_KEYS: readonly string[] = [
  ...COMMON_KEYS,
  ...BACKTEST_KEYS,
  // Version 1 (see migration.ts) and option names.
  'sensitivity',
  'trainingWindowDays',
  'direction',
  'showBand',
  'runInBrowser',
  'interval',
  'minAbsDeviation',
  'minRelDeviation',
  'trainingWindow',
  'seasonality',
  'seed',
  'severity',
  'score',
  '__proto__',
  'constructor',
];
