/** Bulk generation of the demo history, with the incidents each series carries. */
import { demoScenario, deploysBetween, type DemoConfig, type DemoIncident, type DemoScenario } from './scenario';
import { DEMO_SERIES, demoValueAt, type DemoSeriesId, type DemoSeriesMeta } from './signals';

export interface DemoSeries extends DemoSeriesMeta {
  t: Float64Array;
  v: Float64Array;
  incidents: DemoIncident[];
}

export interface DemoData {
  scenario: DemoScenario;
  series: DemoSeries[];
  /** Deploy instants in range: recurring and normal, so not incidents, but handy for annotations. */
  deploys: number[];
}

/** Labelled events per series; only events that touch [startMs, endMs) are reported. */
export function demoIncidents(sc: DemoScenario, id: DemoSeriesId): DemoIncident[] {
  const all: Array<DemoIncident & { on: DemoSeriesId[] }> = [
    { ...sc.leak, kind: 'memory_leak', label: 'Memory leak until restart', shouldPage: true, on: ['memory'] },
    {
      ...sc.degradation,
      kind: 'latency_degradation',
      label: 'Latency degradation (p95 2.5x)',
      shouldPage: true,
      on: ['latency_p95'],
    },
    {
      ...sc.degradation,
      kind: 'latency_degradation',
      label: 'Timeouts during latency degradation',
      shouldPage: true,
      on: ['errors'],
    },
    { ...sc.latencyBlip, kind: 'blip', label: '2-minute latency blip', shouldPage: false, on: ['latency_p95'] },
    { ...sc.errorBlip, kind: 'blip', label: 'Single-sample error blip', shouldPage: false, on: ['errors'] },
    {
      ...sc.mondayRamp,
      kind: 'normal',
      label: 'Monday-morning ramp (weekly pattern)',
      shouldPage: false,
      on: ['requests'],
    },
  ];
  const { startMs } = sc.config;
  return all
    .filter((i) => i.on.includes(id) && i.toMs > startMs && i.fromMs < sc.endMs)
    .map(({ fromMs, toMs, kind, label, shouldPage }) => ({ fromMs, toMs, kind, label, shouldPage }));
}

export function generateDemo(config: Partial<DemoConfig> = {}): DemoData {
  const scenario = demoScenario(config);
  const { startMs, stepMs } = scenario.config;
  const n = Math.floor((scenario.endMs - startMs) / stepMs);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = startMs + i * stepMs;
  }
  const series = DEMO_SERIES.map((meta): DemoSeries => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v[i] = demoValueAt(scenario, meta.id, t[i]);
    }
    return { ...meta, labels: { ...meta.labels }, t: t.slice(), v, incidents: demoIncidents(scenario, meta.id) };
  });
  return { scenario, series, deploys: deploysBetween(startMs, scenario.endMs) };
}
