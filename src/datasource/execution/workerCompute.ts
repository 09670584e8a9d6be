/**
 * `Compute` backed by one shared Web Worker. Where no Worker can run (jsdom, a CSP forbidding it,
 * the plugin served from another origin, the chunk failing to load) it falls back to the calling
 * thread, which gives the same results, only blocking the page while it scores.
 */
import { computeInThread, type Compute, type ComputedSeries, type ComputeJob } from './job';

interface Pending {
  job: ComputeJob;
  resolve: (r: ComputedSeries[]) => void;
  reject: (e: Error) => void;
}

interface Reply {
  id: number;
  results?: ComputedSeries[];
  error?: string;
}

let shared: Promise<Worker | undefined> | undefined;
let broken = false;
const pending = new Map<number, Pending>();
let nextId = 1;

async function startWorker(): Promise<Worker | undefined> {
  if (typeof Worker === 'undefined') {
    return undefined;
  }
  try {
    // Eager: bundled into the data source's module.js, so no extra chunk has to be found at runtime.
    const { spawnWorker } = await import(/* webpackMode: "eager" */ './spawnWorker');
    const worker = spawnWorker();
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const p = pending.get(event.data.id);
      pending.delete(event.data.id);
      if (p && event.data.results) {
        p.resolve(event.data.results);
      } else if (p) {
        p.reject(new Error(event.data.error ?? 'the scoring worker failed'));
      }
    };
    worker.onerror = () => {
      // The worker could not start or died: finish what it held on this thread, and stay here.
      broken = true;
      worker.terminate();
      for (const [id, p] of pending) {
        pending.delete(id);
        computeInThread(p.job).then(p.resolve, p.reject);
      }
    };
    return worker;
  } catch {
    return undefined;
  }
}

export const workerCompute: Compute = async (job) => {
  if (broken) {
    return computeInThread(job);
  }
  shared ??= startWorker();
  const worker = await shared;
  if (!worker || broken) {
    return computeInThread(job);
  }
  const id = nextId++;
  return new Promise<ComputedSeries[]>((resolve, reject) => {
    pending.set(id, { job, resolve, reject });
    worker.postMessage({ id, job });
  });
};
