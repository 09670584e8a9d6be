/// <reference lib="webworker" />
// The Web Worker that scores browser-executed queries off the main thread (see job.ts).
import { computeJob, transferables, type ComputeJob } from './job';

interface Request {
  id: number;
  job: ComputeJob;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<Request>) => {
  const { id, job } = event.data;
  try {
    const results = computeJob(job);
    scope.postMessage({ id, results }, transferables(results));
  } catch (e) {
    scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
