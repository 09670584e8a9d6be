// CheckHealth ("Save & test"): Prometheus reachable and evaluating PromQL (its version in the
// message), and the model store writable. Each failure gets its own sentence; details as JSON.

import { HealthStatus, type CheckHealthRequest, type CheckHealthResponse } from '../protocol/messages';
import type { CallContext } from './types';
import type { InstanceCache } from './settings';

interface Check {
  ok: boolean;
  message: string;
}

export async function checkHealth(
  cache: InstanceCache,
  req: CheckHealthRequest,
  ctx: CallContext
): Promise<CheckHealthResponse> {
  let instance;
  try {
    instance = cache.get(req.pluginContext);
  } catch (e) {
    return { status: HealthStatus.ERROR, message: `Settings: ${(e as Error).message}` };
  }
  const prometheus = await (async (): Promise<Check & { version?: string }> => {
    const client = instance.prometheus;
    try {
      await client.health({ signal: ctx.signal });
    } catch (e) {
      // The client's errors usually name the URL already; say it once.
      const why = (e as Error).message;
      return {
        ok: false,
        message: why.includes(client.displayUrl) ? why : `Prometheus at ${client.displayUrl} failed: ${why}`,
      };
    }
    try {
      const info = await client.buildInfo({ signal: ctx.signal });
      return {
        ok: true,
        message: `Prometheus ${info.version} at ${client.displayUrl} answers PromQL`,
        version: info.version,
      };
    } catch {
      // Some Prometheus-compatible servers (Thanos, Mimir, VictoriaMetrics) lack buildinfo.
      return { ok: true, message: `Prometheus at ${client.displayUrl} answers PromQL (version unknown)` };
    }
  })();
  const store = await (async (): Promise<Check> => {
    try {
      const result = await instance.store().checkWritable();
      return result.ok
        ? { ok: true, message: `model store ${instance.storePath} is writable` }
        : { ok: false, message: `model store ${instance.storePath} is not writable: ${result.message}` };
    } catch (e) {
      return { ok: false, message: `model store ${instance.storePath}: ${(e as Error).message}` };
    }
  })();
  const ok = prometheus.ok && store.ok;
  const failed = [prometheus, store].filter((c) => !c.ok).map((c) => c.message);
  const message = ok ? `${prometheus.message}; ${store.message}` : failed.join('; ');
  const details = {
    prometheus: { ok: prometheus.ok, message: prometheus.message, version: prometheus.version ?? null },
    store: { ok: store.ok, message: store.message, path: instance.storePath },
  };
  return {
    status: ok ? HealthStatus.OK : HealthStatus.ERROR,
    message,
    jsonDetails: Buffer.from(JSON.stringify(details), 'utf8'),
  };
}
