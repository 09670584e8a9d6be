/** Axis ticks and labels: nice value ticks in the series' unit, and UTC date/time ticks. */

const { abs, ceil, floor, log10, max, pow } = Math;

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Tick {
  at: number;
  label: string;
  /** Extra CSS class for the label (e.g. threshold colours). */
  cls?: string;
}

interface UnitScale {
  div: number;
  suffix: string;
}

const BIN = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const SI = ['', 'k', 'M', 'G', 'T'];

/** Picks a display divisor and suffix for a unit from the largest magnitude on the axis. */
function unitScale(unit: string | undefined, absMax: number): UnitScale {
  switch (unit) {
    case 'bytes': {
      let k = 0;
      while (k < BIN.length - 1 && absMax >= 1024 ** (k + 1)) {
        k++;
      }
      return { div: 1024 ** k, suffix: ` ${BIN[k]}` };
    }
    case 'percentunit':
      return { div: 0.01, suffix: '%' };
    case 'percent':
      return { div: 1, suffix: '%' };
    case 's':
      return absMax < 1 ? { div: 0.001, suffix: ' ms' } : { div: 1, suffix: ' s' };
    case 'ms':
      return absMax >= 1000 ? { div: 1000, suffix: ' s' } : { div: 1, suffix: ' ms' };
    default: {
      let k = 0;
      while (k < SI.length - 1 && absMax >= 1000 ** (k + 1)) {
        k++;
      }
      const u = unit === 'reqps' ? 'req/s' : (unit ?? '');
      // "120 req/s", "1.5k req/s", "1.5k".
      const suffix = u ? (SI[k] ? `${SI[k]} ${u}` : ` ${u}`) : SI[k];
      return { div: 1000 ** k, suffix };
    }
  }
}

function niceStep(raw: number): number {
  const p = pow(10, floor(log10(raw)));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10) * p;
}

function decimalsFor(step: number): number {
  let d = 0;
  while (d < 6 && abs(step * 10 ** d - Math.round(step * 10 ** d)) > 1e-9) {
    d++;
  }
  return d;
}

/** About `count` nice ticks covering [lo, hi], labelled in the unit. */
export function valueTicks(
  lo: number,
  hi: number,
  unit: string | undefined,
  count = 5
): { ticks: Tick[]; lo: number; hi: number } {
  const sc = unitScale(unit, max(abs(lo), abs(hi)));
  let a = lo / sc.div;
  let b = hi / sc.div;
  if (!(b > a)) {
    const pad = a === 0 ? 1 : abs(a) * 0.1;
    a -= pad;
    b += pad;
  }
  const step = niceStep((b - a) / count);
  const first = ceil(a / step - 1e-9) * step;
  const dec = decimalsFor(step);
  const ticks: Tick[] = [];
  for (let x = first; x <= b + step * 1e-9; x += step) {
    const v = abs(x) < step * 1e-9 ? 0 : x;
    ticks.push({ at: v * sc.div, label: v === 0 ? '0' : `${v.toFixed(dec)}${sc.suffix}` });
  }
  return { ticks, lo: a * sc.div, hi: b * sc.div };
}

/** A single value in the unit, with a few significant digits (for tooltips and tables). */
export function formatValue(v: number, unit: string | undefined): string {
  if (!Number.isFinite(v)) {
    return '–';
  }
  const sc = unitScale(unit, abs(v));
  const x = v / sc.div;
  const dec = abs(x) >= 100 ? 0 : abs(x) >= 10 ? 1 : 2;
  return `${x.toFixed(dec)}${sc.suffix}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]}`;
}

/** "2025-01-21 10:30 UTC": used in tooltips and tables. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} UTC`;
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) {
    return `${Math.round(ms / 1000)} s`;
  }
  if (ms < HOUR) {
    return `${Math.round(ms / 60_000)} min`;
  }
  if (ms < 2 * DAY) {
    return `${(ms / HOUR).toFixed(ms < 10 * HOUR ? 1 : 0)} h`;
  }
  return `${(ms / DAY).toFixed(1)} d`;
}

const STEPS = [
  60_000,
  300_000,
  900_000,
  1_800_000,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  28 * DAY,
];
/** 1970-01-05 was a Monday: weekly ticks align to Mondays. */
const MONDAY = 4 * DAY;

/** UTC ticks at a step that gives at most `maxTicks` labels. */
export function timeTicks(t0: number, t1: number, maxTicks: number): Tick[] {
  const span = max(1, t1 - t0);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? 28 * DAY;
  const origin = step >= 7 * DAY ? MONDAY : 0;
  const out: Tick[] = [];
  for (let t = origin + ceil((t0 - origin) / step) * step; t <= t1; t += step) {
    const d = new Date(t);
    const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0;
    const label = step >= DAY || midnight ? formatDate(t) : `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
    out.push({ at: t, label });
  }
  return out;
}
