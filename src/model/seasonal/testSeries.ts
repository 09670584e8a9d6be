import { Rng } from '../random';
import type { Series } from '../types';

/**
 * Seeded synthetic series for the seasonal/ETS tests (test-only helper): a known signal plus
 * Gaussian noise, so tests can compare a model's expected value with the truth.
 */

export const T0 = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Daily sinusoid of amplitude 10 around 100 with a sharper morning bump. */
export function dailySignal(t: number): number {
  const h = (((t % DAY) + DAY) % DAY) / HOUR;
  return 100 + 10 * Math.sin((2 * Math.PI * h) / 24) + 6 * Math.exp(-0.5 * ((h - 9) / 1.2) ** 2);
}

/** The daily signal on weekdays, 25 lower all Saturday and Sunday. */
export function weeklySignal(t: number): number {
  const dow = ((Math.floor((t - T0) / DAY) % 7) + 7) % 7; // 0 = Monday
  return dailySignal(t) - (dow >= 5 ? 25 : 0);
}

export function makeSeries(
  n: number,
  stepMs: number,
  signal: (t: number) => number,
  noise: number,
  seed: number,
  start = T0
): Series {
  const rng = new Rng(seed);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = start + i * stepMs;
    v[i] = signal(t[i]) + noise * gaussian(rng);
  }
  return { t, v };
}

export function fractionAbove(score: Float64Array, threshold = 1, from = 0, to = score.length): number {
  let c = 0;
  for (let i = from; i < to; i++) {
    if (score[i] > threshold) {
      c++;
    }
  }
  return c / (to - from);
}
