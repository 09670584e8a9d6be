import { dpowInt } from '../detmath';
/**
 * Additive Holt–Winters with a damped additive trend (ETS(A,Ad,A) in error-correction form) on a
 * regular step grid. Points carry their grid index k; a jump of h > 1 steps advances level and
 * trend through the missing steps without an update, and the season slot is k mod m, so gaps keep
 * the season in phase.
 */

export interface HwParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** Mutable filter state: `season` has m slots; `lastK` is the grid index of the last update. */
export interface HwState {
  level: number;
  trend: number;
  season: Float64Array;
  lastK: number;
}

/** phi + phi^2 + ... + phi^h. */
export function dampedSum(phi: number, h: number): number {
  if (h <= 0) {
    return 0;
  }
  if (phi === 1) {
    return h;
  }
  return (phi * (1 - dpowInt(phi, h))) / (1 - phi);
}

/**
 * Runs the filter over finite points y[i] at grid indices k[i] (ascending), mutating `state`.
 * Innovations are clipped to [-clip, clip] before they update the state, so outliers do not drag
 * it. Returns the mean squared clipped error over points i >= burn; writes raw one-step errors to
 * `errors` when given.
 */
export function runFilter(
  p: HwParams,
  state: HwState,
  y: Float64Array,
  k: Float64Array,
  clip: number,
  burn: number,
  errors?: Float64Array
): number {
  const { alpha, beta, gamma, phi } = p;
  const season = state.season;
  const m = season.length;
  let l = state.level;
  let b = state.trend;
  let lastK = state.lastK;
  let sse = 0;
  let count = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const ki = k[i];
    const h = ki - lastK;
    if (h > 1) {
      l += b * dampedSum(phi, h - 1);
      b *= dpowInt(phi, h - 1);
    }
    const j = m > 1 ? ki % m : 0;
    const pb = phi * b;
    const e = y[i] - (l + pb + season[j]);
    if (errors) {
      errors[i] = e;
    }
    const ec = e > clip ? clip : e < -clip ? -clip : e;
    if (i >= burn) {
      sse += ec * ec;
      count++;
    }
    l = l + pb + alpha * ec;
    b = pb + beta * ec;
    season[j] += gamma * ec;
    lastK = ki;
  }
  state.level = l;
  state.trend = b;
  state.lastK = lastK;
  return count ? sse / count : Infinity;
}
