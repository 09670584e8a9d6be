import { anomalyScore } from '../../model/calibration';
import { backtest } from '../../model/engine/backtest';
import { formatCsv, type CsvCell } from '../../io/csv';
import { type FlagSpec, type ParsedArgs, requiredFlag } from '../args';
import { readText, writeText } from '../files';
import { parseSeriesInput } from '../input';
import { MODEL_FLAGS, readModelFlags } from '../modelFlags';

export const BACKTEST_FLAGS: Record<string, FlagSpec> = {
  input: { value: true, help: 'CSV (timestamp,value) or Prometheus query_range JSON' },
  output: { value: true, help: 'CSV to write: timestamp,value,expected,lower,upper,score,anomaly_score' },
  ...MODEL_FLAGS,
};

/** Replays a series causally and writes the per-row scores. */
export function runBacktest(args: ParsedArgs, log: (line: string) => void): void {
  const inputPath = requiredFlag(args, 'input');
  const outputPath = requiredFlag(args, 'output');
  const choice = readModelFlags(args);
  const inputs = parseSeriesInput(readText(inputPath, 'input'), inputPath);
  const multi = inputs.length > 1;
  const header = ['timestamp', 'value', 'expected', 'lower', 'upper', 'score', 'anomaly_score'];
  const rows: CsvCell[][] = [];
  for (const { name, series } of inputs) {
    const r = backtest(series, { model: choice.model, options: choice.options, refitEveryMs: choice.refitEveryMs });
    let flagged = 0;
    for (let i = 0; i < series.t.length; i++) {
      if (r.score[i] > 1) {
        flagged++;
      }
      const row: CsvCell[] = [
        new Date(series.t[i]).toISOString(),
        series.v[i],
        r.expected[i],
        r.lower[i],
        r.upper[i],
        r.score[i],
        anomalyScore(r.score[i]),
      ];
      rows.push(multi ? [name, ...row] : row);
    }
    const kinds =
      [...new Set(r.fits.filter((f) => !f.warmingUp).map((f) => f.kind))].join('+') || 'zscore (warm-up only)';
    log(`${name}: ${series.t.length} points, ${r.fits.length} fits (${kinds}), ${flagged} points outside the band`);
  }
  writeText(outputPath, formatCsv(multi ? ['series', ...header] : header, rows));
  log(`wrote ${outputPath}`);
}
