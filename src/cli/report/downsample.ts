/**
 * Reduces a series to at most a couple of points per pixel column before drawing, so a 30-day
 * 60 s series is a few thousand SVG vertices. min/max per column keeps single-sample spikes.
 * Output: parallel arrays of x (column units, 0..cols) and y (value); NaN in y breaks the line.
 */

const { floor } = Math;

export interface Polyline {
  x: Float64Array;
  y: Float64Array;
  n: number;
}

export type Reducer = 'minmax' | 'max' | 'mean';

/** Below this many points per column the series is drawn as is. */
const RAW_PER_COLUMN = 2;

function column(t: number, t0: number, span: number, cols: number): number {
  const c = floor(((t - t0) / span) * cols);
  return c < 0 ? 0 : c >= cols ? cols - 1 : c;
}

export function toColumns(
  t: Float64Array,
  v: Float64Array,
  t0: number,
  t1: number,
  cols: number,
  reducer: Reducer
): Polyline {
  const n = t.length;
  const span = t1 - t0 || 1;
  if (n <= cols * RAW_PER_COLUMN) {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = ((t[i] - t0) / span) * cols;
    }
    return { x, y: v.slice(0, n), n };
  }
  const x = new Float64Array(2 * cols + 2);
  const y = new Float64Array(2 * cols + 2);
  let m = 0;
  let cur = -1;
  let lo = 0;
  let hi = 0;
  let loAt = 0;
  let hiAt = 0;
  let sum = 0;
  let cnt = 0;
  const flush = () => {
    if (cur < 0) {
      return;
    }
    const cx = cur + 0.5;
    if (cnt === 0) {
      if (m > 0 && !Number.isNaN(y[m - 1])) {
        x[m] = cx;
        y[m++] = NaN;
      }
    } else if (reducer === 'mean') {
      x[m] = cx;
      y[m++] = sum / cnt;
    } else if (reducer === 'max') {
      x[m] = cx;
      y[m++] = hi;
    } else {
      // Keep the order in which the extremes occurred, so the line does not zig-zag backwards.
      const first = loAt <= hiAt ? lo : hi;
      const second = loAt <= hiAt ? hi : lo;
      x[m] = cx;
      y[m++] = first;
      if (second !== first) {
        x[m] = cx;
        y[m++] = second;
      }
    }
  };
  for (let i = 0; i < n; i++) {
    const c = column(t[i], t0, span, cols);
    if (c !== cur) {
      flush();
      cur = c;
      cnt = 0;
      sum = 0;
    }
    const val = v[i];
    if (Number.isNaN(val)) {
      continue;
    }
    if (cnt === 0 || val < lo) {
      lo = val;
      loAt = i;
    }
    if (cnt === 0 || val > hi) {
      hi = val;
      hiAt = i;
    }
    sum += val;
    cnt++;
  }
  flush();
  return { x, y, n: m };
}

export interface BandColumns {
  x: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  n: number;
}

/** Envelope of the band per column (min of lower, max of upper); NaN where no point has both. */
export function bandColumns(
  t: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  t0: number,
  t1: number,
  cols: number
): BandColumns {
  const n = t.length;
  const span = t1 - t0 || 1;
  if (n <= cols * RAW_PER_COLUMN) {
    const x = new Float64Array(n);
    const lo = new Float64Array(n);
    const hi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = ((t[i] - t0) / span) * cols;
      const ok = Number.isFinite(lower[i]) && Number.isFinite(upper[i]);
      lo[i] = ok ? lower[i] : NaN;
      hi[i] = ok ? upper[i] : NaN;
    }
    return { x, lo, hi, n };
  }
  const x = new Float64Array(cols);
  const lo = new Float64Array(cols).fill(NaN);
  const hi = new Float64Array(cols).fill(NaN);
  for (let c = 0; c < cols; c++) {
    x[c] = c + 0.5;
  }
  for (let i = 0; i < n; i++) {
    const a = lower[i];
    const b = upper[i];
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      continue;
    }
    const c = column(t[i], t0, span, cols);
    if (!(lo[c] <= a)) {
      lo[c] = a;
    }
    if (!(hi[c] >= b)) {
      hi[c] = b;
    }
  }
  return { x, lo, hi, n: cols };
}

/** Index of the highest-scoring point above `threshold` in each column (flagged points to mark). */
export function flaggedPoints(
  t: Float64Array,
  score: Float64Array,
  value: Float64Array,
  threshold: number,
  t0: number,
  t1: number,
  cols: number
): number[] {
  const span = t1 - t0 || 1;
  const best = new Int32Array(cols).fill(-1);
  for (let i = 0; i < t.length; i++) {
    const s = score[i];
    if (!(s > threshold) || !Number.isFinite(value[i])) {
      continue;
    }
    const c = column(t[i], t0, span, cols);
    if (best[c] < 0 || s > score[best[c]]) {
      best[c] = i;
    }
  }
  const out: number[] = [];
  for (let c = 0; c < cols; c++) {
    if (best[c] >= 0) {
      out.push(best[c]);
    }
  }
  return out;
}
