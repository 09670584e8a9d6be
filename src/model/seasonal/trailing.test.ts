import { Rng } from '../random';
import { GROWTH, MIN_TRAIL_HOURS, TRAIL_SIGMAS, withoutIncidentInProgress } from './trailing';

const STEP = 5 * 60_000;
const PER_HOUR = 12;

function noise(n: number, seed = 3): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.next() * 2 - 1);
}

describe('incident in progress at the end of training', () => {
  const n = 7 * 24 * PER_HOUR;

  it('leaves out a growing excursion at the end, and only it', () => {
    const z = noise(n);
    // A leak: the last 6 hours climb from 2.5 to 8 noise scales.
    const from = n - 6 * PER_HOUR;
    for (let i = from; i < n; i++) {
      z[i] += 2.5 + (5.5 * (i - from)) / (n - from);
    }
    const kept = withoutIncidentInProgress(z, STEP);
    expect(kept.length).toBe(from);
    expect(kept.buffer).toBe(z.buffer);
  });

  it('keeps a steady new level, a short burst, noise, and a growing excursion that is not at the end', () => {
    const step = noise(n);
    for (let i = n - 6 * PER_HOUR; i < n; i++) {
      step[i] += 5;
    }
    expect(withoutIncidentInProgress(step, STEP)).toBe(step);
    const burst = noise(n);
    for (let i = n - (MIN_TRAIL_HOURS - 1) * PER_HOUR; i < n; i++) {
      burst[i] += 3 + (i % PER_HOUR);
    }
    expect(withoutIncidentInProgress(burst, STEP)).toBe(burst);
    const quiet = noise(n);
    expect(withoutIncidentInProgress(quiet, STEP)).toBe(quiet);
    const earlier = noise(n);
    for (let i = n - 12 * PER_HOUR; i < n - 6 * PER_HOUR; i++) {
      earlier[i] += 3 + i / n;
    }
    expect(withoutIncidentInProgress(earlier, STEP)).toBe(earlier);
  });

  it('needs the newest hour GROWTH times beyond the first, on one side, past TRAIL_SIGMAS', () => {
    const ramp = (first: number, last: number, sign = 1) => {
      const z = new Float64Array(n);
      const from = n - 4 * PER_HOUR;
      for (let i = from; i < n; i++) {
        z[i] = sign * (first + ((last - first) * Math.floor((i - from) / PER_HOUR)) / 3);
      }
      return withoutIncidentInProgress(z, STEP).length;
    };
    const a = TRAIL_SIGMAS + 0.5;
    expect(ramp(a, a * GROWTH * 1.01)).toBe(n - 4 * PER_HOUR);
    expect(ramp(a, a * GROWTH * 1.01, -1)).toBe(n - 4 * PER_HOUR);
    expect(ramp(a, a * GROWTH * 0.99)).toBe(n);
    expect(ramp(TRAIL_SIGMAS - 0.1, 10)).toBeGreaterThan(n - 4 * PER_HOUR);
  });
});
