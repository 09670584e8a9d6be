/**
 * The browser-execution job used by worker.test.ts: the same input in Node and in a real Web
 * Worker, results digested from their raw float bytes.
 */
import { MODEL_KINDS, resolveOptions } from '../../src/model';
import { fingerprintSeries } from '../../src/model/fingerprint';
import type { ComputeJob, ComputedSeries } from '../../src/datasource/execution/job';
import { identityInput } from './entry';

export function workerJobs(): ComputeJob[] {
  const series = identityInput();
  const half = Math.floor(series.t.length / 2);
  const training = { t: series.t.slice(0, half), v: series.v.slice(0, half) };
  const scored = { t: series.t.slice(half - 200), v: series.v.slice(half - 200) };
  const options = resolveOptions({ trainingWindowMs: 3 * 86_400_000 });
  return MODEL_KINDS.map((kind) => ({
    kind,
    options,
    stepMs: 300_000,
    rangeStartMs: series.t[half],
    series: [{ scored, training }, { scored }],
  }));
}

export function digestResults(results: ComputedSeries[]): string {
  return results
    .map((r) => `${r.from}:${fingerprintSeries(r.score, r.expected)}${fingerprintSeries(r.lower, r.upper)}`)
    .join('|');
}
