// Background jobs (model trainings) with progress, kept in memory per data source: a training can
// take longer than Grafana waits for a resource call, so POST /models/<key>/train answers at once
// and the page polls GET /jobs/<id>. Jobs run a bounded number at once, so a burst of requests or a
// retraining sweep never takes the CPU or Prometheus away from panels and alerts. One job per key is
// live at a time: asking again returns the live job instead of training twice.

import { randomUUID } from 'node:crypto';
import type { Job, JobTrigger } from '../../query/api';
import type { Logger } from '../log';

/** What a running job may do: report its stage and notice that it should stop. */
export interface JobContext {
  /** Aborted when the backend stops. */
  signal: AbortSignal;
  /** `progress` 0..1; `stage` is shown to people ("fetching 2d from Prometheus"). */
  report(stage: string, progress: number): void;
}

/** A job's work; resolves with the version it saved, or throws why it failed. */
export type JobTask = (ctx: JobContext) => Promise<{ version?: number; stage?: string }>;

export interface JobRegistryOptions {
  /** Jobs running at once over all data sources. Default 2. */
  concurrency?: number;
  /** Finished jobs kept per data source; the oldest are forgotten first. Default 200. */
  keepPerScope?: number;
  now?: () => number;
  logger?: Logger;
}

interface Entry {
  job: Job;
  scope: string;
  task: JobTask;
  controller: AbortController;
  done: Promise<Job>;
  resolve: (job: Job) => void;
}

export class JobRegistry {
  private readonly concurrency: number;
  private readonly keep: number;
  private readonly now: () => number;
  private readonly logger?: Logger;
  /** Per scope, in submission order (a Map keeps insertion order). */
  private readonly scopes = new Map<string, Map<string, Entry>>();
  /** Live (queued or running) job per scope + key. */
  private readonly live = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running = 0;
  private closed = false;

  constructor(options: JobRegistryOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.keep = Math.max(1, options.keepPerScope ?? 200);
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
  }

  /**
   * Queues a training of `key` in `scope` (the data source uid), or returns the job already queued
   * or running for it (`created: false`).
   */
  submit(scope: string, key: string, trigger: JobTrigger, task: JobTask): { job: Job; created: boolean } {
    if (this.closed) {
      throw new Error('the backend is shutting down: no new jobs');
    }
    const liveKey = `${scope}\n${key}`;
    const existing = this.live.get(liveKey);
    if (existing) {
      return { job: { ...existing.job }, created: false };
    }
    let resolve!: (job: Job) => void;
    const done = new Promise<Job>((r) => (resolve = r));
    const entry: Entry = {
      job: {
        id: randomUUID(),
        kind: 'train',
        key,
        state: 'queued',
        progress: 0,
        stage: 'queued',
        createdAtMs: this.now(),
        trigger,
      },
      scope,
      task,
      controller: new AbortController(),
      done,
      resolve,
    };
    let jobs = this.scopes.get(scope);
    if (!jobs) {
      jobs = new Map();
      this.scopes.set(scope, jobs);
    }
    jobs.set(entry.job.id, entry);
    this.live.set(liveKey, entry);
    this.forgetOld(jobs);
    this.queue.push(entry);
    this.pump();
    return { job: { ...entry.job }, created: true };
  }

  get(scope: string, id: string): Job | undefined {
    const e = this.scopes.get(scope)?.get(id);
    return e && { ...e.job };
  }

  /** The scope's jobs, newest first. */
  list(scope: string): Job[] {
    const jobs = [...(this.scopes.get(scope)?.values() ?? [])].map((e) => ({ ...e.job }));
    return jobs.reverse();
  }

  /** Resolves with the job once it has finished (done or failed). */
  wait(scope: string, id: string): Promise<Job> | undefined {
    return this.scopes.get(scope)?.get(id)?.done;
  }

  /** Jobs queued or running, over all scopes. */
  get active(): number {
    return this.live.size;
  }

  /**
   * Refuses new jobs, fails the queued ones, aborts the running ones and waits (up to `graceMs`)
   * for them to settle, so the model stores can be closed after it.
   */
  async close(graceMs = 1000): Promise<void> {
    this.closed = true;
    for (const e of this.queue.splice(0)) {
      this.finish(e, { state: 'failed', error: 'the backend stopped before the job started', stage: 'failed' });
    }
    const running = [...this.live.values()];
    running.forEach((e) => e.controller.abort());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running.map((e) => e.done)),
      new Promise<void>((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
    // A task that ignores the abort is left to finish alone; its waiters are not kept waiting.
    for (const e of running) {
      this.finish(e, { state: 'failed', stage: 'failed', error: 'the backend stopped during the job' });
    }
  }

  private forgetOld(jobs: Map<string, Entry>): void {
    // Live jobs are never forgotten: their owners are still polling them.
    let excess = jobs.size - this.keep;
    for (const [id, e] of jobs) {
      if (excess <= 0) {
        break;
      }
      if (e.job.state === 'done' || e.job.state === 'failed') {
        jobs.delete(id);
        excess--;
      }
    }
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const e = this.queue.shift()!;
      this.running++;
      void this.run(e).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(e: Entry): Promise<void> {
    Object.assign(e.job, { state: 'running', stage: 'starting', progress: 0 });
    const ctx: JobContext = {
      signal: e.controller.signal,
      report: (stage, progress) => {
        if (e.job.state === 'running') {
          e.job.stage = stage;
          e.job.progress = Math.min(1, Math.max(0, progress));
        }
      },
    };
    try {
      // A turn later, so the request that submitted the job is answered before the task's synchronous work.
      await new Promise<void>((r) => setImmediate(r));
      const r = await e.task(ctx);
      this.finish(e, {
        state: 'done',
        stage: r.stage ?? 'done',
        ...(r.version !== undefined && { version: r.version }),
      });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (e.job.state !== 'running') {
        return;
      }
      this.finish(e, { state: 'failed', stage: 'failed', error });
      this.logger?.warn('training job failed', { key: e.job.key, job: e.job.id, trigger: e.job.trigger, error });
    }
  }

  private finish(e: Entry, outcome: Pick<Job, 'state' | 'stage'> & Partial<Job>): void {
    if (e.job.state === 'done' || e.job.state === 'failed') {
      return;
    }
    Object.assign(e.job, outcome, {
      progress: outcome.state === 'done' ? 1 : e.job.progress,
      finishedAtMs: this.now(),
    });
    this.live.delete(`${e.scope}\n${e.job.key}`);
    const jobs = this.scopes.get(e.scope);
    if (jobs) {
      this.forgetOld(jobs);
    }
    e.resolve({ ...e.job });
  }
}
