/**
 * Test helper: an in-memory stand-in for the Vigil backend behind Grafana's getBackendSrv(), answering
 * the api.ts contract (models with versions, pins, rollbacks, deletes, training jobs that progress one
 * stage per poll, backtests whose alerts come from src/model's real alert replay). It records every
 * request so tests can check which route an action called. Not imported by production code.
 */
import { Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchResponse } from '@grafana/runtime';
import { smoothScore, simulateAlerts } from '../../model/alerts';
import { parseDuration } from '../../query/duration';
import type {
  BacktestAlert,
  BacktestAnswer,
  BacktestRequest,
  BacktestSeries,
  Job,
  ModelAnswer,
  ModelSummary,
  ModelVersion,
} from '../../query/api';
import type { DetectorKind } from '../../model/types';

export interface RecordedCall {
  method: string;
  /** The whole URL the client asked Grafana for. */
  url: string;
  /** Path below `/resources/`, still encoded. */
  path: string;
  params?: Record<string, unknown>;
  body?: unknown;
}

interface FakeModel {
  key: string;
  expr: string;
  labels: Record<string, string>;
  kind: DetectorKind;
  versions: ModelVersion[];
  pinned: number | null;
}

/** The stages a fake training walks through, one per GET /jobs/<id>. */
const TRAIN_STAGES: Array<[number, string]> = [
  [0.25, 'fetching 28d from Prometheus'],
  [0.7, 'fitting seasonal'],
];

const DAY = 86_400_000;
export const FAKE_UID = 'vigil-test';
export const T0 = Date.UTC(2025, 0, 6); // a Monday

export function fakeVersion(key: string, version: number, kind: DetectorKind): ModelVersion {
  return {
    key,
    version,
    createdAtMs: T0 + version * DAY,
    kind,
    formatVersion: 1,
    libraryVersion: '0.1.0',
    options: {
      sensitivity: 0.5,
      direction: 'both',
      minAbsDeviation: 0,
      minRelDeviation: 0,
      trainingWindowMs: 28 * DAY,
      seasonality: 'auto',
      seed: 1,
    },
    training: { fromMs: T0 + (version - 28) * DAY, toMs: T0 + version * DAY, points: 8064 + version, stepMs: 300_000 },
    fingerprint: `fp${version}`,
    fitStats: { reason: `fit ${version}`, fitMs: 12.5 },
    byteSize: 2048 * version,
    pinned: false,
    active: false,
  };
}

export class FakeVigilBackend {
  readonly calls: RecordedCall[] = [];
  /** Grafana role of the user: Viewers get the backend's 403 on every change. */
  role: 'Viewer' | 'Editor' | 'Admin' = 'Editor';
  /** How many more steps trainings may take (each poll takes one); lets a test hold a stage. */
  trainingSteps = Infinity;
  /** Answer POST /backtest with this error status and message (e.g. Prometheus refusing the PromQL). */
  failBacktest?: [number, string];
  /** Make the next training fail at its second stage with this error. */
  failTraining?: string;
  private models = new Map<string, FakeModel>();
  private jobs = new Map<string, { job: Job; polls: number }>();

  addModel(expr: string, labels: Record<string, string>, kind: DetectorKind, versions = 1): string {
    const labelText = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    const key = `${FAKE_UID}|${expr}|${kind}|{${labelText}}`;
    const list = Array.from({ length: versions }, (_, i) => fakeVersion(key, i + 1, kind));
    this.models.set(key, { key, expr, labels, kind, versions: list, pinned: null });
    return key;
  }

  /** Grafana's BackendSrv, as far as the resource client uses it. */
  srv = (): BackendSrv => ({ fetch: (o: BackendSrvRequest) => this.fetch(o) }) as unknown as BackendSrv;

  private fetch(o: BackendSrvRequest): Observable<FetchResponse<unknown>> {
    return new Observable((sub) => {
      // Answer asynchronously, like a network round trip.
      const timer = setTimeout(() => {
        const path = o.url.replace(/^\/api\/datasources\/uid\/[^/]+\/resources\//, '');
        const method = (o.method ?? 'GET').toUpperCase();
        this.calls.push({ method, url: o.url, path, params: o.params, body: o.data });
        const [status, data] = this.route(method, path, o.params ?? {}, o.data);
        if (status >= 400) {
          sub.error({ status, data, statusText: 'error', config: o });
        } else {
          sub.next({ data, status, ok: true, statusText: 'OK' } as FetchResponse<unknown>);
          sub.complete();
        }
      }, 0);
      return () => clearTimeout(timer);
    });
  }

  private route(method: string, path: string, params: Record<string, unknown>, body: unknown): [number, unknown] {
    const fail = (status: number, message: string): [number, unknown] => [status, { status: 'error', message }];
    if (path === 'models' && method === 'GET') {
      const limit = Number(params.limit ?? 100);
      const offset = Number(params.offset ?? 0);
      const all = [...this.models.values()].map((m) => this.summary(m));
      return [200, { items: all.slice(offset, offset + limit), total: all.length, limit, offset }];
    }
    const job = /^jobs\/(.+)$/.exec(path);
    if (job && method === 'GET') {
      const entry = this.jobs.get(decodeURIComponent(job[1]));
      return entry ? [200, { job: this.advance(entry) }] : fail(404, `no job ${job[1]}`);
    }
    if (path === 'backtest' && method === 'POST') {
      if (this.failBacktest) {
        return fail(...this.failBacktest);
      }
      return [200, fakeBacktest(body as BacktestRequest)];
    }
    const m = /^models\/([^/]+)(?:\/(pin|unpin|rollback|train))?$/.exec(path);
    const model = m ? this.models.get(decodeURIComponent(m[1])) : undefined;
    if (!m || !model) {
      return fail(404, `no stored model ${m ? decodeURIComponent(m[1]) : path}`);
    }
    const action = m[2] ?? (method === 'DELETE' ? 'delete' : 'inspect');
    if (action !== 'inspect' && this.role === 'Viewer') {
      return fail(403, `${action} needs the Editor or Admin role; user viewer has role Viewer`);
    }
    switch (action) {
      case 'inspect':
        return [200, this.answer(model)];
      case 'delete':
        this.models.delete(model.key);
        return [200, { key: model.key, deleted: true, versionsRemoved: model.versions.length }];
      case 'pin': {
        const v = (body as { version?: number } | undefined)?.version;
        if (!model.versions.some((x) => x.version === v)) {
          return fail(404, `model ${model.key} has no version ${v} to pin`);
        }
        model.pinned = v!;
        return [200, this.answer(model)];
      }
      case 'unpin':
        model.pinned = null;
        return [200, this.answer(model)];
      case 'rollback': {
        const active = this.active(model);
        const earlier = model.versions.filter((x) => x.version < active).pop();
        if (!earlier) {
          return fail(409, `model ${model.key} has no version before version ${active} to roll back to`);
        }
        model.pinned = earlier.version;
        return [200, this.answer(model)];
      }
      default: {
        const id = `job-${this.jobs.size + 1}`;
        const j: Job = {
          id,
          kind: 'train',
          key: model.key,
          state: 'queued',
          progress: 0,
          stage: 'queued',
          createdAtMs: T0,
        };
        this.jobs.set(id, { job: j, polls: 0 });
        return [202, { job: { ...j } }];
      }
    }
  }

  private advance(entry: { job: Job; polls: number }): Job {
    const j = entry.job;
    if (j.state === 'done' || j.state === 'failed' || this.trainingSteps <= 0) {
      return { ...j };
    }
    this.trainingSteps--;
    const stage = TRAIN_STAGES[entry.polls++];
    if (stage && !(this.failTraining && entry.polls === 2)) {
      Object.assign(j, { state: 'running', progress: stage[0], stage: stage[1] });
    } else if (this.failTraining) {
      Object.assign(j, { state: 'failed', stage: 'failed', error: this.failTraining, finishedAtMs: T0 + 1 });
    } else {
      const model = this.models.get(j.key)!;
      const version = model.versions.length + 1;
      model.versions.push(fakeVersion(model.key, version, model.kind));
      Object.assign(j, { state: 'done', progress: 1, stage: 'saved', version, finishedAtMs: T0 + 1 });
    }
    return { ...j };
  }

  private active(m: FakeModel): number {
    return m.pinned ?? m.versions[m.versions.length - 1].version;
  }

  private answer(m: FakeModel): ModelAnswer {
    const active = this.active(m);
    const history = [...m.versions]
      .reverse()
      .map((v) => ({ ...v, active: v.version === active, pinned: v.version === m.pinned }));
    return {
      key: m.key,
      activeVersion: active,
      latestVersion: m.versions[m.versions.length - 1].version,
      pinnedVersion: m.pinned,
      active: history.find((v) => v.active)!,
      history,
    };
  }

  private summary(m: FakeModel): ModelSummary {
    const latest = m.versions[m.versions.length - 1];
    return {
      key: m.key,
      activeVersion: this.active(m),
      latestVersion: latest.version,
      pinnedVersion: m.pinned,
      versionCount: m.versions.length,
      kind: m.kind,
      lastTrainedMs: latest.createdAtMs,
      parts: { datasourceUid: FAKE_UID, expr: m.expr, kind: m.kind, options: {}, labels: m.labels },
    };
  }
}

/**
 * A backtest answer for two series: a daily wave with a band, and incidents where the score climbs
 * (a long one on the first series, a short blip on the second). Alerts and the summary come from the
 * request's thresholds, `for` and smoothing through src/model's replay, so changing them changes
 * what the page shows.
 */
export function fakeBacktest(req: BacktestRequest): BacktestAnswer {
  const stepMs = 300_000;
  const forMs = parseDuration(req.query.for);
  const smoothMs = parseDuration(req.smoothing ?? '5m');
  const series: BacktestSeries[] = [];
  const alerts: BacktestAlert[] = [];
  const n = Math.floor((req.toMs - req.fromMs) / stepMs) + 1;
  for (const [s, name] of ['api', 'worker'].entries()) {
    const t = Array.from({ length: n }, (_, i) => req.fromMs + i * stepMs);
    const expected = t.map((x) => 100 + 20 * Math.sin((2 * Math.PI * (x % DAY)) / DAY));
    const incident = (i: number) => (s === 0 ? i > n * 0.4 && i < n * 0.4 + 48 : i > n * 0.7 && i < n * 0.7 + 2);
    const score = t.map((_, i) => (incident(i) ? 3 : 0.2 + 0.1 * ((i * 7) % 5)));
    // A scrape outage of 2% of the range: a gap the chart must show.
    const value = expected.map((e, i) => (i >= n * 0.1 && i < n * 0.12 ? null : e + score[i] * 10));
    series.push({
      name,
      labels: { job: name },
      t,
      value,
      expected,
      lower: expected.map((e) => e - 10),
      upper: expected.map((e) => e + 10),
      score,
    });
    const smoothed = smoothScore(Float64Array.from(t), Float64Array.from(score), smoothMs);
    for (const th of req.query.thresholds) {
      for (const e of simulateAlerts(Float64Array.from(t), smoothed, {
        severity: th.severity,
        threshold: th.score,
        forMs,
      })) {
        alerts.push({ series: name, ...e });
      }
    }
  }
  const weeks = (req.toMs - req.fromMs) / (7 * DAY);
  return {
    model: req.query.model,
    fromMs: req.fromMs,
    toMs: req.toMs,
    stepMs,
    series,
    alerts,
    summary: req.query.thresholds.map((th) => {
      const count = alerts.filter((a) => a.severity === th.severity).length;
      return { severity: th.severity, score: th.score, forMs, alerts: count, alertsPerWeek: count / weeks };
    }),
    notices: ['worker: warming up for the first 2h'],
  };
}
