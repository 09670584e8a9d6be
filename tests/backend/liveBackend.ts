import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { createHandlers, type Handlers } from '../../src/backend/handlers';
import type { CallContext } from '../../src/backend/handlers/types';
import { createLogger } from '../../src/backend/log';
import { MetricsRegistry } from '../../src/backend/metrics';
import { fixtureFamilies } from '../prometheus/fixture';
import { startPrometheus, type RunningPrometheus } from '../prometheus/server';

/** The real handlers beside a real Prometheus serving the backfilled fixture. */
export interface LiveBackend {
  prom: RunningPrometheus;
  handlers: Handlers;
  /** A fresh directory for the test's model store, removed afterwards. */
  dir: string;
  ctx: CallContext;
}

/**
 * Starts a LiveBackend before the calling file's tests and stops it after them (registers
 * beforeAll/afterAll). `prepare` runs once the directory exists and before the handlers start,
 * to seed a store. The fields are filled in by beforeAll.
 */
export function useLiveBackend(name: string, prepare?: (dir: string) => Promise<void>): LiveBackend {
  const live = {
    ctx: { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }) },
  } as LiveBackend;
  beforeAll(async () => {
    live.prom = await startPrometheus({ families: fixtureFamilies(), scrapeIntervalS: 0 });
    live.dir = mkdtempSync(path.join(tmpdir(), `vigil-${name}-`));
    await prepare?.(live.dir);
    live.handlers = createHandlers({ registry: new MetricsRegistry(), version: 'test' });
  });
  afterAll(async () => {
    await live.handlers?.close();
    await live.prom?.stop();
    if (live.dir) {
      rmSync(live.dir, { recursive: true, force: true });
    }
  });
  return live;
}
