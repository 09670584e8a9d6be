// A small metrics registry rendered in the Prometheus text exposition format (version 0.0.4), which
// Grafana serves at /metrics/plugins/<plugin id> from CollectMetrics. Counters, gauges and
// histograms with labels; gauges may be computed at render time, and async collectors (store
// listings) run before `collect()` renders. Handlers add their own metrics to the same registry.

import { escapeHelp, escapeLabelValue, formatValue, LABEL_NAME_RE, METRIC_NAME_RE, sampleHead } from '../io/exposition';

export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative); the last entry is the +Inf bucket. */
  counts: number[];
  sum: number;
  count: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  series: Map<string, Series>;
  collect?: () => number | Array<{ labels: Labels; value: number }>;
  /** Histograms: finite upper bounds, ascending (+Inf implied). */
  buckets?: number[];
  histograms?: Map<string, HistogramSeries>;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export { escapeLabelValue, formatValue };

function formatLabels(labels: Labels): string {
  return sampleHead('', labels);
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  /** Drops every series (before a full recomputation). */
  reset(): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
  /** Observes values[from..to), skipping NaN (no value to score). */
  observeMany(values: ArrayLike<number>, labels?: Labels, from?: number, to?: number): void;
  reset(): void;
}

/** Default buckets for durations in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => Promise<void>> = [];

  private family(name: string, help: string, type: Family['type'], collect?: Family['collect']): Family {
    if (!METRIC_NAME_RE.test(name)) {
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

  private static checkLabels(family: Family, labels: Labels): void {
    for (const key of Object.keys(labels)) {
      if (!LABEL_NAME_RE.test(key) || key.startsWith('__') || (family.type === 'histogram' && key === 'le')) {
        throw new Error(`invalid label name ${key} on ${family.name}`);
      }
    }
  }

  private static put(family: Family, labels: Labels, update: (old: number) => number): void {
    MetricsRegistry.checkLabels(family, labels);
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
    return {
      set: (value, labels = {}) => MetricsRegistry.put(family, labels, () => value),
      reset: () => family.series.clear(),
    };
  }

  /** A histogram with the given finite upper bounds (ascending; +Inf is added). */
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]))) {
      throw new Error(`histogram ${name} needs finite, strictly ascending buckets`);
    }
    const family = this.family(name, help, 'histogram');
    if (family.buckets && family.buckets.join() !== buckets.join()) {
      throw new Error(`histogram ${name} already registered with other buckets`);
    }
    family.buckets = [...buckets];
    family.histograms ??= new Map();
    const bounds = family.buckets;
    const hists = family.histograms;
    const seriesFor = (labels: Labels): HistogramSeries => {
      const key = labelKey(labels);
      let h = hists.get(key);
      if (!h) {
        MetricsRegistry.checkLabels(family, labels);
        h = { labels: { ...labels }, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 };
        hists.set(key, h);
      }
      return h;
    };
    const add = (h: HistogramSeries, value: number) => {
      // Buckets are few: a linear scan beats a binary search here.
      let i = 0;
      while (i < bounds.length && value > bounds[i]) {
        i++;
      }
      h.counts[i]++;
      h.sum += value;
      h.count++;
    };
    return {
      observe: (value, labels = {}) => {
        if (!Number.isNaN(value)) {
          add(seriesFor(labels), value);
        }
      },
      observeMany: (values, labels = {}, from = 0, to = values.length) => {
        let h: HistogramSeries | undefined;
        for (let i = Math.max(0, from); i < Math.min(to, values.length); i++) {
          const v = values[i];
          if (!Number.isNaN(v)) {
            h ??= seriesFor(labels);
            add(h, v);
          }
        }
      },
      reset: () => hists.clear(),
    };
  }

  /** Runs before every `collect()`: recomputes gauges from external state (a store listing). */
  addCollector(collector: () => Promise<void>): void {
    this.collectors.push(collector);
  }

  /** Runs the collectors (one failing does not stop the others), then renders. */
  async collect(): Promise<string> {
    await Promise.allSettled(this.collectors.map((c) => c()));
    return this.render();
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
      if (family.type === 'histogram') {
        lines.push(...renderHistogram(family));
        continue;
      }
      for (const s of series) {
        lines.push(`${family.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
      }
    }
    return lines.length ? lines.join('\n') + '\n' : '';
  }
}

function renderHistogram(family: Family): string[] {
  const lines: string[] = [];
  const bounds = family.buckets ?? [];
  for (const h of family.histograms?.values() ?? []) {
    let cumulative = 0;
    h.counts.forEach((n, i) => {
      cumulative += n;
      const le = i < bounds.length ? formatValue(bounds[i]) : '+Inf';
      lines.push(`${family.name}_bucket${formatLabels({ ...h.labels, le })} ${cumulative}`);
    });
    lines.push(`${family.name}_sum${formatLabels(h.labels)} ${formatValue(h.sum)}`);
    lines.push(`${family.name}_count${formatLabels(h.labels)} ${h.count}`);
  }
  return lines;
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
