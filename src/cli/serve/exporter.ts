/**
 * The exporter behind `vigil serve`: every interval, each configured query is scored at the
 * latest step by the same pipeline as a Vigil panel (src/service/scoreRange), with models trained
 * on first sight, stored in the model store and trained again when older than retrainEvery. The
 * latest value, expected value, band and score of every series are kept as gauges for /metrics,
 * so a team running the usual anomaly-exporter sidecar can scrape Vigil's scores instead, and
 * alert on `vigil_score > 1` with their own Prometheus rules.
 */
import { formatValue, sampleHead } from '../../io/exposition';
import type { PrometheusClient } from '../../prometheus/client';
import { DEFAULT_CONTEXT_POINTS } from '../../query/execute';
import { scoreRange, yieldingCheckpoint } from '../../service/scoreRange';
import type { ModelStore } from '../../store';
import type { ExporterConfig, ExporterQuery } from './config';

/** The owner the exporter's models are stored under (a panel's are under its data source uid). */
export const EXPORTER_OWNER = 'vigil-serve';

const OUTPUTS = [
  { name: 'vigil_value', help: 'The observed value of the series at the latest step.' },
  { name: 'vigil_expected', help: 'What the model expected at the latest step.' },
  { name: 'vigil_lower', help: 'Lower edge of the expected band at the latest step.' },
  { name: 'vigil_upper', help: 'Upper edge of the expected band at the latest step.' },
  {
    name: 'vigil_score',
    help: 'Anomaly score at the latest step: 0 as expected, 1 on the band edge, above 1 outside it.',
  },
] as const;

interface Sample {
  labels: Record<string, string>;
  values: [number, number, number, number, number];
}

interface QueryState {
  samples: Sample[];
  seconds: number;
  errors: number;
  lastSuccessMs?: number;
  trained: number;
}

export interface ExporterDeps {
  prometheus: PrometheusClient;
  store: ModelStore;
  now?: () => number;
  log?: (line: string) => void;
}

export class Exporter {
  private readonly state = new Map<string, QueryState>();
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly config: ExporterConfig,
    private readonly deps: ExporterDeps
  ) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? (() => undefined);
    for (const q of config.queries) {
      this.state.set(q.name, { samples: [], seconds: 0, errors: 0, trained: 0 });
    }
  }

  /** Scores every query once, one after another; answers whether all of them succeeded. */
  async evaluate(signal?: AbortSignal): Promise<boolean> {
    let ok = true;
    for (const q of this.config.queries) {
      ok = (await this.evaluateQuery(q, signal)) && ok;
    }
    return ok;
  }

  private async evaluateQuery(q: ExporterQuery, signal?: AbortSignal): Promise<boolean> {
    const st = this.state.get(q.name)!;
    const started = performance.now();
    const nowMs = this.now();
    const atMs = Math.floor(nowMs / q.stepMs) * q.stepMs;
    try {
      const result = await scoreRange({
        prometheus: this.deps.prometheus,
        store: this.deps.store,
        ownerUid: EXPORTER_OWNER,
        expr: q.valid.query.expr,
        kind: q.valid.query.model,
        options: q.valid.modelOptions,
        range: { startMs: atMs, endMs: atMs },
        stepMs: q.stepMs,
        missing: 'train',
        ...(this.config.retrainEveryMs > 0 && { retrainAfterMs: this.config.retrainEveryMs }),
        now: () => nowMs,
        contextPoints: DEFAULT_CONTEXT_POINTS,
        signal,
        checkpoint: yieldingCheckpoint(signal),
      });
      const samples: Sample[] = [];
      result.series.forEach((s, i) => {
        const at = s.series.t.length - 1;
        const value = s.series.v[at];
        if (at < s.from || Number.isNaN(value)) {
          return; // no sample at the latest step: nothing to say about the series now
        }
        const o = s.out;
        samples.push({
          labels: exportedLabels(s.labels, q.name, result.models[i].model?.kind),
          values: [value, o.expected[at], o.lower[at], o.upper[at], o.score[at]],
        });
      });
      const trained = result.models.filter((m) => m.origin === 'trained' && m.version !== undefined).length;
      Object.assign(st, { samples, lastSuccessMs: nowMs, trained: st.trained + trained });
      for (const w of result.warnings) {
        this.log(`${q.name}: Prometheus: ${w}`);
      }
      for (const note of new Set(result.models.map((m) => m.note).filter((n): n is string => n !== undefined))) {
        this.log(`${q.name}: ${note}`);
      }
      if (trained > 0) {
        this.log(`${q.name}: trained and stored ${trained} model(s)`);
      }
      return true;
    } catch (e) {
      // Old scores are not kept: a gauge that stops changing would look like a healthy series.
      st.samples = [];
      st.errors++;
      this.log(`${q.name}: ${(e as Error).message}`);
      return false;
    } finally {
      st.seconds = (performance.now() - started) / 1000;
    }
  }

  /** The Prometheus text exposition of the latest scores and of the exporter's own health. */
  render(): string {
    const lines: string[] = [];
    OUTPUTS.forEach((out, k) => {
      lines.push(`# HELP ${out.name} ${out.help}`, `# TYPE ${out.name} gauge`);
      for (const st of this.state.values()) {
        for (const s of st.samples) {
          // No explicit timestamp: Prometheus then marks the series stale when it disappears.
          lines.push(`${sampleHead(out.name, s.labels)} ${formatValue(s.values[k])}`);
        }
      }
    });
    const own = (name: string, type: string, help: string, value: (st: QueryState) => number | undefined) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [query, st] of this.state) {
        const v = value(st);
        if (v !== undefined) {
          lines.push(`${sampleHead(name, { vigil_query: query })} ${formatValue(v)}`);
        }
      }
    };
    own('vigil_serve_series', 'gauge', 'Series the query scored at its latest evaluation.', (st) => st.samples.length);
    own(
      'vigil_serve_evaluation_seconds',
      'gauge',
      'How long the latest evaluation of the query took.',
      (st) => st.seconds
    );
    own('vigil_serve_evaluation_errors_total', 'counter', 'Evaluations of the query that failed.', (st) => st.errors);
    own('vigil_serve_models_trained_total', 'counter', 'Models trained and stored for the query.', (st) => st.trained);
    own(
      'vigil_serve_last_success_timestamp_seconds',
      'gauge',
      'When the query was last evaluated successfully (Unix seconds).',
      (st) => (st.lastSuccessMs === undefined ? undefined : st.lastSuccessMs / 1000)
    );
    return lines.join('\n') + '\n';
  }
}

/**
 * The series' labels, its metric name as `vigil_metric` (an exporter may not set __name__), then
 * `vigil_query` and `vigil_model`, which win over a series label of the same name.
 */
function exportedLabels(
  labels: Record<string, string>,
  query: string,
  kind: string | undefined
): Record<string, string> {
  const { __name__: metric, ...rest } = labels;
  return {
    ...rest,
    ...(metric !== undefined && { vigil_metric: metric }),
    vigil_query: query,
    ...(kind !== undefined && { vigil_model: kind }),
  };
}
