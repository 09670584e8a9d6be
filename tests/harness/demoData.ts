// The harness' Prometheus holds the demo metrics (src/demo): the 21 days up to today 00:00 UTC at
// 5 minutes, with the scripted incidents in the last week, so pages opened on "the last 7 days"
// show real bands, scores and alerts.
import { generateDemo } from '../../src/demo';
import type { MetricFamily } from '../prometheus/server';

const DAY = 86_400_000;
export const DEMO_END = Math.floor(Date.now() / DAY) * DAY;
export const DEMO = generateDemo({ days: 21, stepMs: 5 * 60_000, startMs: DEMO_END - 21 * DAY });

export function demoFamilies(): MetricFamily[] {
  return DEMO.series.map((s) => ({
    name: s.name,
    type: 'gauge' as const,
    help: s.help,
    series: [{ labels: s.labels, samples: Array.from(s.t, (t, i): [number, number] => [t, s.v[i]]) }],
  }));
}
