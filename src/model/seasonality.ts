import { DAY_MS, WEEK_MS } from './options';
import { selectMedian, theilSenSlope } from './seasonal/robust';
import { medianStep } from './stats';
import type { Seasonality, Series } from './types';

/**
 * Chooses the seasonal period a model should use. Runs on every fit, so it works on an hourly
 * binned copy of the series (a few thousand bins at most) instead of the raw points.
 */

export type SeasonalityKind = 'daily' | 'weekly' | 'none';

export interface DetectedSeasonality {
  periodMs: number;
  kind: SeasonalityKind;
}

const HOUR_MS = 3_600_000;
const NONE: DetectedSeasonality = { periodMs: 0, kind: 'none' };
const DAILY: DetectedSeasonality = { periodMs: DAY_MS, kind: 'daily' };
const WEEKLY: DetectedSeasonality = { periodMs: WEEK_MS, kind: 'weekly' };

/** A seasonal profile must explain at least this share of the (detrended) variance to be used. */
const MIN_EXPLAINED = 0.2;
/** Weekly is chosen only when its residual variance is this much below daily's. */
const WEEKLY_ADVANTAGE = 0.8;
/** A daily profile needs at least this many bins per day to mean anything. */
const MIN_BINS_PER_DAY = 4;

/** `stepMs` is medianStep(series.t); callers that already have it (TrainingInfo) pass it to skip a pass. */
export function detectSeasonality(series: Series, requested: Seasonality, stepMs?: number): DetectedSeasonality {
  if (requested === 'none') {
    return NONE;
  }
  const span = finiteSpan(series);
  const step = stepMs ?? medianStep(series.t);
  // Daily needs sub-daily sampling, else the profile has no shape to learn.
  const dailyOk = span >= 2 * DAY_MS && step > 0 && step <= DAY_MS / MIN_BINS_PER_DAY;
  const weeklyOk = span >= 2 * WEEK_MS && step > 0 && step <= DAY_MS;
  if (requested === 'weekly') {
    return weeklyOk ? WEEKLY : dailyOk ? DAILY : NONE;
  }
  if (requested === 'daily') {
    return dailyOk ? DAILY : NONE;
  }
  if (!dailyOk && !weeklyOk) {
    return NONE;
  }
  return chooseFromData(series, step, dailyOk, weeklyOk);
}

/** Time from the first to the last finite sample, plus one step (so 2 days of samples count as 2 days). */
function finiteSpan(series: Series): number {
  const { t, v } = series;
  let a = 0;
  while (a < t.length && !Number.isFinite(v[a])) {
    a++;
  }
  let b = t.length - 1;
  while (b > a && !Number.isFinite(v[b])) {
    b--;
  }
  if (a >= b) {
    return 0;
  }
  return t[b] - t[a] + (t[b] - t[a]) / (b - a);
}

/**
 * Compares how much variance a daily and a weekly profile explain on the binned, block-detrended
 * series. Variances are divided by their residual degrees of freedom, so the weekly profile's 7x
 * more parameters do not win by overfitting: with noise only, both estimates stay equal.
 */
function chooseFromData(series: Series, step: number, dailyOk: boolean, weeklyOk: boolean): DetectedSeasonality {
  const binsPerDay = Math.max(1, Math.floor(DAY_MS / Math.max(HOUR_MS, step)));
  const binMs = DAY_MS / binsPerDay;
  const binned = binMedians(series, binMs);
  if (binned === null) {
    return NONE;
  }
  const { values, first } = binned;
  const nb = values.length;
  removeTrend(values, binsPerDay);
  // Remove one level per block (a week when weekly is possible, else a day): slow drift and
  // random-walk wander go, while the within-block shape a profile explains stays intact.
  const blockBins = weeklyOk ? 7 * binsPerDay : binsPerDay;
  const detr = new Float64Array(nb);
  let blocks = 0;
  for (let s = 0; s < nb; s += blockBins) {
    const e = Math.min(nb, s + blockBins);
    let sum = 0;
    let cnt = 0;
    for (let k = s; k < e; k++) {
      if (Number.isFinite(values[k])) {
        sum += values[k];
        cnt++;
      }
    }
    if (cnt > 0) {
      blocks++;
    }
    const mean = cnt ? sum / cnt : 0;
    for (let k = s; k < e; k++) {
      detr[k] = values[k] - mean;
    }
  }
  clipOutliers(detr);
  const v0 = residualVariance(detr, first, 1, blocks);
  const vd = dailyOk ? residualVariance(detr, first, binsPerDay, blocks) : Infinity;
  const vw = weeklyOk ? residualVariance(detr, first, 7 * binsPerDay, blocks) : Infinity;
  if (!(v0 > 0)) {
    return NONE;
  }
  if (weeklyOk && vw < WEEKLY_ADVANTAGE * Math.min(vd, v0) && vw < (1 - MIN_EXPLAINED) * v0) {
    return WEEKLY;
  }
  if (dailyOk && vd < (1 - MIN_EXPLAINED) * v0) {
    return DAILY;
  }
  return NONE;
}

/**
 * Median of the finite values per bin of width binMs, aligned to the epoch (NaN for empty bins).
 * Medians, so a burst of outliers inside one bin does not leak into the comparison. Timestamps are
 * ascending, so each bin is one contiguous run.
 */
function binMedians(series: Series, binMs: number): { values: Float64Array; first: number } | null {
  const { t, v } = series;
  // Ascending timestamps: the first and last finite points give the bin range.
  let a = 0;
  while (a < t.length && !Number.isFinite(v[a])) {
    a++;
  }
  let z = t.length - 1;
  while (z > a && !Number.isFinite(v[z])) {
    z--;
  }
  if (a >= t.length) {
    return null;
  }
  const lo = Math.floor(t[a] / binMs);
  const hi = Math.floor(t[z] / binMs);
  const nb = hi - lo + 1;
  const out = new Float64Array(nb).fill(NaN);
  const buf = new Float64Array(t.length);
  let i = 0;
  while (i < t.length) {
    const k = Math.floor(t[i] / binMs);
    let c = 0;
    while (i < t.length && Math.floor(t[i] / binMs) === k) {
      if (Number.isFinite(v[i])) {
        buf[c++] = v[i];
      }
      i++;
    }
    if (c > 0) {
      out[k - lo] = selectMedian(buf, 0, c);
    }
  }
  return { values: out, first: lo };
}

/** Removes a Theil–Sen line through the per-day medians, so a steady trend is not read as a weekly shape. */
function removeTrend(x: Float64Array, binsPerDay: number): void {
  const days = Math.ceil(x.length / binsPerDay);
  const xs = new Float64Array(days);
  const ys = new Float64Array(days);
  const buf = new Float64Array(binsPerDay);
  let m = 0;
  for (let d = 0; d < days; d++) {
    let c = 0;
    for (let k = d * binsPerDay; k < Math.min(x.length, (d + 1) * binsPerDay); k++) {
      if (Number.isFinite(x[k])) {
        buf[c++] = x[k];
      }
    }
    // Only well-covered days: a partial day's median carries part of the daily shape.
    if (c >= 0.75 * binsPerDay) {
      xs[m] = (d + 0.5) * binsPerDay;
      ys[m++] = selectMedian(buf, 0, c);
    }
  }
  const slope = theilSenSlope(xs, ys, m);
  if (slope !== 0 && Number.isFinite(slope)) {
    for (let k = 0; k < x.length; k++) {
      x[k] -= slope * k;
    }
  }
}

/** Winsorises bins beyond 6 robust sigmas so one burst cannot create or hide a pattern. */
function clipOutliers(x: Float64Array): void {
  const finite = x.filter(Number.isFinite).sort();
  if (finite.length < 4) {
    return;
  }
  const med = finite[finite.length >> 1];
  const dev = finite.map((y) => Math.abs(y - med)).sort();
  const s = 1.4826 * dev[dev.length >> 1];
  if (!(s > 0)) {
    return;
  }
  const lo = med - 6 * s;
  const hi = med + 6 * s;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) {
      x[i] = lo;
    } else if (x[i] > hi) {
      x[i] = hi;
    }
  }
}

/**
 * Residual variance after subtracting a per-phase mean profile (phase = absolute bin index mod
 * `period`), per residual degree of freedom.
 */
function residualVariance(x: Float64Array, first: number, period: number, blocks: number): number {
  const sum = new Float64Array(period);
  const cnt = new Float64Array(period);
  let n = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k])) {
      const p = (first + k) % period;
      sum[p] += x[k];
      cnt[p]++;
      n++;
    }
  }
  let used = 0;
  for (let p = 0; p < period; p++) {
    if (cnt[p] > 0) {
      sum[p] /= cnt[p];
      used++;
    }
  }
  let sse = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k])) {
      const r = x[k] - sum[(first + k) % period];
      sse += r * r;
    }
  }
  // A period of 1 is the plain mean, already removed by the block levels.
  const params = period === 1 ? blocks : blocks + used - 1;
  const dof = n - params;
  return dof > 0 ? sse / dof : Infinity;
}
