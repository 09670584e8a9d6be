import { backendSrvTransport, errorMessage, fetchTransport, makeResources, ResourceError } from '.';
import { FakeVigilBackend } from '../testing/fakeBackend';

describe('resource client', () => {
  it('calls the contract routes through Grafana with the key encoded', async () => {
    const backend = new FakeVigilBackend();
    const key = backend.addModel('sum by (job) (rate(x[5m]))', { job: 'a/b' }, 'zscore', 2);
    const r = makeResources(backendSrvTransport('my uid', backend.srv));
    const list = await r.listModels({ limit: 5, offset: 0 });
    expect(list.items[0].key).toBe(key);
    const pinned = await r.pin(key, 1);
    expect(pinned.pinnedVersion).toBe(1);
    await r.train(key, { trainingWindow: '7d' });
    expect(backend.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['GET', '/api/datasources/uid/my%20uid/resources/models', undefined],
      ['POST', `/api/datasources/uid/my%20uid/resources/models/${encodeURIComponent(key)}/pin`, { version: 1 }],
      [
        'POST',
        `/api/datasources/uid/my%20uid/resources/models/${encodeURIComponent(key)}/train`,
        { trainingWindow: '7d' },
      ],
    ]);
    expect(backend.calls[0].params).toEqual({ limit: 5, offset: 0 });
  });

  it("turns Grafana's fetch error into the backend's message and status", async () => {
    const backend = new FakeVigilBackend();
    const r = makeResources(backendSrvTransport('u', backend.srv));
    const err = await r.model('missing').catch((e) => e);
    expect(err).toBeInstanceOf(ResourceError);
    expect(err.status).toBe(404);
    expect(errorMessage(err)).toBe('no stored model missing (HTTP 404)');
  });

  it('talks to a backend directly with fetch (the harness), JSON in and out', async () => {
    const seen: Array<[string, RequestInit | undefined]> = [];
    const fake = (async (url: string, init?: RequestInit) => {
      seen.push([url, init]);
      // jsdom has no Response: the few members the transport reads.
      const answer = (status: number, body: string) => ({
        ok: status < 300,
        status,
        statusText: '',
        text: async () => body,
      });
      return url.includes('jobs')
        ? answer(404, '{"status":"error","message":"no job x"}')
        : answer(200, '{"items":[],"total":0,"limit":1,"offset":2}');
    }) as typeof fetch;
    const r = makeResources(fetchTransport('http://127.0.0.1:9/resources', fake));
    expect((await r.listModels({ limit: 1, offset: 2 })).offset).toBe(2);
    expect(seen[0][0]).toBe('http://127.0.0.1:9/resources/models?limit=1&offset=2');
    await expect(r.job('x')).rejects.toThrow('no job x');
    await r.backtest({ query: {} as never, fromMs: 1, toMs: 2 }).catch(() => undefined);
    expect(seen[2][1]?.method).toBe('POST');
    expect(JSON.parse(String(seen[2][1]?.body))).toEqual({ query: {}, fromMs: 1, toMs: 2 });
  });
});
