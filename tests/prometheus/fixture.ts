import type { MetricFamily } from './server';

/**
 * Known data for the backend query tests (jest and the Go conformance host): three days at one
 * minute from 2024-01-01 of a daily sine with deterministic noise, two instances; instance "b" has
 * one spike on day three at 12:00. The tests query day three 06:00..18:00.
 */
export const FIXTURE_START = Date.UTC(2024, 0, 1);
export const FIXTURE_STEP = 60_000;
export const FIXTURE_POINTS = 3 * 24 * 60;
export const DAY_MS = 24 * 3600 * 1000;
export const SPIKE_AT = FIXTURE_START + 2 * DAY_MS + 12 * 3600 * 1000;
export const QUERY_FROM = FIXTURE_START + 2 * DAY_MS + 6 * 3600 * 1000;
export const QUERY_TO = FIXTURE_START + 2 * DAY_MS + 18 * 3600 * 1000;

function noise(i: number, salt: number): number {
  // A fixed pseudo-random sequence in [-1, 1] (no Math.random: the data must be the same every run).
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

export function fixtureFamilies(): MetricFamily[] {
  const series = ['a', 'b'].map((instance, salt) => {
    const samples: Array<[number, number]> = [];
    for (let i = 0; i < FIXTURE_POINTS; i++) {
      const t = FIXTURE_START + i * FIXTURE_STEP;
      let v = 100 + 10 * Math.sin((2 * Math.PI * (t - FIXTURE_START)) / DAY_MS) + noise(i, salt);
      if (instance === 'b' && t === SPIKE_AT) {
        v += 200;
      }
      samples.push([t, v]);
    }
    return { labels: { instance, job: 'vigil' }, samples };
  });
  return [{ name: 'vigil_load', help: 'Test load with a daily cycle.', series }];
}
