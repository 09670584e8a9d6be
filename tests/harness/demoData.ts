// The harness' Prometheus holds the demo metrics (src/demo): 21 days at 5 minutes with the scripted
// incidents, so pages show real bands, scores and alerts.
import { generateDemo } from '../../src/demo';
import type { MetricFamily } from '../prometheus/server';

export const DEMO = generateDemo({ days: 21, stepMs: 5 * 60_000 });

export function demoFamilies(): MetricFamily[] {
  return DEMO.series.map((s) => ({
    name: s.name,
    type: 'gauge' as const,
    help: s.help,
    series: [{ labels: s.labels, samples: Array.from(s.t, (t, i): [number, number] => [t, s.v[i]]) }],
  }));
}
