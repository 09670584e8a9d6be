import { buildSync } from 'esbuild';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PrometheusClient, alignRange, stepFor } from './client';
import { PrometheusError } from './decode';

// A real HTTP server on 127.0.0.1 stands in for Prometheus: the client's fetch, form encoding,
// timeouts and error mapping run for real; only the answers are scripted.

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

type Reply = { status?: number; type?: string; body: string } | 'hang';
type Handler = (req: Seen) => Reply;

let server: http.Server;
let base: string;
let handler: Handler;
let seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const s: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        headers: req.headers,
      };
      seen.push(s);
      let reply: Reply;
      try {
        reply = handler(s);
      } catch (e) {
        reply = { status: 500, type: 'text/plain', body: String(e) };
      }
      if (reply === 'hang') {
        return; // never answers; the client's timeout must fire
      }
      res.writeHead(reply.status ?? 200, { 'Content-Type': reply.type ?? 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  handler = () => ({ status: 404, type: 'text/plain', body: '404 page not found' });
});

function ok(data: unknown, extra: Record<string, unknown> = {}): Reply {
  return { body: JSON.stringify({ status: 'success', data, ...extra }) };
}

function apiError(status: number, errorType: string, error: string): Reply {
  return { status, body: JSON.stringify({ status: 'error', errorType, error }) };
}

async function rejection(p: Promise<unknown>): Promise<PrometheusError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PrometheusError);
    return e as PrometheusError;
  }
  throw new Error('expected a PrometheusError');
}

const T0 = 1_700_000_000_000;

// A fake query_range: Prometheus' 11,000-point limit, series "a" everywhere with a value that
// depends on t only, series "b" only from `bFrom` on, nothing at `gapAt`.
function rangeEvaluator(options: { bFrom?: number; gapAt?: number; overlap?: boolean } = {}): Handler {
  return (req) => {
    if (req.path !== '/api/v1/query_range') {
      return { status: 404, type: 'text/plain', body: 'not found' };
    }
    const start = Number(req.form.get('start')) * 1000;
    const end = Number(req.form.get('end')) * 1000;
    const step = Number(req.form.get('step')) * 1000;
    if ((end - start) / step > 11_000) {
      return apiError(
        400,
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'
      );
    }
    const a: Array<[number, string]> = [];
    const b: Array<[number, string]> = [];
    // With overlap, every chunk also repeats the step before its start (a boundary point twice).
    for (let t = options.overlap ? start - step : start; t <= end; t += step) {
      if (t === options.gapAt) {
        continue;
      }
      a.push([t / 1000, String(valueAt(t))]);
      if (options.bFrom !== undefined && t >= options.bFrom) {
        b.push([t / 1000, String(-valueAt(t))]);
      }
    }
    const result = [{ metric: { __name__: 'm', job: 'a' }, values: a }];
    if (b.length > 0) {
      result.push({ metric: { __name__: 'm', job: 'b' }, values: b });
    }
    return ok({ resultType: 'matrix', result });
  };
}

function valueAt(t: number): number {
  return ((t / 1000) % 97) + 0.25;
}

describe('PrometheusClient.queryRange', () => {
  it('POSTs the query form-encoded with the caller headers and decodes the series', async () => {
    handler = rangeEvaluator();
    const client = new PrometheusClient({ url: `${base}/`, headers: { Authorization: 'Bearer s3cret', 'X-Org': '7' } });
    const out = await client.queryRange('sum(rate(x{a="b c"}[5m]))', T0, T0 + 60_000, 15_000);
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].path).toBe('/api/v1/query_range');
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0].headers.authorization).toBe('Bearer s3cret');
    expect(seen[0].headers['x-org']).toBe('7');
    expect(Object.fromEntries(seen[0].form)).toEqual({
      query: 'sum(rate(x{a="b c"}[5m]))',
      start: '1700000000',
      end: '1700000060',
      step: '15',
    });
    expect(out.requests).toBe(1);
    expect(out.series).toHaveLength(1);
    expect(out.series[0].labels).toEqual({ __name__: 'm', job: 'a' });
    expect([...out.series[0].series.t]).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * 15_000));
    expect([...out.series[0].series.v]).toEqual([0, 1, 2, 3, 4].map((i) => valueAt(T0 + i * 15_000)));
  });

  it('keeps a path prefix and sends sub-second times with ms precision', async () => {
    handler = (req) => (req.path === '/prom/api/v1/query_range' ? ok({ resultType: 'matrix', result: [] }) : 'hang');
    const client = new PrometheusClient({ url: `${base}/prom`, timeoutMs: 2000 });
    const out = await client.queryRange('up', T0 + 123, T0 + 1123, 500);
    expect(out.series).toEqual([]);
    expect(seen[0].form.get('start')).toBe('1700000000.123');
    expect(seen[0].form.get('end')).toBe('1700000001.123');
    expect(seen[0].form.get('step')).toBe('0.5');
  });

  it('splits a range over 11,000 steps into consecutive requests and stitches by label set', async () => {
    const step = 10_000;
    const points = 25_000;
    const end = T0 + (points - 1) * step;
    const bFrom = T0 + 20_000 * step; // "b" only exists in the last chunk
    handler = rangeEvaluator({ bFrom, gapAt: T0 + 11_000 * step });
    const client = new PrometheusClient({ url: base });
    const out = await client.queryRange('m', T0, end, step);
    expect(out.requests).toBe(3);
    // Chunks on the same grid, disjoint and contiguous, each within Prometheus' limit.
    const ranges = seen.map((s) => [Number(s.form.get('start')) * 1000, Number(s.form.get('end')) * 1000]);
    expect(ranges).toEqual([
      [T0, T0 + 10_999 * step],
      [T0 + 11_000 * step, T0 + 21_999 * step],
      [T0 + 22_000 * step, end],
    ]);
    expect(out.series.map((s) => s.labels.job)).toEqual(['a', 'b']);
    const [a, b] = out.series.map((s) => s.series);
    expect(a.t.length).toBe(points);
    for (let i = 0; i < points; i++) {
      const t = T0 + i * step;
      if (a.t[i] !== t) {
        throw new Error(`a.t at ${i}: ${a.t[i]} != ${t}`);
      }
      if (i === 11_000) {
        expect(a.v[i]).toBeNaN(); // the missing sample is a gap on the filled grid
      } else if (a.v[i] !== valueAt(t)) {
        throw new Error(`a at ${i}: ${a.v[i]} != ${valueAt(t)}`);
      }
      const bExpected = t >= bFrom ? -valueAt(t) : NaN;
      if (!Object.is(b.v[i], bExpected)) {
        throw new Error(`b at ${i}: ${b.v[i]} != ${bExpected}`);
      }
    }
  });

  it('without fill returns only the samples, and drops a boundary point sent twice and samples off the range', async () => {
    const step = 1000;
    handler = rangeEvaluator({ overlap: true, gapAt: T0 + 5 * step });
    const client = new PrometheusClient({ url: base, maxPointsPerRequest: 4 });
    const out = await client.queryRange('m', T0, T0 + 9 * step, step, { fill: false });
    expect(out.requests).toBe(3);
    const s = out.series[0].series;
    const expectedT = [0, 1, 2, 3, 4, 6, 7, 8, 9].map((i) => T0 + i * step);
    expect([...s.t]).toEqual(expectedT);
    expect([...s.v]).toEqual(expectedT.map(valueAt));
  });

  it('limits the requests in flight and reports the first real failure of a split query', async () => {
    let inFlight = 0;
    let most = 0;
    const inner = rangeEvaluator();
    let calls = 0;
    handler = (req) => {
      calls++;
      if (calls === 3) {
        return apiError(422, 'execution', 'query processing would load too many samples into memory');
      }
      return inner(req);
    };
    // Count concurrency at the transport: a fetch wrapper around the real fetch.
    const client = new PrometheusClient({
      url: base,
      maxPointsPerRequest: 10,
      concurrency: 2,
      fetch: async (input, init) => {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight--;
        }
      },
    });
    const e = await rejection(client.queryRange('m', T0, T0 + 99_000, 1000));
    expect(e.errorType).toBe('execution');
    expect(e.status).toBe(422);
    expect(e.message).toContain('too many samples');
    expect(most).toBeLessThanOrEqual(2);
    expect(calls).toBeLessThan(10); // stopped early
  });

  it('checks the configurable limits before and while fetching', async () => {
    handler = rangeEvaluator({ bFrom: T0 });
    const client = new PrometheusClient({ url: base, limits: { maxPointsPerSeries: 100 } });
    let e = await rejection(client.queryRange('m', T0, T0 + 100_000, 1000));
    expect(e.errorType).toBe('limit');
    expect(e.message).toMatch(/too many points.*101 points per series.*limit is 100/);
    expect(seen).toHaveLength(0); // refused before asking Prometheus

    e = await rejection(client.queryRange('m', T0, T0 + 10_000, 1000, { limits: { maxSeries: 1 } }));
    expect(e.errorType).toBe('limit');
    expect(e.message).toMatch(/too many series.*more than 1 series/);

    e = await rejection(client.queryRange('m', T0, T0 + 10_000, 1000, { limits: { maxTotalPoints: 20 } }));
    expect(e.message).toMatch(/too many points: the query returns 22 points over all series, the limit is 20/);
    expect(e.source).toBe('downstream');
  });

  it('refuses bad arguments with a clear message', async () => {
    const client = new PrometheusClient({ url: base });
    expect((await rejection(client.queryRange(' ', T0, T0, 1000))).message).toMatch(/empty query/);
    expect((await rejection(client.queryRange('up', T0, T0 - 1, 1000))).message).toMatch(/end .* is before start/);
    expect((await rejection(client.queryRange('up', T0, T0, 0))).message).toMatch(/invalid step 0 ms/);
    expect((await rejection(client.queryRange('up', NaN, T0, 1000))).message).toMatch(/invalid start NaN/);
    expect(seen).toHaveLength(0);
    expect(() => new PrometheusClient({ url: 'localhost:9090' })).toThrow(/only http and https/);
    expect(() => new PrometheusClient({ url: 'not a url' })).toThrow(/invalid Prometheus URL/);
    expect(() => new PrometheusClient({ url: 'http://u:p@h:9090' })).toThrow(/must not hold credentials/);
  });
});

describe('PrometheusClient error mapping', () => {
  const client = () => new PrometheusClient({ url: base, timeoutMs: 2000 });

  it('invalid PromQL: HTTP 400 bad_data with Prometheus own message', async () => {
    const parse = "1:6: parse error: unexpected right parenthesis ')'";
    handler = () => apiError(400, 'bad_data', parse);
    const e = await rejection(client().queryRange('rate(x))', T0, T0 + 1000, 1000));
    expect(e.errorType).toBe('bad_data');
    expect(e.status).toBe(400);
    expect(e.source).toBe('downstream');
    expect(e.message).toBe(`Prometheus rejected the query: ${parse}`);
  });

  it('HTTP 422 execution errors', async () => {
    handler = () => apiError(422, 'execution', 'found duplicate series for the match group');
    const e = await rejection(client().query('a * on(x) b'));
    expect([e.errorType, e.status]).toEqual(['execution', 422]);
    expect(e.message).toBe('Prometheus could not execute the query: found duplicate series for the match group');
  });

  it('HTTP 503 timeout and unavailable from Prometheus', async () => {
    handler = () => apiError(503, 'timeout', 'query timed out in expression evaluation');
    let e = await rejection(client().query('up'));
    expect([e.errorType, e.status]).toEqual(['timeout', 503]);
    expect(e.message).toMatch(/timed out evaluating the query: query timed out in expression evaluation/);
    handler = () => apiError(503, 'unavailable', 'TSDB not ready');
    e = await rejection(client().query('up'));
    expect([e.errorType, e.status]).toEqual(['unavailable', 503]);
    expect(e.message).toBe(`Prometheus at ${base} is unavailable: TSDB not ready`);
  });

  it('non-JSON bodies: a proxy error page, a login page, an empty body, a wrong URL', async () => {
    handler = () => ({
      status: 502,
      type: 'text/html',
      body: '<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>',
    });
    let e = await rejection(client().query('up'));
    expect([e.errorType, e.status]).toEqual(['http', 502]);
    expect(e.message).toBe(
      `Prometheus at ${base} answered HTTP 502 with a non-JSON body (text/html): <html><body> <h1>502 Bad Gateway</h1> </body></html>: Prometheus or a proxy in front of it is unavailable`
    );
    handler = () => ({ status: 401, type: 'text/plain', body: 'Unauthorized' });
    e = await rejection(client().labels());
    expect(e.status).toBe(401);
    expect(e.message).toMatch(/HTTP 401 .*Unauthorized: check the credentials/);
    handler = () => ({ status: 200, type: 'text/html', body: '<!doctype html><title>Grafana</title>' });
    e = await rejection(client().buildInfo());
    expect([e.errorType, e.status]).toEqual(['decode', 200]);
    expect(e.message).toMatch(/HTTP 200 with a non-JSON body .*is this the URL of a Prometheus server\?/);
    handler = () => ({ status: 503, type: 'text/plain', body: '' });
    e = await rejection(client().query('up'));
    expect(e.message).toMatch(/HTTP 503 with an empty body/);
    handler = (req) =>
      req.path === '/api/v1/query' ? ok({ resultType: 'scalar', result: [1, '1'] }) : { status: 404, body: 'nope' };
    e = await rejection(new PrometheusClient({ url: `${base}/api/v1` }).query('up'));
    expect(e.status).toBe(404);
    expect(e.message).toMatch(/is this the URL of a Prometheus server \(without \/api\/v1\)\?/);
  });

  it('a server that does not answer in time', async () => {
    handler = () => 'hang';
    const started = Date.now();
    const e = await rejection(new PrometheusClient({ url: base, timeoutMs: 300 }).query('up'));
    expect(e.errorType).toBe('timeout');
    expect(e.status).toBeUndefined();
    expect(e.message).toBe(`Prometheus at ${base} did not answer within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a canceled request', async () => {
    handler = () => 'hang';
    const controller = new AbortController();
    const p = new PrometheusClient({ url: base, timeoutMs: 5000 }).queryRange('up', T0, T0 + 1e6, 1000, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const e = await rejection(p);
    expect(e.errorType).toBe('canceled');
    controller.abort();
    expect(
      (await rejection(new PrometheusClient({ url: base }).query('up', undefined, { signal: controller.signal })))
        .errorType
    ).toBe('canceled');
  });

  it('connection refused: not reachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const e = await rejection(new PrometheusClient({ url }).queryRange('up', T0, T0 + 1000, 1000));
    expect(e.errorType).toBe('network');
    expect(e.status).toBeUndefined();
    expect(e.source).toBe('downstream');
    expect(e.message).toBe(`Prometheus at ${url} is not reachable (ECONNREFUSED)`);
  });

  it('an untrusted TLS certificate says so, not "not reachable", without Node\'s own advice', async () => {
    const cause = Object.assign(
      new Error('unable to verify the first certificate; if the root CA is installed locally, try --use-system-ca'),
      { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }
    );
    const fetch = () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause }));
    const e = await rejection(new PrometheusClient({ url: 'https://prom:9090', fetch }).query('up'));
    expect(e.errorType).toBe('network');
    expect(e.message).toBe(
      'the TLS certificate of Prometheus at https://prom:9090 is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: ' +
        'unable to verify the first certificate): add the CA certificate that signed it in the TLS settings, ' +
        'or turn on skip TLS verification'
    );
  });

  it('a JSON answer that is not the Prometheus envelope', async () => {
    handler = () => ({ body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: 'x' } }) });
    let e = await rejection(client().query('up'));
    expect(e.errorType).toBe('decode');
    expect(e.message).toMatch(/vector result is not a list/);
    handler = () => ({ body: '[1,2]' });
    e = await rejection(client().query('up'));
    expect(e.message).toMatch(/non-JSON body/);
    handler = () => ({ status: 500, body: JSON.stringify({ message: 'internal' }) });
    e = await rejection(client().query('up'));
    expect([e.errorType, e.status]).toEqual(['http', 500]);
    expect(e.message).toBe('Prometheus error (http, HTTP 500): HTTP 500');
  });
});

describe('PrometheusClient other endpoints', () => {
  it('instant queries: scalar (health), vector, matrix, with warnings', async () => {
    handler = (req) => {
      const q = req.form.get('query');
      if (q === '1+1') {
        return ok({ resultType: 'scalar', result: [1_700_000_000.5, '2'] });
      }
      if (q === 'up') {
        return ok(
          { resultType: 'vector', result: [{ metric: { job: 'p' }, value: [1_700_000_000, '1'] }] },
          { warnings: ['w1'] }
        );
      }
      return ok({ resultType: 'matrix', result: [{ metric: {}, values: [[1_700_000_000, '+Inf']] }] });
    };
    const client = new PrometheusClient({ url: base });
    expect(await client.query('1+1')).toEqual({ resultType: 'scalar', timeMs: T0 + 500, value: 2, warnings: [] });
    await expect(client.health()).resolves.toBeUndefined();
    const v = await client.query('up', T0);
    expect(seen[2].form.get('time')).toBe('1700000000');
    expect(v).toEqual({
      resultType: 'vector',
      samples: [{ labels: { job: 'p' }, timeMs: T0, value: 1 }],
      warnings: ['w1'],
    });
    const m = await client.query('up[1m]');
    expect(m.resultType === 'matrix' && m.series[0].series.v[0]).toBe(Infinity);
  });

  it('health fails when 1+1 is not 2', async () => {
    handler = () => ok({ resultType: 'vector', result: [] });
    const e = await rejection(new PrometheusClient({ url: base }).health());
    expect(e.message).toMatch(/1\+1 did not answer the scalar 2 \(got a vector\)/);
  });

  it('buildInfo, labels, labelValues, series, metadata', async () => {
    handler = (req) => {
      switch (req.path) {
        case '/api/v1/status/buildinfo':
          return ok({ version: '2.42.0', revision: 'abc', goVersion: 'go1.19' });
        case '/api/v1/labels':
          return ok(['__name__', 'job']);
        case '/api/v1/label/job/values':
          return ok(['api', 'db']);
        case '/api/v1/label/U__http_2e_method_2f__2e__2e__2f_x/values':
          return ok([]);
        case '/api/v1/series':
          return ok([{ __name__: 'up', job: 'api' }]);
        case '/api/v1/metadata':
          return ok({ up: [{ type: 'gauge', help: 'Up.', unit: '' }] });
      }
      return { status: 404, type: 'text/plain', body: 'not found' };
    };
    const client = new PrometheusClient({ url: base });
    expect((await client.buildInfo()).version).toBe('2.42.0');

    expect(await client.labels(['up', '{job="a"}'], { startMs: T0, endMs: T0 + 1000 })).toEqual(['__name__', 'job']);
    expect(seen[1].method).toBe('POST');
    expect(seen[1].form.getAll('match[]')).toEqual(['up', '{job="a"}']);
    expect([seen[1].form.get('start'), seen[1].form.get('end')]).toEqual(['1700000000', '1700000001']);

    expect(await client.labelValues('job', 'up{x="1"}')).toEqual(['api', 'db']);
    expect(seen[2].method).toBe('GET');
    expect(seen[2].query.getAll('match[]')).toEqual(['up{x="1"}']);
    await expect(client.labelValues('')).rejects.toThrow(/invalid label name "": it must not be empty/);
    // UTF-8 label names (Prometheus 3) travel in Prometheus' U__ escaping; nothing escapes the path.
    expect(await client.labelValues('http.method/../x')).toEqual([]);
    expect(seen[3].path).toBe('/api/v1/label/U__http_2e_method_2f__2e__2e__2f_x/values');

    expect(await client.series(['up'], T0, T0 + 1000)).toEqual([{ __name__: 'up', job: 'api' }]);
    expect(seen[4].method).toBe('POST');
    expect(seen[4].form.getAll('match[]')).toEqual(['up']);
    await expect(client.series([])).rejects.toThrow(/at least one non-empty series selector/);

    expect(await client.metadata('up')).toEqual({ up: [{ type: 'gauge', help: 'Up.', unit: '' }] });
    expect(seen[5].query.get('metric')).toBe('up');
  });
});

describe('stepFor', () => {
  const H = 3_600_000;
  it('at most maxDataPoints points, on a nice step', () => {
    // 24h at 1000 points: 86.4 s raw -> 2m (1m would give 1441 points).
    expect(stepFor(0, 24 * H, 1000, 0, 0)).toBe(120_000);
    // 1h at 1200 points: 3 s raw -> 5 s.
    expect(stepFor(0, H, 1200)).toBe(5000);
    // exactly 721 points at 5 s fit in 721.
    expect(stepFor(0, H, 721)).toBe(5000);
    expect(stepFor(0, H, 720)).toBe(10_000);
    for (const [range, max] of [
      [7 * 24 * H, 43_200],
      [30 * 24 * H, 500],
      [123_457, 7],
      [400 * 24 * H, 2],
    ]) {
      const step = stepFor(0, range, max);
      expect(Math.floor(range / step) + 1).toBeLessThanOrEqual(max);
    }
  });

  it('at least the interval and the min step, which win unrounded', () => {
    expect(stepFor(0, H, 10_000, 15_000, 0)).toBe(15_000);
    expect(stepFor(0, H, 10_000, 1000, 17_000)).toBe(17_000);
    // The nice step must still be at least the floor.
    expect(stepFor(0, 24 * H, 1000, 0, 130_000)).toBe(130_000);
    expect(stepFor(0, 24 * H, 100, 0, 130_000)).toBe(15 * 60_000);
  });

  it('refuses nonsense', () => {
    expect(() => stepFor(10, 0, 100)).toThrow(/invalid time range/);
    expect(() => stepFor(0, 10, 0)).toThrow(/invalid maxDataPoints/);
    expect(() => stepFor(0, 10, 10, -1)).toThrow(/invalid interval/);
  });

  it('alignRange floors both ends to the step', () => {
    const t = 1_700_000_100_000; // a multiple of 15 s
    expect(alignRange(t + 7_500, t + 61_000, 15_000)).toEqual({ startMs: t, endMs: t + 60_000 });
  });
});

describe('browser compatibility', () => {
  it('the client bundles without Node built-ins (fetch, AbortController and URLSearchParams only)', () => {
    const result = buildSync({
      entryPoints: [path.join(__dirname, 'client.ts')],
      bundle: true,
      platform: 'neutral',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs).toContain('src/prometheus/client.ts');
    expect(inputs.every((p) => p.startsWith('src/prometheus/') || p.startsWith('src/model/'))).toBe(true);
  });
});
