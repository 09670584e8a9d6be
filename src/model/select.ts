/**
 * Linear-time order statistics on typed arrays: training runs on ~10^5 points, so medians are
 * selected, never found by sorting the whole series.
 */

/** Median of a[lo, hi) by in-place quickselect (reorders that range). NaN for an empty range. */
export function selectMedian(a: Float64Array, lo: number, hi: number): number {
  const n = hi - lo;
  if (n <= 0) {
    return NaN;
  }
  const k = lo + (n >> 1);
  const upper = select(a, lo, hi - 1, k);
  if (n % 2 === 1) {
    return upper;
  }
  // After selecting k, everything left of k is <= a[k]: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = lo; i < k; i++) {
    if (a[i] > lower) {
      lower = a[i];
    }
  }
  return 0.5 * (lower + upper);
}

/** Hoare-style quickselect with median-of-three pivots; deterministic. Returns the k-th smallest. */
export function select(a: Float64Array, left: number, right: number, k: number): number {
  while (right > left) {
    if (right - left < 16) {
      insertionSort(a, left, right);
      return a[k];
    }
    const mid = (left + right) >>> 1;
    // Order a[left], a[mid], a[right] so the pivot is their median.
    if (a[mid] < a[left]) {
      swap(a, mid, left);
    }
    if (a[right] < a[left]) {
      swap(a, right, left);
    }
    if (a[right] < a[mid]) {
      swap(a, right, mid);
    }
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) {
        i++;
      }
      while (a[j] > pivot) {
        j--;
      }
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) {
      right = j;
    } else if (k >= i) {
      left = i;
    } else {
      return a[k];
    }
  }
  return a[k];
}

function insertionSort(a: Float64Array, left: number, right: number): void {
  for (let i = left + 1; i <= right; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= left && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const x = a[i];
  a[i] = a[j];
  a[j] = x;
}

/**
 * Linear-interpolated quantile (type 7, as quantileSorted) of the finite values of `v`, without
 * sorting: two selections on a copy.
 */
export function quantileSelect(v: ArrayLike<number>, q: number): number {
  const a = new Float64Array(v.length);
  const n = copyFinite(v, a);
  return quantileInPlace(a, n, q);
}

/** Copies the finite values of `v` to the front of `out` (at least v.length long); returns how many. */
export function copyFinite(v: ArrayLike<number>, out: Float64Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isFinite(x)) {
      out[n++] = x;
    }
  }
  return n;
}

/**
 * Type-7 quantile of a[0, n) (all finite) by selection; reorders that range. NaN when n is 0.
 * Callers wanting several quantiles of one sample reuse the array: selection only permutes it.
 */
export function quantileInPlace(a: Float64Array, n: number, q: number): number {
  if (n === 0) {
    return NaN;
  }
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const below = select(a, 0, n - 1, lo);
  if (pos === lo) {
    return below;
  }
  // After selecting lo, everything right of it is >= a[lo]: the next order statistic is their minimum.
  let above = Infinity;
  for (let i = lo + 1; i < n; i++) {
    if (a[i] < above) {
      above = a[i];
    }
  }
  return below + (above - below) * (pos - lo);
}
