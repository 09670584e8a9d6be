// A small metrics registry rendered in the Prometheus text exposition format (version 0.0.4), which
// Grafana serves at /metrics/plugins/<plugin id> from CollectMetrics. Counters and gauges with
// labels; gauges may be computed at render time. Handlers add their own metrics to the same registry.

export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  series: Map<string, Series>;
  collect?: () => number | Array<{ labels: Labels; value: number }>;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Infinity) {
    return '+Inf';
  }
  if (value === -Infinity) {
    return '-Inf';
  }
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) {
    return '';
  }
  return '{' + entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',') + '}';
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: Family['type'], collect?: Family['collect']): Family {
    if (!NAME_RE.test(name)) {
      throw new Error(`invalid metric name: ${name}`);
    }
    const existing = this.families.get(name);
    if (existing) {
      if (existing.type !== type) {
        throw new Error(`metric ${name} already registered as a ${existing.type}`);
      }
      return existing;
    }
    const family: Family = { name, help, type, series: new Map(), collect };
    this.families.set(name, family);
    return family;
  }

  private static put(family: Family, labels: Labels, update: (old: number) => number): void {
    for (const key of Object.keys(labels)) {
      if (!LABEL_RE.test(key)) {
        throw new Error(`invalid label name ${key} on ${family.name}`);
      }
    }
    const key = labelKey(labels);
    const series = family.series.get(key);
    if (series) {
      series.value = update(series.value);
    } else {
      family.series.set(key, { labels: { ...labels }, value: update(0) });
    }
  }

  counter(name: string, help: string): Counter {
    const family = this.family(name, help, 'counter');
    return {
      inc: (labels = {}, by = 1) => {
        if (!(by >= 0)) {
          throw new Error(`counter ${name} can only increase (got ${by})`);
        }
        MetricsRegistry.put(family, labels, (old) => old + by);
      },
    };
  }

  gauge(name: string, help: string): Gauge {
    const family = this.family(name, help, 'gauge');
    return { set: (value, labels = {}) => MetricsRegistry.put(family, labels, () => value) };
  }

  /** A gauge computed when the registry is rendered. */
  gaugeFn(name: string, help: string, collect: NonNullable<Family['collect']>): void {
    this.family(name, help, 'gauge', collect);
  }

  /** Prometheus text format, families in registration order. */
  render(): string {
    const lines: string[] = [];
    for (const family of this.families.values()) {
      let series = [...family.series.values()];
      if (family.collect) {
        const collected = family.collect();
        series = typeof collected === 'number' ? [{ labels: {}, value: collected }] : collected;
      }
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
      for (const s of series) {
        lines.push(`${family.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
      }
    }
    return lines.length ? lines.join('\n') + '\n' : '';
  }
}

/** Per-method request counts and durations, recorded by the protocol layer for every call. */
export class RequestStats {
  private readonly requests: Counter;
  private readonly seconds: Counter;

  constructor(registry: MetricsRegistry) {
    this.requests = registry.counter(
      'vigil_backend_requests_total',
      'Plugin protocol requests served, by method and outcome (ok or error).'
    );
    this.seconds = registry.counter(
      'vigil_backend_request_duration_seconds_total',
      'Total time spent serving plugin protocol requests, by method.'
    );
  }

  record(method: string, ok: boolean, seconds: number): void {
    this.requests.inc({ method, outcome: ok ? 'ok' : 'error' });
    this.seconds.inc({ method }, Math.max(0, seconds));
  }
}

/** Standard process metrics: start time, uptime, resident memory, heap. */
export function registerProcessMetrics(registry: MetricsRegistry, startedAtMs: number = Date.now()): void {
  registry.gaugeFn('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () =>
    Math.floor(startedAtMs / 1000)
  );
  registry.gaugeFn(
    'vigil_backend_uptime_seconds',
    'Seconds since the backend process started.',
    () => (Date.now() - startedAtMs) / 1000
  );
  registry.gaugeFn('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  registry.gaugeFn('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed);
}
