// One Prometheus fetch per distinct training range in a retraining sweep. A sweep retrains keys
// one by one (each a job, visible in /jobs), but the keys of one panel query are the series of one
// PromQL result: fetching that result once per key would move it N times for N series (a query of
// 1,000 series over 14 days at 1 m is 20 M points each time). The sweep announces how many of its
// trainings will read each range; the first reader fetches, the others wait on the same answer,
// and the answer is dropped once the last of them has it.

import type { PrometheusClient, RangeResult } from '../../prometheus/client';
import type { RangeFetcher } from './train';

export class SharedRangeFetch {
  private readonly entries = new Map<string, { readers: number; result?: Promise<RangeResult> }>();
  /** Canceled when the sweep stops: a shared fetch belongs to no single job. */
  private readonly stopping = new AbortController();

  constructor(private readonly prometheus: PrometheusClient) {}

  /** One more training of this sweep will read this range. */
  expect(expr: string, startMs: number, endMs: number, stepMs: number): void {
    const id = rangeId(expr, startMs, endMs, stepMs);
    const e = this.entries.get(id) ?? { readers: 0 };
    e.readers++;
    this.entries.set(id, e);
  }

  /** Reads a range: shared when it was expected, a fetch of its own otherwise. */
  readonly fetch: RangeFetcher = (expr, startMs, endMs, stepMs, signal) => {
    const id = rangeId(expr, startMs, endMs, stepMs);
    const e = this.entries.get(id);
    if (!e) {
      return this.prometheus.queryRange(expr, startMs, endMs, stepMs, { signal });
    }
    e.result ??= this.prometheus.queryRange(expr, startMs, endMs, stepMs, { signal: this.stopping.signal });
    const result = e.result;
    if (--e.readers === 0) {
      this.entries.delete(id);
    }
    return result;
  };

  /** Drops what is left (trainings that never ran) and cancels a fetch still in flight. */
  close(): void {
    this.stopping.abort();
    this.entries.clear();
  }
}

function rangeId(expr: string, startMs: number, endMs: number, stepMs: number): string {
  return `${startMs}\u0000${endMs}\u0000${stepMs}\u0000${expr}`;
}
