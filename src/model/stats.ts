import { selectMedian } from './select';
import { dlog } from './detmath';
/**
 * Small numeric helpers on typed arrays. NaN entries are skipped everywhere: they are gaps.
 */

/** Copies the finite values of `v` (optionally a slice) into a new sorted Float64Array. */
export function sortedFinite(v: ArrayLike<number>, start = 0, end = v.length): Float64Array {
  let n = 0;
  for (let i = start; i < end; i++) {
    if (Number.isFinite(v[i])) {
      n++;
    }
  }
  const out = new Float64Array(n);
  let j = 0;
  for (let i = start; i < end; i++) {
    const x = v[i];
    if (Number.isFinite(x)) {
      out[j++] = x;
    }
  }
  return out.sort();
}

/** Linear-interpolated quantile (type 7, as numpy's default) of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  if (n === 1) {
    return sorted[0];
  }
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(v: ArrayLike<number>): number {
  return quantileSorted(sortedFinite(v), 0.5);
}

/** Median absolute deviation around `center` (unscaled). */
export function mad(v: ArrayLike<number>, center: number): number {
  const dev = new Float64Array(v.length);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isFinite(x)) {
      dev[n++] = Math.abs(x - center);
    }
  }
  return quantileSorted(dev.subarray(0, n).sort(), 0.5);
}

/** Scale factor making MAD a consistent estimator of a normal standard deviation. */
export const MAD_TO_SIGMA = 1.4826;

/** Median step between consecutive timestamps, ms (0 for fewer than two points). */
export function medianStep(t: ArrayLike<number>): number {
  if (t.length < 2) {
    return 0;
  }
  const d = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i++) {
    d[i - 1] = t[i] - t[i - 1];
  }
  return selectMedian(d, 0, d.length);
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (p <= 0) {
    return -Infinity;
  }
  if (p >= 1) {
    return Infinity;
  }
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * dlog(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - pLow) {
    return -normalQuantile(1 - p);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

export function countFiniteValues(v: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isFinite(v[i])) {
      n++;
    }
  }
  return n;
}
