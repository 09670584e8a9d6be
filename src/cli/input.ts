import { parseCsvSeries } from '../io/csv';
import { decodeQueryRange, seriesName } from '../prometheus/decode';
import type { Series } from '../model/types';

export interface NamedSeries {
  name: string;
  series: Series;
}

/**
 * A backtest input: a Prometheus query_range JSON response (one or more series) or a
 * timestamp,value CSV (one series). Told apart by the first non-blank character.
 */
export function parseSeriesInput(text: string, source: string): NamedSeries[] {
  const head = text.trimStart();
  if (head.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${source}: not valid JSON: ${(e as Error).message}`);
    }
    const decoded = decodeQueryRange(json);
    if (decoded.length === 0) {
      throw new Error(`${source}: the Prometheus response holds no series`);
    }
    return decoded.map((s) => ({ name: seriesName(s.labels), series: s.series }));
  }
  const series = parseCsvSeries(text, { source });
  if (series.t.length === 0) {
    // A header alone is almost always the wrong file or a failed export, not a series to replay.
    throw new Error(`${source}: no data rows (expected timestamp,value rows after the header)`);
  }
  return [{ name: source, series }];
}
