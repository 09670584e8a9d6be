import { Rng } from '../random';
import type { Series } from '../types';

/** Deterministic synthetic data for this folder's tests (not used by the library). */

export const STEP_MS = 5 * 60_000;
/** Monday 2024-01-01 00:00 UTC. */
export const T0 = Date.UTC(2024, 0, 1);

export function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** A daily sinusoid (peak mid-afternoon) with Gaussian noise, every 5 minutes. */
export function dailySeries(days: number, seed: number, noise = 1): Series {
  const n = (days * 86_400_000) / STEP_MS;
  const rng = new Rng(seed);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = T0 + i * STEP_MS;
    const hour = (((t[i] / 3_600_000) % 24) + 24) % 24;
    v[i] = 100 + 20 * Math.sin((2 * Math.PI * (hour - 9)) / 24) + noise * gaussian(rng);
  }
  return { t, v };
}

/** Busy 08:00-20:00 UTC (about 100), quiet otherwise (about 10). */
export function officeHoursSeries(days: number, seed: number): Series {
  const n = (days * 86_400_000) / STEP_MS;
  const rng = new Rng(seed);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = T0 + i * STEP_MS;
    const hour = (((t[i] / 3_600_000) % 24) + 24) % 24;
    v[i] = (hour >= 8 && hour < 20 ? 100 : 10) + 2 * gaussian(rng);
  }
  return { t, v };
}

export function copySeries(s: Series): Series {
  return { t: Float64Array.from(s.t), v: Float64Array.from(s.v) };
}

export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) {
      return false;
    }
  }
  return true;
}
