import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, type VigilResources } from '../../components/resources';
import type { Job } from '../../query/api';

export interface TrainingJobs {
  /** The latest known state of each key's training, kept after it ends so the outcome stays visible. */
  jobs: Record<string, Job>;
  start: (key: string) => Promise<void>;
}

const ended = (job: Job) => job.state === 'done' || job.state === 'failed';

/**
 * Starts trainings (POST /models/<key>/train) and polls /jobs/<id> every `pollMs` until each is
 * done or failed; `onFinished` hears of every ending (to reload the registry), `onError` of a
 * request that failed (the backend's message, e.g. a Viewer's 403). Polling stops on unmount.
 */
export function useTrainingJobs(
  resources: VigilResources,
  pollMs: number,
  onFinished: (job: Job) => void,
  onError: (message: string) => void
): TrainingJobs {
  const [jobs, setJobs] = useState<Record<string, Job>>({});
  const alive = useRef(true);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const callbacks = useRef({ onFinished, onError });

  useEffect(() => {
    callbacks.current = { onFinished, onError };
  }, [onFinished, onError]);

  useEffect(() => {
    alive.current = true;
    const pending = timers.current;
    return () => {
      alive.current = false;
      pending.forEach(clearTimeout);
    };
  }, []);

  const follow = useCallback(
    (first: Job) => {
      const update = (job: Job) => {
        setJobs((all) => ({ ...all, [job.key]: job }));
        if (ended(job)) {
          callbacks.current.onFinished(job);
        } else {
          schedule(job.id);
        }
      };
      const schedule = (id: string) => {
        const timer = setTimeout(async () => {
          timers.current.delete(timer);
          try {
            const { job } = await resources.job(id);
            if (alive.current) {
              update(job);
            }
          } catch (e) {
            if (alive.current) {
              callbacks.current.onError(`lost track of training ${id}: ${errorMessage(e)}`);
            }
          }
        }, pollMs);
        timers.current.add(timer);
      };
      update(first);
    },
    [resources, pollMs]
  );

  const start = useCallback(
    async (key: string) => {
      try {
        const { job } = await resources.train(key);
        if (alive.current) {
          follow(job);
        }
      } catch (e) {
        callbacks.current.onError(errorMessage(e));
      }
    },
    [resources, follow]
  );

  return { jobs, start };
}
