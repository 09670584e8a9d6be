import { createLogger } from '../log';
import { MetricsRegistry } from '../metrics';
import type { CallResourceResponse, CallResourceRequest, PluginContext } from '../protocol/messages';
import { HealthStatus } from '../protocol/messages';
import { createBasicHandlers, resourcePath } from './basic';
import type { CallContext } from './types';

const ctx: CallContext = { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }) };
const pluginContext = { orgId: 1, pluginId: 'p', grafanaConfig: {} } as unknown as PluginContext;
const handlers = createBasicHandlers({ registry: new MetricsRegistry(), version: '1.2.3', startedAtMs: Date.now() });

async function resource(path: string, method = 'GET'): Promise<{ msgs: CallResourceResponse[]; json: unknown }> {
  const msgs: CallResourceResponse[] = [];
  const req = { pluginContext, path, method, url: path, headers: {}, body: Buffer.alloc(0) } as CallResourceRequest;
  await handlers.callResource(
    req,
    {
      started: false,
      send: async (m) => {
        msgs.push(m);
      },
    },
    ctx
  );
  return { msgs, json: JSON.parse(Buffer.from(msgs[0].body as Uint8Array).toString()) };
}

describe('basic handlers', () => {
  it('QueryData answers every refId with 200 and no frames', async () => {
    const q = (refId: string) => ({
      refId,
      maxDataPoints: 1,
      intervalMS: 1,
      timeRange: { fromEpochMS: 0, toEpochMS: 1 },
      json: Buffer.from('{}'),
      queryType: '',
    });
    const res = await handlers.queryData({ pluginContext, headers: {}, queries: [q('A'), q('B')], format: 0 }, ctx);
    expect(res.responses).toEqual({ A: { status: 200, frames: [] }, B: { status: 200, frames: [] } });
  });

  it('CheckHealth is OK with the version', async () => {
    const res = await handlers.checkHealth({ pluginContext, headers: {} }, ctx);
    expect(res).toEqual({ status: HealthStatus.OK, message: 'Vigil backend 1.2.3 is running' });
  });

  it('GET /ping, 405 for other methods, 404 JSON for unknown paths', async () => {
    const ping = await resource('/ping/');
    expect(ping.msgs).toHaveLength(1);
    expect(ping.msgs[0].code).toBe(200);
    expect(ping.json).toMatchObject({ message: 'pong', version: '1.2.3' });
    const post = await resource('ping', 'POST');
    expect(post.msgs[0].code).toBe(405);
    expect(post.msgs[0].headers).toMatchObject({ Allow: 'GET' });
    const missing = await resource('models/x');
    expect(missing.msgs[0].code).toBe(404);
    expect(missing.json).toEqual({ message: 'no resource at /models/x' });
  });

  it('resourcePath trims slashes', () => {
    expect(resourcePath('/a/b/')).toBe('a/b');
    expect(resourcePath('')).toBe('');
  });
});
