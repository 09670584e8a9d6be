import { dexp, dlog } from '../detmath';
import { MAD_TO_SIGMA } from '../stats';
import { groupByBin, pooledBinMedians, selectMedian, theilSenSlope } from '../seasonal/robust';
import type { Series } from '../types';
import { runFilter, type HwParams, type HwState } from './holtWinters';
import { nelderMead } from './nelderMead';

/**
 * Fits ETS(A,Ad,A): robust initial states from the first periods, then smoothing parameters that
 * minimise the one-step squared error (innovations clipped at 4 robust sigmas, so training
 * outliers neither drag the state nor dominate the loss) by a small grid and Nelder–Mead.
 */

export interface HwFit {
  params: HwParams;
  state: HwState;
  /** One-step errors after the burn-in, for calibration. */
  residuals: Float64Array;
  /** Median absolute one-step error (unscaled). */
  residualMad: number;
}

const INIT_PERIODS = 4;
const CLIP_SIGMAS = 4;
const MAX_EVALS = 90;
const ALPHA_RANGE: [number, number] = [0.01, 0.99];
const PHI_RANGE: [number, number] = [0.8, 0.98];

export function fitHoltWinters(series: Series, originMs: number, stepMs: number, m: number): HwFit {
  const { t, v } = series;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isFinite(v[i])) {
      n++;
    }
  }
  const y = new Float64Array(n);
  const k = new Float64Array(n);
  for (let i = 0, j = 0; i < v.length; i++) {
    if (Number.isFinite(v[i])) {
      y[j] = v[i];
      k[j] = Math.max(Math.round((t[i] - originMs) / stepMs), j > 0 ? k[j - 1] : 0);
      j++;
    }
  }
  const init = initialState(y, k, m);
  let burn = 0;
  const burnSteps = m > 1 ? m : 10;
  while (burn < n && k[burn] < burnSteps) {
    burn++;
  }
  burn = Math.min(burn, n >> 1);

  const work: HwState = { level: 0, trend: 0, season: new Float64Array(m), lastK: -1 };
  const run = (p: HwParams, clip: number, errors?: Float64Array) => {
    work.level = init.level;
    work.trend = init.trend;
    work.season.set(init.season);
    work.lastK = init.lastK;
    return runFilter(p, work, y, k, clip, burn, errors);
  };

  const seasonal = m > 1;
  const toParams = (u: Float64Array): HwParams => {
    const alpha = squash(u[0], ALPHA_RANGE);
    return {
      alpha,
      beta: alpha * squash(u[1], [0, 1]),
      phi: squash(u[2], PHI_RANGE),
      gamma: seasonal ? (1 - alpha) * squash(u[3], [0, 1]) : 0,
    };
  };

  // Coarse grid first (also fixes the clip from the best candidate's own residuals).
  let clip = CLIP_SIGMAS * diffSigma(y, k);
  if (!(clip > 0)) {
    clip = Infinity;
  }
  let bestU = new Float64Array(seasonal ? 4 : 3);
  let bestV = Infinity;
  for (const a of [0.05, 0.2, 0.5, 0.8]) {
    for (const br of [0.02, 0.2]) {
      for (const ph of [0.9, 0.98]) {
        for (const gr of seasonal ? [0.02, 0.2] : [0]) {
          const u = Float64Array.of(
            unsquash(a, ALPHA_RANGE),
            unsquash(br, [0, 1]),
            unsquash(ph, PHI_RANGE),
            unsquash(gr, [0, 1])
          );
          const val = run(toParams(u), clip);
          if (val < bestV) {
            bestV = val;
            bestU = seasonal ? u : u.subarray(0, 3).slice();
          }
        }
      }
    }
  }
  const errors = new Float64Array(n);
  run(toParams(bestU), clip, errors);
  const sigma = MAD_TO_SIGMA * absMedian(errors.subarray(burn));
  if (sigma > 0) {
    clip = CLIP_SIGMAS * sigma;
  }

  const objective = (u: Float64Array) => run(toParams(u), clip);
  const best = nelderMead(objective, bestU, 0.6, MAX_EVALS, 1e-6);
  const params = toParams(best.x);
  run(params, clip, errors);
  const residuals = errors.slice(burn);
  return {
    params,
    state: { level: work.level, trend: work.trend, season: work.season.slice(), lastK: work.lastK },
    residuals,
    residualMad: absMedian(residuals.slice()),
  };
}

/**
 * Season from per-slot medians of the first periods (each value minus its period's median), level
 * and trend from a Theil–Sen line through the period medians. With no season: the median of the
 * first points and no trend.
 */
function initialState(y: Float64Array, k: Float64Array, m: number): HwState {
  const n = y.length;
  const season = new Float64Array(m);
  if (m <= 1 || n === 0) {
    const w = Math.min(n, 20);
    const level = w ? selectMedian(y.slice(0, w), 0, w) : 0;
    return { level, trend: 0, season, lastK: n ? k[0] - 1 : -1 };
  }
  const spanPeriods = Math.floor((k[n - 1] - k[0] + 1) / m);
  const periods = Math.max(1, Math.min(INIT_PERIODS, spanPeriods));
  let end = 0;
  while (end < n && k[end] - k[0] < periods * m) {
    end++;
  }
  const periodOf = new Int32Array(end);
  for (let i = 0; i < end; i++) {
    periodOf[i] = Math.floor((k[i] - k[0]) / m);
  }
  const g = groupByBin(periodOf, y.subarray(0, end), periods);
  const med = new Float64Array(periods);
  const centres = new Float64Array(periods);
  let used = 0;
  for (let p = 0; p < periods; p++) {
    const lo = g.offsets[p];
    const hi = g.offsets[p + 1];
    if (hi > lo) {
      med[used] = selectMedian(g.grouped, lo, hi);
      centres[used] = k[0] + (p + 0.5) * m;
      used++;
    }
  }
  const trend = theilSenSlope(centres, med, used);
  const detr = new Float64Array(end);
  const slot = new Int32Array(end);
  for (let i = 0; i < end; i++) {
    detr[i] = y[i] - (med[0] + trend * (k[i] - centres[0]));
    slot[i] = k[i] % m;
  }
  const sg = groupByBin(slot, detr, m);
  const counts = new Float64Array(m);
  pooledBinMedians(sg, 3, season, counts);
  let mean = 0;
  for (let j = 0; j < m; j++) {
    if (!Number.isFinite(season[j])) {
      season[j] = 0;
    }
    mean += season[j] / m;
  }
  for (let j = 0; j < m; j++) {
    season[j] -= mean;
  }
  // State "just before" the first point, so its one-step forecast is level + phi * trend.
  const lastK = k[0] - 1;
  const level = med[0] + mean + trend * (lastK - centres[0]);
  return { level, trend, season, lastK };
}

/** Robust sigma of one-step differences (consecutive grid indices only), as a first noise scale. */
function diffSigma(y: Float64Array, k: Float64Array): number {
  const d = new Float64Array(y.length);
  let c = 0;
  for (let i = 1; i < y.length; i++) {
    if (k[i] - k[i - 1] === 1) {
      d[c++] = Math.abs(y[i] - y[i - 1]);
    }
  }
  return c ? (MAD_TO_SIGMA * selectMedian(d, 0, c)) / Math.SQRT2 : 0;
}

function absMedian(x: Float64Array): number {
  const a = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    a[i] = Math.abs(x[i]);
  }
  const r = selectMedian(a, 0, a.length);
  return Number.isFinite(r) ? r : 0;
}

function squash(u: number, [lo, hi]: [number, number]): number {
  return lo + (hi - lo) / (1 + dexp(-u));
}

function unsquash(x: number, [lo, hi]: [number, number]): number {
  const p = Math.min(Math.max((x - lo) / (hi - lo), 1e-6), 1 - 1e-6);
  return dlog(p / (1 - p));
}
