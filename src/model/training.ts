import { fingerprintSeries } from './fingerprint';
import { medianStep } from './stats';
import type { Series, TrainingInfo } from './types';

/** Describes the training data; recorded in every model. */
export function describeTraining(series: Series): TrainingInfo {
  const n = series.t.length;
  let points = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(series.v[i])) {
      points++;
    }
  }
  return {
    fromMs: n ? series.t[0] : 0,
    toMs: n ? series.t[n - 1] : 0,
    points,
    fingerprint: fingerprintSeries(series.t, series.v),
    stepMs: medianStep(series.t),
  };
}

/** A view of the points with fromMs <= t < toMs (binary search; no copy). */
export function sliceByTime(series: Series, fromMs: number, toMs: number): Series {
  const a = lowerBound(series.t, fromMs);
  const b = lowerBound(series.t, toMs);
  return { t: series.t.subarray(a, b), v: series.v.subarray(a, b) };
}

/** First index with t[i] >= x. */
export function lowerBound(t: Float64Array, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
