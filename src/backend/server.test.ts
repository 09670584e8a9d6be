import { createBasicHandlers } from './handlers/basic';
import { jsonResource, type BackendHandlers } from './handlers/types';
import { createLogger } from './log';
import { MetricsRegistry, registerProcessMetrics, RequestStats } from './metrics';
import { createPluginClient, type PluginClient } from './protocol/client';
import { HealthStatus, type QueryDataRequest } from './protocol/messages';
import { handshakeLine, normaliseQueryDataResponse, startPluginServer, type PluginServer } from './server';

type Plain = Record<string, unknown>;

const base = createBasicHandlers({ registry: new MetricsRegistry(), version: 'test' });

interface Running {
  server: PluginServer;
  client: PluginClient;
  logs: string[];
  registry: MetricsRegistry;
}

const running: Running[] = [];

async function start(overrides: Partial<BackendHandlers> = {}, onShutdownRequested?: () => void): Promise<Running> {
  const logs: string[] = [];
  const registry = new MetricsRegistry();
  const server = await startPluginServer({
    handlers: { ...createBasicHandlers({ registry, version: 'test' }), ...overrides },
    logger: createLogger({ write: (line) => logs.push(line) }),
    stats: new RequestStats(registry),
    onShutdownRequested,
  });
  const client = createPluginClient(`${server.host}:${server.port}`);
  const r = { server, client, logs, registry };
  running.push(r);
  return r;
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    r.client.close();
    await r.server.shutdown(200);
  }
});

const query = (refId: string, json: unknown = { refId }) => ({
  refId,
  maxDataPoints: 100,
  intervalMS: 1000,
  timeRange: { fromEpochMS: 1_700_000_000_000, toEpochMS: 1_700_000_360_000 },
  json: Buffer.from(JSON.stringify(json)),
});

const responses = (res: Plain) => res.responses as Record<string, Plain>;

describe('handshake line', () => {
  it('is exactly core|app|tcp|addr|grpc', () => {
    expect(handshakeLine('127.0.0.1', 41234)).toBe('1|2|tcp|127.0.0.1:41234|grpc');
  });
});

describe('QueryData', () => {
  it('answers every query keyed by its refId with status 200', async () => {
    const { client } = await start();
    const res = await client.queryData({ queries: [query('A'), query('B')] });
    expect(Object.keys(responses(res)).sort()).toEqual(['A', 'B']);
    for (const r of Object.values(responses(res))) {
      expect(r.status).toBe(200);
      expect(r.error).toBe('');
    }
  });

  it('decodes the request: int64 as numbers, bytes as Buffer, headers, plugin context', async () => {
    let seen: QueryDataRequest | undefined;
    const { client } = await start({
      async queryData(req) {
        seen = req;
        return { responses: { A: {} } };
      },
    });
    await client.queryData({
      pluginContext: {
        orgId: 3,
        pluginId: 'vigil',
        user: { login: 'ed', role: 'Editor' },
        dataSourceInstanceSettings: {
          id: 9,
          uid: 'u1',
          url: 'http://prom:9090',
          jsonData: Buffer.from('{"a":1}'),
          decryptedSecureJsonData: { token: 's' },
          lastUpdatedMS: 1_700_000_000_123,
        },
      },
      headers: { FromAlert: 'true' },
      queries: [query('A', { expr: 'up' })],
    });
    expect(seen).toBeDefined();
    const req = seen!;
    expect(req.headers).toEqual({ FromAlert: 'true' });
    expect(req.queries[0].timeRange).toEqual({ fromEpochMS: 1_700_000_000_000, toEpochMS: 1_700_000_360_000 });
    expect(req.queries[0].maxDataPoints).toBe(100);
    expect(JSON.parse(req.queries[0].json.toString('utf8'))).toEqual({ expr: 'up' });
    expect(req.queries[0].queryType).toBe('');
    expect(req.pluginContext.orgId).toBe(3);
    expect(req.pluginContext.user).toEqual({ login: 'ed', name: '', email: '', role: 'Editor' });
    expect(req.pluginContext.appInstanceSettings).toBeUndefined();
    const ds = req.pluginContext.dataSourceInstanceSettings!;
    expect(ds.id).toBe(9);
    expect(ds.lastUpdatedMS).toBe(1_700_000_000_123);
    expect(ds.decryptedSecureJsonData).toEqual({ token: 's' });
    expect(JSON.parse(ds.jsonData.toString('utf8'))).toEqual({ a: 1 });
    expect(ds.basicAuthEnabled).toBe(false);
  });

  it('fills in missing refIds, sets status from the error, drops refIds nobody asked for', async () => {
    const { client, logs } = await start({
      async queryData() {
        return { responses: { A: { error: 'bad PromQL', errorSource: 'downstream' }, Z: { status: 200 } } };
      },
    });
    const res = responses(await client.queryData({ queries: [query('A'), query('B')] }));
    expect(Object.keys(res).sort()).toEqual(['A', 'B']);
    expect(res.A).toMatchObject({ status: 500, error: 'bad PromQL', errorSource: 'downstream' });
    expect(res.B.status).toBe(500);
    expect(res.B.error).toMatch(/no response for query B/);
    expect(logs.join('')).toMatch(/refIds that were not requested/);
  });

  it('turns a throwing handler into status 500 for every refId and keeps serving', async () => {
    const { client, logs } = await start({
      async queryData() {
        throw new Error('model exploded');
      },
    });
    const res = responses(await client.queryData({ queries: [query('A'), query('B')] }));
    for (const refId of ['A', 'B']) {
      expect(res[refId]).toMatchObject({ status: 500, error: 'model exploded', errorSource: 'plugin' });
    }
    expect(logs.join('')).toMatch(/QueryData handler failed/);
    expect(await client.healthCheck('plugin')).toEqual({ status: 1 });
  });

  it('turns an unencodable handler result into an error response', async () => {
    const { client } = await start({
      async queryData() {
        return { responses: { A: { frames: [{ not: 'bytes' } as unknown as Uint8Array] } } };
      },
    });
    const res = responses(await client.queryData({ queries: [query('A')] }));
    expect(res.A.status).toBe(500);
    expect(res.A.error).toMatch(/invalid response/);
  });

  it('carries frames larger than gRPC’s 4 MB default in both directions', async () => {
    const frame = Buffer.alloc(6 * 1024 * 1024, 7);
    const { client } = await start({
      async queryData(req) {
        return { responses: { A: { frames: [frame], jsonMeta: Buffer.from(String(req.queries[0].json.length)) } } };
      },
    });
    const bigQuery = { ...query('A'), json: Buffer.alloc(5 * 1024 * 1024, 32) };
    const res = responses(await client.queryData({ queries: [bigQuery] }));
    const frames = res.A.frames as Buffer[];
    expect(frames).toHaveLength(1);
    expect(frames[0].length).toBe(frame.length);
    expect(frames[0].equals(frame)).toBe(true);
    expect(Buffer.from(res.A.jsonMeta as Uint8Array).toString()).toBe(String(5 * 1024 * 1024));
  });

  it('aborts the handler signal when the client cancels', async () => {
    let aborted: Promise<void> | undefined;
    const { client } = await start({
      queryData: (_req, ctx) => {
        aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        return new Promise(() => undefined); // never answers
      },
    });
    const call = client.queryDataCancellable({ queries: [query('A')] });
    call.result.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    call.cancel();
    await expect(call.result).rejects.toMatchObject({ code: 1 }); // CANCELLED
    await expect(aborted).resolves.toBeUndefined();
  });
});

describe('normaliseQueryDataResponse', () => {
  const req = { queries: [query('A'), query('B')] } as unknown as QueryDataRequest;

  it('keeps a handler-set status and adds 200 where none was set', () => {
    const out = normaliseQueryDataResponse(req, { responses: { A: { status: 400, error: 'x' }, B: {} } });
    expect(out.responses.A.status).toBe(400);
    expect(out.responses.B.status).toBe(200);
  });

  it('handles an undefined result', () => {
    const out = normaliseQueryDataResponse(req, undefined);
    expect(out.responses.A.status).toBe(500);
    expect(out.responses.B.status).toBe(500);
  });
});

describe('CheckHealth', () => {
  it('returns OK with a message', async () => {
    const { client } = await start();
    const res = await client.checkHealth({});
    expect(res.status).toBe(HealthStatus.OK);
    expect(res.message).toMatch(/running/);
  });

  it('reports a throwing handler as ERROR with the reason', async () => {
    const { client } = await start({
      async checkHealth() {
        throw new Error('Prometheus unreachable');
      },
    });
    const res = await client.checkHealth({});
    expect(res.status).toBe(HealthStatus.ERROR);
    expect(res.message).toBe('health check failed: Prometheus unreachable');
  });
});

describe('CollectMetrics', () => {
  it('returns process metrics and per-method request counts as Prometheus text', async () => {
    const { client, registry } = await start();
    registerProcessMetrics(registry, Date.now() - 5000);
    await client.queryData({ queries: [query('A')] });
    await client.callResource({ path: 'ping', method: 'GET' });
    const res = await client.collectMetrics({});
    const text = Buffer.from((res.metrics as Plain).prometheus as Uint8Array).toString('utf8');
    expect(text).toContain('# TYPE process_start_time_seconds gauge');
    expect(text).toMatch(/^vigil_backend_uptime_seconds (\d+(\.\d+)?)$/m);
    expect(Number(/^vigil_backend_uptime_seconds (\S+)$/m.exec(text)![1])).toBeGreaterThanOrEqual(5);
    expect(text).toContain('vigil_backend_requests_total{method="QueryData",outcome="ok"} 1');
    expect(text).toContain('vigil_backend_requests_total{method="CallResource",outcome="ok"} 1');
  });

  it('counts requests per method and outcome in the stats registry', async () => {
    const { client, registry } = await start({
      async checkHealth() {
        throw new Error('no');
      },
    });
    await client.queryData({ queries: [query('A')] });
    await client.queryData({ queries: [query('A')] });
    await client.checkHealth({});
    const text = registry.render();
    expect(text).toContain('vigil_backend_requests_total{method="QueryData",outcome="ok"} 2');
    expect(text).toContain('vigil_backend_requests_total{method="CheckHealth",outcome="error"} 1');
  });

  it('answers a throwing handler with a gRPC INTERNAL error', async () => {
    const { client } = await start({
      async collectMetrics() {
        throw new Error('broken gauge');
      },
    });
    await expect(client.collectMetrics({})).rejects.toMatchObject({
      code: 13,
      details: expect.stringMatching(/broken gauge/),
    });
  });
});

describe('CallResource', () => {
  const call = (client: PluginClient, path: string, method = 'GET') =>
    client.callResource({ path, method, url: `/${path}`, headers: { Accept: { values: ['application/json'] } } });
  const body = (messages: Plain[]) => Buffer.concat(messages.map((m) => Buffer.from(m.body as Uint8Array))).toString();

  it('answers GET /ping with JSON and unknown paths with a JSON 404', async () => {
    const { client } = await start();
    const ping = await call(client, 'ping');
    expect(ping[0].code).toBe(200);
    expect(ping[0].headers).toEqual({ 'Content-Type': { values: ['application/json'] } });
    expect(JSON.parse(body(ping))).toMatchObject({ message: 'pong' });
    const missing = await call(client, 'nope');
    expect(missing[0].code).toBe(404);
    expect(JSON.parse(body(missing))).toEqual({ message: 'no resource at /nope' });
  });

  it('streams several messages; status and headers come from the first', async () => {
    const { client } = await start({
      async callResource(req, res) {
        await res.send({ code: 201, headers: { 'X-Part': ['1', '2'] }, body: 'a' });
        await res.send({ body: Buffer.from('b') });
        await res.send({ body: 'c' });
      },
    });
    const msgs = await call(client, 'stream');
    expect(msgs).toHaveLength(3);
    expect(msgs[0].code).toBe(201);
    expect(msgs[0].headers).toEqual({ 'X-Part': { values: ['1', '2'] } });
    expect(body(msgs)).toBe('abc');
  });

  it('defaults the first code to 200', async () => {
    const { client } = await start({
      async callResource(_req, res) {
        await res.send({ body: 'x' });
      },
    });
    expect((await call(client, 'x'))[0].code).toBe(200);
  });

  it('answers 500 JSON when the handler throws before sending, or sends nothing', async () => {
    const { client } = await start({
      async callResource(req) {
        if (req.path === 'throw') {
          throw new Error('store locked');
        }
      },
    });
    const thrown = await call(client, 'throw');
    expect(thrown[0].code).toBe(500);
    expect(JSON.parse(body(thrown))).toEqual({ message: 'store locked' });
    const silent = await call(client, 'silent');
    expect(silent[0].code).toBe(500);
    expect(JSON.parse(body(silent)).message).toMatch(/no response/);
  });

  it('ends the stream cleanly when the handler throws after the first message', async () => {
    const { client, logs } = await start({
      async callResource(_req, res) {
        await res.send(jsonResource(200, { part: 1 }));
        throw new Error('half way');
      },
    });
    const msgs = await call(client, 'x');
    expect(msgs).toHaveLength(1);
    expect(msgs[0].code).toBe(200);
    expect(logs.join('')).toMatch(/half way/);
  });

  it('streams a body larger than the transport buffers (back-pressure)', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const { client } = await start({
      async callResource(_req, res) {
        for (let i = 0; i < 20; i++) {
          await res.send({ body: chunk });
        }
      },
    });
    const msgs = await call(client, 'big');
    expect(msgs.reduce((n, m) => n + (m.body as Uint8Array).length, 0)).toBe(20 * chunk.length);
  });
});

describe('go-plugin services', () => {
  it('serves grpc.health.v1 for "plugin" and "" and NOT_FOUND for others', async () => {
    const { client } = await start();
    expect(await client.healthCheck('plugin')).toEqual({ status: 1 });
    expect(await client.healthCheck('')).toEqual({ status: 1 });
    await expect(client.healthCheck('other')).rejects.toMatchObject({ code: 5 });
  });

  it('answers GRPCController/Shutdown, then calls onShutdownRequested', async () => {
    let requested = 0;
    const { client } = await start({}, () => requested++);
    expect(await client.shutdown()).toEqual({});
    await new Promise((r) => setImmediate(r));
    expect(requested).toBe(1);
  });

  it('keeps the stdio stream open until shutdown ends it', async () => {
    const { client, server } = await start();
    const stdio = client.streamStdio();
    let ended = false;
    void stdio.ended.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    await server.shutdown(1000);
    await stdio.ended;
    expect(ended).toBe(true);
  });

  it('without a callback, Shutdown stops the server itself', async () => {
    const { client, server } = await start();
    await client.shutdown();
    await server.shutdown(); // the same promise as the one Shutdown started
    await expect(client.healthCheck('plugin')).rejects.toBeDefined();
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight calls, refuses new ones', async () => {
    let release!: () => void;
    const { client, server } = await start({
      queryData: async (req) => {
        await new Promise<void>((r) => (release = r));
        return { responses: { [req.queries[0].refId]: {} } };
      },
    });
    const inflight = client.queryData({ queries: [query('A')] });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = server.shutdown(5000);
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false); // waiting for the in-flight call
    release();
    expect(responses(await inflight).A.status).toBe(200);
    await stopped;
    const late = createPluginClient(`${server.host}:${server.port}`);
    await expect(late.healthCheck('plugin')).rejects.toBeDefined();
    late.close();
  });

  it('cancels calls still running after the grace period', async () => {
    let aborted = false;
    const { client, server } = await start({
      queryData: (_req, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            reject(ctx.signal.reason);
          });
        }),
    });
    const inflight = client.queryData({ queries: [query('A')] }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await server.shutdown(300);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(aborted).toBe(true);
    await inflight;
  });
});

describe('port range', () => {
  it('binds the first free port of PLUGIN_MIN_PORT..PLUGIN_MAX_PORT', async () => {
    const first = await startPluginServer({ handlers: base, ports: { min: 23_456, max: 23_460 } });
    const second = await startPluginServer({ handlers: base, ports: { min: 23_456, max: 23_460 } });
    try {
      expect(first.port).toBe(23_456);
      expect(second.port).toBe(23_457);
    } finally {
      await Promise.all([first.shutdown(100), second.shutdown(100)]);
    }
  });
});
