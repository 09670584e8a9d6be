/**
 * The demo series as Prometheus text: the live page /metrics serves and the OpenMetrics history
 * `promtool tsdb create-blocks-from openmetrics` backfills. Both print every value with
 * JavaScript's shortest round-trip form, which Go parses to the same double, so Prometheus stores
 * exactly what the generator computed.
 */
import { formatValue, sampleHead } from '../../io/exposition';
import { DEMO_SERIES, liveIncidents, liveValueAt, type LiveIncident, type LiveSchedule } from '../../demo';

/** Ground truth beside the metrics: 1 while a scripted incident is active, so a dashboard can annotate it. */
export const INCIDENT_METRIC = 'vigil_demo_incident';
const INCIDENT_HELP = 'Scripted demo incident in progress (1) or not (0); should_page says whether an alert is wanted';
const INCIDENT_KINDS = [
  { kind: 'memory_leak', shouldPage: true },
  { kind: 'latency_degradation', shouldPage: true },
  { kind: 'blip', shouldPage: false },
] as const;

interface Family {
  name: string;
  help: string;
  series: Array<{ head: string; valueAt: (tMs: number) => number }>;
}

/** The families served and backfilled: the five demo series and the incident ground truth. */
function families(schedule: LiveSchedule): Family[] {
  const demo = DEMO_SERIES.map((meta): Family => ({
    name: meta.name,
    help: meta.help,
    series: [{ head: sampleHead(meta.name, meta.labels), valueAt: (t) => liveValueAt(schedule, meta.id, t) }],
  }));
  const incidents: Family = {
    name: INCIDENT_METRIC,
    help: INCIDENT_HELP,
    series: INCIDENT_KINDS.map(({ kind, shouldPage }) => ({
      head: sampleHead(INCIDENT_METRIC, { job: 'checkout', env: 'demo', kind, should_page: String(shouldPage) }),
      valueAt: (t) => (activeAt(schedule, t).some((i) => i.kind === kind) ? 1 : 0),
    })),
  };
  return [...demo, incidents];
}

function activeAt(schedule: LiveSchedule, tMs: number): LiveIncident[] {
  return liveIncidents(schedule, tMs, tMs + 1).filter((i) => i.kind !== 'normal');
}

/**
 * The /metrics page at tMs (text format 0.0.4). Samples carry tMs as their timestamp, so the
 * stored sample is exactly the generator's value at its stored instant, as in the history.
 */
export function renderMetrics(schedule: LiveSchedule, tMs: number): string {
  const lines: string[] = [];
  const ts = String(Math.round(tMs));
  for (const f of families(schedule)) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} gauge`);
    for (const s of f.series) {
      lines.push(`${s.head} ${formatValue(s.valueAt(tMs))} ${ts}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes the history over [fromMs, toMs) every stepMs as OpenMetrics, family by family with each
 * series in time order (what promtool requires), in chunks so 14 days at 15 s never sit in one
 * string. Returns the number of samples written.
 */
export function writeOpenMetricsHistory(
  schedule: LiveSchedule,
  fromMs: number,
  toMs: number,
  stepMs: number,
  write: (chunk: string) => void
): number {
  let samples = 0;
  for (const f of families(schedule)) {
    write(`# HELP ${f.name} ${f.help}\n# TYPE ${f.name} gauge\n`);
    for (const s of f.series) {
      let chunk: string[] = [];
      for (let t = fromMs; t < toMs; t += stepMs) {
        // OpenMetrics timestamps are seconds; whole milliseconds print exactly with three decimals.
        chunk.push(`${s.head} ${formatValue(s.valueAt(t))} ${(t / 1000).toFixed(3)}`);
        samples++;
        if (chunk.length === 10_000) {
          write(chunk.join('\n') + '\n');
          chunk = [];
        }
      }
      if (chunk.length > 0) {
        write(chunk.join('\n') + '\n');
      }
    }
  }
  write('# EOF\n');
  return samples;
}
