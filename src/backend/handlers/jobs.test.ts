import { JobRegistry, type JobContext } from './jobs';

/** A task that waits until released (or aborted). */
function gate() {
  let release!: (v: { version?: number }) => void;
  let fail!: (e: Error) => void;
  let markStarted!: () => void;
  let ctx: JobContext | undefined;
  const started = new Promise<void>((r) => (markStarted = r));
  const task = (c: JobContext): Promise<{ version?: number }> => {
    ctx = c;
    markStarted();
    return new Promise((res, rej) => {
      release = res;
      fail = rej;
      c.signal.addEventListener('abort', () => rej(new Error('aborted')));
    });
  };
  return {
    task,
    started,
    release: (v: { version?: number } = {}) => release(v),
    fail: (e: Error) => fail(e),
    ctx: () => ctx!,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('JobRegistry', () => {
  it('runs at most `concurrency` jobs; the rest wait queued, then run in order', async () => {
    const jobs = new JobRegistry({ concurrency: 2 });
    const gates = [gate(), gate(), gate()];
    const ids = gates.map((g, i) => jobs.submit('ds', `k${i}`, 'request', g.task).job.id);
    await Promise.all([gates[0].started, gates[1].started]);
    expect(jobs.get('ds', ids[2])?.state).toBe('queued');
    gates[0].ctx().report('fitting', 0.5);
    expect(jobs.get('ds', ids[0])).toMatchObject({ state: 'running', stage: 'fitting', progress: 0.5 });
    gates[0].release({ version: 7 });
    await gates[2].started;
    expect(jobs.get('ds', ids[0])).toMatchObject({ state: 'done', progress: 1, version: 7 });
    gates[1].fail(new Error('Prometheus is down'));
    gates[2].release();
    await jobs.wait('ds', ids[2]);
    expect(jobs.get('ds', ids[1])).toMatchObject({ state: 'failed', error: 'Prometheus is down' });
    expect(jobs.active).toBe(0);
    // Newest first.
    expect(jobs.list('ds').map((j) => j.id)).toEqual([...ids].reverse());
  });

  it('one live job per key and scope: a second submit returns it', async () => {
    const jobs = new JobRegistry();
    const g = gate();
    const first = jobs.submit('ds', 'k', 'request', g.task);
    const again = jobs.submit('ds', 'k', 'schedule', gate().task);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, job: { id: first.job.id, trigger: 'request' } });
    expect(jobs.submit('other', 'k', 'request', gate().task).created).toBe(true);
    expect(jobs.get('other', first.job.id)).toBeUndefined();
    await g.started;
    g.release();
    await jobs.wait('ds', first.job.id);
    expect(jobs.submit('ds', 'k', 'request', gate().task).created).toBe(true);
    await jobs.close(10);
  });

  it('keeps the last `keepPerScope` finished jobs, never a live one', async () => {
    const jobs = new JobRegistry({ keepPerScope: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { job } = jobs.submit('ds', `k${i}`, 'request', async () => ({ version: i }));
      ids.push(job.id);
      await jobs.wait('ds', job.id);
    }
    expect(jobs.list('ds').map((j) => j.id)).toEqual(ids.slice(2).reverse());
    const live = gate();
    const { job } = jobs.submit('ds', 'live', 'request', live.task);
    await live.started;
    for (let i = 0; i < 4; i++) {
      await jobs.wait('ds', jobs.submit('ds', `m${i}`, 'request', async () => ({})).job.id);
    }
    expect(jobs.get('ds', job.id)?.state).toBe('running');
    live.release();
    await jobs.wait('ds', job.id);
  });

  it('close: queued jobs fail, running ones are aborted, waiters are not left hanging, new jobs refused', async () => {
    const jobs = new JobRegistry({ concurrency: 1 });
    const running = gate();
    const a = jobs.submit('ds', 'a', 'request', running.task).job;
    const b = jobs.submit('ds', 'b', 'request', gate().task).job;
    const stubborn = new JobRegistry();
    const s = stubborn.submit('ds', 's', 'schedule', () => new Promise(() => undefined)).job;
    await running.started;
    await Promise.all([jobs.close(), stubborn.close(20)]);
    expect(jobs.get('ds', a.id)).toMatchObject({ state: 'failed', error: 'aborted' });
    expect(jobs.get('ds', b.id)).toMatchObject({ state: 'failed', error: /stopped before the job started/ });
    expect((await stubborn.wait('ds', s.id))?.error).toMatch(/stopped during the job/);
    expect(() => jobs.submit('ds', 'c', 'request', gate().task)).toThrow(/shutting down/);
    await tick();
  });
});
