/**
 * The work the browser hands to its Web Worker, and the function that does it. The worker and the
 * in-thread fallback both call `computeJob`, which runs src/query/execute exactly as QueryData does
 * for a series without a stored model, so the browser's scores are the backend's to the bit.
 */
import type { ModelKind, ModelOptions, Series } from '../../model/types';
import { trainAndScore, trainingHistory } from '../../query/execute';

export interface JobSeries {
  /** The fetched range: context points, then the requested range. */
  scored: Series;
  /** The series' training-window fetch; absent when Prometheus returned none for it. */
  training?: Series;
}

export interface ComputeJob {
  kind: ModelKind;
  options: ModelOptions;
  stepMs: number;
  rangeStartMs: number;
  series: JobSeries[];
}

export interface ComputedSeries {
  from: number;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  score: Float64Array;
  /** null when there were too few points to train anything. */
  fit: { kind: string; reason: string; warmingUp: boolean } | null;
}

export type Compute = (job: ComputeJob) => Promise<ComputedSeries[]>;

export function computeJob(job: ComputeJob): ComputedSeries[] {
  return job.series.map((s) => {
    const history = trainingHistory(s.training, s.scored, job.rangeStartMs);
    const r = trainAndScore(job.kind, job.options, job.stepMs, s.scored, history, job.rangeStartMs);
    return {
      from: r.from,
      ...r.out,
      fit: r.fit && { kind: r.fit.model.kind, reason: r.fit.reason, warmingUp: r.fit.warmingUp },
    };
  });
}

/** Runs on the calling thread: where no Worker exists (jsdom, old browsers) or it failed to start. */
export const computeInThread: Compute = async (job) => computeJob(job);

/** The buffers of computed results, handed over without copying. */
export function transferables(results: ComputedSeries[]): ArrayBuffer[] {
  return results.flatMap((r) => [r.expected, r.lower, r.upper, r.score].map((b) => b.buffer as ArrayBuffer));
}
