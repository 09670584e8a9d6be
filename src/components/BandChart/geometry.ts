/**
 * Pure geometry for BandChart: per-pixel downsampling (so a month at 1-minute steps still draws
 * quickly), SVG paths that break at gaps, and readable axis ticks.
 */

export type Sample = number | null;

export interface Columns {
  /** Pixel x of each output point. */
  x: number[];
  /** Sample index ranges [start, end) per output point. */
  ranges: Array<[number, number]>;
}

const finite = (v: Sample | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/**
 * Groups samples by pixel column when there are more than two per pixel; otherwise one point per
 * sample. `t` must be ascending.
 */
export function columns(t: readonly number[], x: (ms: number) => number, widthPx: number): Columns {
  if (t.length <= 2 * widthPx) {
    return { x: t.map(x), ranges: t.map((_, i) => [i, i + 1] as [number, number]) };
  }
  const out: Columns = { x: [], ranges: [] };
  let start = 0;
  let col = Math.floor(x(t[0]));
  for (let i = 1; i <= t.length; i++) {
    const c = i < t.length ? Math.floor(x(t[i])) : Number.NaN;
    if (c !== col) {
      out.x.push(col + 0.5);
      out.ranges.push([start, i]);
      start = i;
      col = c;
    }
  }
  return out;
}

export type Reduce = 'min' | 'max' | 'mean';

/** One value per column: the min, max or mean of its finite samples; null where it has none. */
export function reduce(ys: readonly Sample[], cols: Columns, how: Reduce): Sample[] {
  return cols.ranges.map(([a, b]) => {
    let acc = how === 'min' ? Infinity : how === 'max' ? -Infinity : 0;
    let n = 0;
    for (let i = a; i < b; i++) {
      const v = ys[i];
      if (finite(v)) {
        acc = how === 'min' ? Math.min(acc, v) : how === 'max' ? Math.max(acc, v) : acc + v;
        n++;
      }
    }
    if (n === 0) {
      return null;
    }
    return how === 'mean' ? acc / n : acc;
  });
}

/** A polyline through (x, y), lifted at every gap (null, NaN). */
export function linePath(x: readonly number[], y: readonly Sample[], sy: (v: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    if (!finite(v)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${round(x[i])},${round(sy(v))}`);
    pen = true;
  }
  return parts.join('');
}

/**
 * Envelope line: through each column's min and max, so a spike inside a column still shows.
 * With one sample per column it is the plain line.
 */
export function envelopePath(
  x: readonly number[],
  lo: readonly Sample[],
  hi: readonly Sample[],
  sy: (v: number) => number
): string {
  const xs: number[] = [];
  const ys: Sample[] = [];
  for (let i = 0; i < x.length; i++) {
    xs.push(x[i]);
    ys.push(lo[i]);
    if (lo[i] !== hi[i]) {
      xs.push(x[i]);
      ys.push(hi[i]);
    }
  }
  return linePath(xs, ys, sy);
}

/** Closed areas between `lo` and `hi` for every run where both are known. */
export function areaPath(
  x: readonly number[],
  lo: readonly Sample[],
  hi: readonly Sample[],
  sy: (v: number) => number
): string {
  const parts: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const top = run.map((i, k) => `${k === 0 ? 'M' : 'L'}${round(x[i])},${round(sy(hi[i] as number))}`);
      const bottom = [...run].reverse().map((i) => `L${round(x[i])},${round(sy(lo[i] as number))}`);
      parts.push(top.join('') + bottom.join('') + 'Z');
    }
    run = [];
  };
  for (let i = 0; i < x.length; i++) {
    if (finite(lo[i]) && finite(hi[i])) {
      run.push(i);
    } else {
      flush();
    }
  }
  flush();
  return parts.join('');
}

/** [min, max] over the finite samples of all arrays; undefined when there are none. */
export function extent(...arrays: ReadonlyArray<readonly Sample[]>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (const v of a) {
      if (finite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const span = d1 - d0 || 1;
  return (v) => range[0] + ((v - d0) / span) * (range[1] - range[0]);
}

/** About `count` round values (1, 2, 5 × 10^k steps) covering [lo, hi]; widens a flat domain. */
export function niceTicks(lo: number, hi: number, count: number): { domain: [number, number]; ticks: number[] } {
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step / 2; v += step) {
    ticks.push(Math.abs(v) < step / 1e6 ? 0 : v);
  }
  return { domain: [start, end], ticks };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/** At most about `count` time ticks on whole minutes/hours/days (UTC) within [fromMs, toMs]. */
export function timeTicks(fromMs: number, toMs: number, count: number): { ticks: number[]; stepMs: number } {
  const span = Math.max(toMs - fromMs, 1);
  const stepMs = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / (7 * DAY)) * 7 * DAY;
  const ticks: number[] = [];
  for (let v = Math.ceil(fromMs / stepMs) * stepMs; v <= toMs; v += stepMs) {
    ticks.push(v);
  }
  return { ticks, stepMs };
}

/** Short axis label: 1.5k, 2M, 0.25. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (a >= size) {
      return `${trim(v / size)}${suffix}`;
    }
  }
  return trim(v);
}

function trim(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
