import { anomalyScore } from '../calibration';
import { backtest, type BacktestConfig } from '../engine/backtest';
import type { NabFile, NabProfileResult } from './nab';
import { scoreCorpus } from './nab';

/**
 * Backtests every file of a labelled corpus with one configuration and scores it the NAB way.
 * One place for the CLI's `eval`, the benchmarks and the tests, so a figure means the same in each.
 */

export interface CorpusSeriesFile extends NabFile {
  timestamps: Float64Array;
  values: Float64Array;
}

export interface CorpusEvaluation {
  profiles: Record<string, NabProfileResult>;
  files: Array<CorpusSeriesFile & { scores: Float64Array }>;
}

export function evaluateCorpus(files: readonly CorpusSeriesFile[], config: BacktestConfig): CorpusEvaluation {
  const scored = files.map((file) => {
    const result = backtest({ t: file.timestamps, v: file.values }, config);
    const scores = new Float64Array(result.score.length);
    for (let i = 0; i < scores.length; i++) {
      scores[i] = anomalyScore(result.score[i]);
    }
    return { ...file, scores };
  });
  return { profiles: scoreCorpus(scored), files: scored };
}
