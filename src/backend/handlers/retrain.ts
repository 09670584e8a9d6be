// Scheduled retraining: models follow a series' new normal without anyone opening a panel. For
// every data source the backend has served (it only knows instances from their requests), stored
// keys whose latest version is older than jsonData.retrainEvery (default 6h; "0"/"off" turns it
// off) are retrained through the job registry, so they show in /jobs, never run twice at once with
// a user's training, and stay within the registry's concurrency.
//
// A data source is swept every quarter of retrainEvery (at most hourly), with ±10% jitter so
// several data sources (or Grafana HA replicas) do not all hit Prometheus at the same moment; a key
// is thus retrained between 1 and about 1.25 retrainEvery after its last training. Pinned keys get
// a new version too, but the pin stays: it decides what scores.

import { parseRetrainEvery } from '../../query/settings';
import { datasourcePrefix } from '../../store';
import type { Logger } from '../log';
import { mapLimit } from '../../service/pool';
import type { Instance } from './settings';
import type { KeyInput } from '../../service/seriesModels';
import { SharedRangeFetch } from './sharedFetch';
import { keyInputOf, NotRetrainableError, trainingRange } from './train';
import { submitTraining, type TrainingServices } from './trainRoutes';

export interface RetrainOptions {
  /** How often the scheduler looks for a data source whose sweep is due. Default 60 s. */
  tickMs?: number;
  /** Longest pause between two sweeps of one data source. Default 1 h. */
  maxSweepIntervalMs?: number;
  /** Trainings one sweep has in flight at once. Default 2. */
  concurrency?: number;
  /** The clock model ages are measured with. */
  now?: () => number;
  random?: () => number;
  logger?: Logger;
}

export interface SweepReport {
  /** Keys whose latest version was older than retrainEvery. */
  due: number;
  saved: number;
  failed: number;
  /** Keys stored without the query they came from (nothing to retrain from). */
  skipped: number;
}

const PAGE = 1_000;

export class RetrainScheduler {
  private readonly tickMs: number;
  private readonly maxIntervalMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger?: Logger;
  private readonly next = new Map<string, number>();
  private readonly sweeping = new Map<string, Promise<SweepReport>>();
  private readonly warned = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly instances: () => readonly Instance[],
    private readonly training: TrainingServices,
    options: RetrainOptions = {}
  ) {
    this.tickMs = options.tickMs ?? 60_000;
    this.maxIntervalMs = options.maxSweepIntervalMs ?? 3_600_000;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
  }

  start(): void {
    if (this.timer || this.stopped) {
      return;
    }
    this.timer = setInterval(() => this.tick(), this.tickMs);
    // Scheduling must never keep a stopping process alive.
    this.timer.unref();
  }

  /** Starts the sweeps that are due; a data source seen for the first time is swept after a jittered delay. */
  tick(): void {
    const now = this.now();
    for (const instance of this.instances()) {
      const every = this.retrainEvery(instance);
      if (every <= 0 || this.sweeping.has(instance.uid)) {
        continue;
      }
      const interval = Math.max(this.tickMs, Math.min(every / 4, this.maxIntervalMs));
      const due = this.next.get(instance.uid);
      if (due === undefined) {
        this.next.set(instance.uid, now + this.random() * Math.min(interval, 5 * 60_000));
        continue;
      }
      if (now < due) {
        continue;
      }
      this.next.set(instance.uid, now + interval * (0.9 + 0.2 * this.random()));
      const sweep = this.sweep(instance)
        .catch((e: unknown) => {
          this.logger?.warn('scheduled retraining failed', { datasource: instance.uid, error: String(e) });
          return { due: 0, saved: 0, failed: 0, skipped: 0 };
        })
        .finally(() => this.sweeping.delete(instance.uid));
      this.sweeping.set(instance.uid, sweep);
    }
  }

  /** Retrains the data source's keys older than its retrainEvery, waiting for every training. */
  async sweep(instance: Instance): Promise<SweepReport> {
    const every = this.retrainEvery(instance);
    const report: SweepReport = { due: 0, saved: 0, failed: 0, skipped: 0 };
    if (every <= 0 || this.stopped) {
      return report;
    }
    const started = this.now();
    const cutoff = started - every;
    const store = instance.store();
    const due: Array<{ key: string; parts: Parameters<typeof keyInputOf>[1] }> = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.list({ prefix: datasourcePrefix(instance.uid), limit: PAGE, offset });
      for (const item of page.items) {
        if (item.lastTrainedMs <= cutoff) {
          due.push({ key: item.key, parts: item.parts });
        }
      }
      if (page.items.length < PAGE || offset + page.items.length >= page.total) {
        break;
      }
    }
    report.due = due.length;
    const trainable: Array<{ key: string; k: KeyInput }> = [];
    for (const { key, parts } of due) {
      try {
        trainable.push({ key, k: keyInputOf(key, parts) });
      } catch (e) {
        if (!(e instanceof NotRetrainableError)) {
          throw e;
        }
        report.skipped++;
        this.logger?.debug('not retraining a model stored without its query', { key, reason: e.message });
      }
    }
    // Every key trains on data up to the same moment, so the keys of one query ask for the same
    // range and share one fetch; grouped, so a query's answer is not held while others train.
    const untilMs = (this.training.dataNow ?? Date.now)();
    const shared = new SharedRangeFetch(instance.prometheus);
    const ranged = trainable.map((t) => {
      const r = trainingRange(t.k, {}, untilMs);
      shared.expect(t.k.expr, r.startMs, r.endMs, t.k.stepMs);
      return { ...t, group: `${t.k.expr}\u0000${t.k.stepMs}\u0000${r.startMs}` };
    });
    ranged.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
    try {
      await mapLimit(ranged, this.concurrency, async ({ key, k }) => {
        if (this.stopped) {
          return;
        }
        let job;
        try {
          job = submitTraining(this.training, instance, key, k, { untilMs, fetch: shared.fetch }, 'schedule').job;
        } catch {
          return; // The registry is closing.
        }
        const finished = await this.training.jobs.wait(instance.uid, job.id);
        if (finished?.state === 'done') {
          report.saved++;
        } else {
          report.failed++;
        }
      });
    } finally {
      shared.close();
    }
    if (report.due > 0) {
      this.logger?.info('scheduled retraining', {
        datasource: instance.uid,
        retrainEvery: every,
        ...report,
        ms: this.now() - started,
      });
    }
    return report;
  }

  /** Resolves when no sweep is running. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.sweeping.values()]);
  }

  /** Stops sweeping; running sweeps end once the job registry fails or finishes their jobs. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.sweeping.values()]);
  }

  private retrainEvery(instance: Instance): number {
    const parsed = parseRetrainEvery(instance.jsonData.retrainEvery);
    if (parsed.ok) {
      this.warned.delete(instance.uid);
      return parsed.ms;
    }
    // Said once per setting, not at every tick; retraining stays off until it is fixed.
    if (this.warned.get(instance.uid) !== parsed.error) {
      this.warned.set(instance.uid, parsed.error);
      this.logger?.warn('scheduled retraining is off for a data source with a bad setting', {
        datasource: instance.uid,
        error: parsed.error,
      });
    }
    return 0;
  }
}
