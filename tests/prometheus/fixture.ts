import type { MetricFamily } from './server';

/**
 * Known data for the backend query tests (jest and the Go conformance host): three days at one
 * minute from 2024-01-01 of a daily sine with deterministic noise, two instances; instance "b" has
 * one spike on day three at 12:00. The tests query day three 06:00..18:00.
 *
 * `vigil_odd` is the same cycle with what real exporters emit and the model must survive: NaN and
 * +Inf/-Inf samples and gaps (missing samples longer than Prometheus' 5-minute lookback), in the
 * training days and in the queried range (ODD_* below).
 */
export const FIXTURE_START = Date.UTC(2024, 0, 1);
export const FIXTURE_STEP = 60_000;
export const FIXTURE_POINTS = 3 * 24 * 60;
export const DAY_MS = 24 * 3600 * 1000;
export const SPIKE_AT = FIXTURE_START + 2 * DAY_MS + 12 * 3600 * 1000;
export const QUERY_FROM = FIXTURE_START + 2 * DAY_MS + 6 * 3600 * 1000;
export const QUERY_TO = FIXTURE_START + 2 * DAY_MS + 18 * 3600 * 1000;

const HOUR_MS = 3600 * 1000;
const DAY3 = FIXTURE_START + 2 * DAY_MS;
/** Samples of vigil_odd that are NaN, +Inf or -Inf instead of the cycle. */
export const ODD_NAN = [DAY3 + 8 * HOUR_MS, DAY3 + 8 * HOUR_MS + FIXTURE_STEP, FIXTURE_START + DAY_MS + 9 * HOUR_MS];
export const ODD_POS_INF = [DAY3 + 10 * HOUR_MS, FIXTURE_START + DAY_MS + 20 * HOUR_MS];
export const ODD_NEG_INF = [DAY3 + 11 * HOUR_MS];
/** [from, to) ranges where vigil_odd has no samples at all. */
export const ODD_GAPS: Array<[number, number]> = [
  [DAY3 + 13 * HOUR_MS, DAY3 + 14 * HOUR_MS],
  [FIXTURE_START + DAY_MS + 15 * HOUR_MS, FIXTURE_START + DAY_MS + 16 * HOUR_MS],
];
/** Prometheus' default lookback: a step within it of the last sample still has a value. */
export const LOOKBACK_MS = 5 * 60 * 1000;

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
  return [
    { name: 'vigil_load', help: 'Test load with a daily cycle.', series },
    { name: 'vigil_odd', help: 'The daily cycle with NaN, +Inf, -Inf and gaps.', series: [oddSeries()] },
  ];
}

function oddSeries(): { labels: Record<string, string>; samples: Array<[number, number]> } {
  const samples: Array<[number, number]> = [];
  for (let i = 0; i < FIXTURE_POINTS; i++) {
    const t = FIXTURE_START + i * FIXTURE_STEP;
    if (ODD_GAPS.some(([from, to]) => t >= from && t < to)) {
      continue;
    }
    let v = 50 + 5 * Math.sin((2 * Math.PI * (t - FIXTURE_START)) / DAY_MS) + noise(i, 7);
    if (ODD_NAN.includes(t)) {
      v = NaN;
    } else if (ODD_POS_INF.includes(t)) {
      v = Infinity;
    } else if (ODD_NEG_INF.includes(t)) {
      v = -Infinity;
    }
    samples.push([t, v]);
  }
  return { labels: { job: 'vigil-odd' }, samples };
}
