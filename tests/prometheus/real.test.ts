import { tlsFetch } from '../../src/backend/handlers/tlsFetch';
import { type FetchFn, PrometheusClient, type RangeResult } from '../../src/prometheus/client';
import { PrometheusError } from '../../src/prometheus/decode';
import { MetricFamily, RunningPrometheus, requirePrometheusBinaries, startPrometheus } from './server';

// The client against a real Prometheus (Debian's `prometheus` package) serving promtool-backfilled
// data whose every value is known. Fails, not skips, when the binaries are missing.

jest.setTimeout(60_000);

const START = Date.UTC(2024, 0, 1); // inside the 10-year retention, long before the head block
const STEP = 1000;
const N = 30_000; // 8.3 h at 1 s (few 2 h blocks: quick to backfill); needs 3 requests of at most 11,000 steps
const GAP_FROM = 15_000; // series b has no samples for 15 minutes from here
const GAP_LEN = 900;

const valueA = (i: number) => Math.sin(i / 50) * 100 + i * 1e-3; // full-precision doubles
const valueB = (i: number) => i * 0.5 - 1234.125;
const inGap = (i: number) => i >= GAP_FROM && i < GAP_FROM + GAP_LEN;
const at = (i: number) => START + i * STEP;

function families(): MetricFamily[] {
  const a: Array<[number, number]> = [];
  const b: Array<[number, number]> = [];
  for (let i = 0; i < N; i++) {
    a.push([at(i), valueA(i)]);
    if (!inGap(i)) {
      b.push([at(i), valueB(i)]);
    }
  }
  return [
    {
      name: 'vigil_test_value',
      help: 'A test gauge.',
      series: [
        { labels: { instance: 'a' }, samples: a },
        { labels: { instance: 'b' }, samples: b },
      ],
    },
    {
      name: 'vigil_other',
      series: [
        {
          labels: { job: 'x', env: 'test' },
          samples: [
            [at(0), 1],
            [at(1), 2],
          ],
        },
      ],
    },
  ];
}

let prom: RunningPrometheus;
let client: PrometheusClient;

beforeAll(async () => {
  requirePrometheusBinaries();
  prom = await startPrometheus({ families: families() });
  client = new PrometheusClient({ url: prom.url, timeoutMs: 20_000 });
});

afterAll(async () => {
  await prom?.stop();
});

async function rejection(p: Promise<unknown>): Promise<PrometheusError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PrometheusError);
    return e as PrometheusError;
  }
  throw new Error('expected a PrometheusError');
}

describe('PrometheusClient against a real Prometheus', () => {
  it('answers buildInfo and the health query', async () => {
    const info = await client.buildInfo();
    expect(info.version).toBe(prom.version);
    await expect(client.health()).resolves.toBeUndefined();
  });

  it('queryRange returns the backfilled values exactly', async () => {
    const out = await client.queryRange('vigil_test_value{instance="a"}', at(100), at(699), STEP);
    expect(out.requests).toBe(1);
    expect(out.series).toHaveLength(1);
    expect(out.series[0].labels).toEqual({ __name__: 'vigil_test_value', instance: 'a' });
    const { t, v } = out.series[0].series;
    expect(t.length).toBe(600);
    for (let k = 0; k < 600; k++) {
      expect(t[k]).toBe(at(100 + k));
      if (v[k] !== valueA(100 + k)) {
        throw new Error(`value at ${k}: ${v[k]} != ${valueA(100 + k)}`);
      }
    }
    // An instant query at a sample's time sees that sample.
    const instant = await client.query('vigil_test_value{instance="b"}', at(42));
    expect(instant.resultType === 'vector' && instant.samples[0].value).toBe(valueB(42));
  });

  it('asks for plain or gzip answers as configured and decodes both to the same values, through fetch and node:http', async () => {
    const asked: Array<string | null> = [];
    const encodings: Array<string | null> = [];
    const recording =
      (inner: FetchFn): FetchFn =>
      async (input, init) => {
        asked.push(new Headers(init.headers).get('accept-encoding'));
        const r = await inner(input, init);
        encodings.push(r.headers.get('content-encoding'));
        return r;
      };
    const viaFetch: FetchFn = (input, init) => fetch(input, init);
    const answers: RangeResult[] = [];
    for (const compression of ['none', 'gzip'] as const) {
      for (const inner of [viaFetch, tlsFetch({})]) {
        const c = new PrometheusClient({ url: prom.url, compression, fetch: recording(inner) });
        answers.push(await c.queryRange('vigil_test_value', at(0), at(5999), STEP));
      }
    }
    expect(asked).toEqual(['identity', 'identity', 'gzip', 'gzip']);
    // fetch reports the encoding it undid; the node:http adapter drops the header once it has.
    expect(encodings).toEqual([null, null, 'gzip', null]);
    for (const a of answers.slice(1)) {
      expect(a.series.map((s) => s.labels)).toEqual(answers[0].series.map((s) => s.labels));
      a.series.forEach((s, k) => {
        expect(Buffer.from(s.series.v.buffer).equals(Buffer.from(answers[0].series[k].series.v.buffer))).toBe(true);
        expect(Buffer.from(s.series.t.buffer).equals(Buffer.from(answers[0].series[k].series.t.buffer))).toBe(true);
      });
    }
    expect(answers[0].series[0].series.v[5]).toBe(valueA(5));
  });

  it('splits a range over 11,000 points and stitches it to the known data', async () => {
    const end = at(N - 1);
    // Prometheus itself refuses the range in one request.
    const direct = await fetch(`${prom.url}/api/v1/query_range`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        query: 'vigil_test_value',
        start: String(START / 1000),
        end: String(end / 1000),
        step: String(STEP / 1000),
      }),
    });
    expect(direct.status).toBe(400);
    expect(await direct.text()).toMatch(/exceeded maximum resolution of 11,000 points/);

    const out = await client.queryRange('vigil_test_value', START, end, STEP);
    expect(out.requests).toBe(3);
    expect(out.series.map((s) => s.labels.instance).sort()).toEqual(['a', 'b']);
    const a = out.series.find((s) => s.labels.instance === 'a')!.series;
    const b = out.series.find((s) => s.labels.instance === 'b')!.series;
    expect(a.t.length).toBe(N);
    expect(b.t.length).toBe(N);
    let checkedGap = 0;
    for (let i = 0; i < N; i++) {
      if (a.t[i] !== at(i) || a.v[i] !== valueA(i)) {
        throw new Error(`a at ${i}: (${a.t[i]}, ${a.v[i]}) != (${at(i)}, ${valueA(i)})`);
      }
      let expected: number | undefined = valueB(i);
      if (inGap(i)) {
        // Prometheus looks back 5 minutes for the last sample; later the gap is NaN. The exact
        // 5-minute boundary differs between Prometheus versions and is not checked.
        const since = (i - (GAP_FROM - 1)) * STEP;
        expected = since < 300_000 ? valueB(GAP_FROM - 1) : since > 300_000 ? NaN : undefined;
        checkedGap++;
      }
      if (expected !== undefined && !Object.is(b.v[i], expected)) {
        throw new Error(`b at ${i}: ${b.v[i]} != ${expected}`);
      }
    }
    expect(checkedGap).toBe(GAP_LEN);

    // Another chunking gives the same series: the boundaries leave no trace.
    const other = new PrometheusClient({ url: prom.url, maxPointsPerRequest: 7001, concurrency: 2 });

    const again = await other.queryRange('vigil_test_value', START, end, STEP);
    expect(again.requests).toBe(5);
    expect(again.series.map((s) => s.labels)).toEqual(out.series.map((s) => s.labels));
    again.series.forEach((s, k) => {
      const first = out.series[k].series;
      expect(Buffer.from(s.series.t.buffer).equals(Buffer.from(first.t.buffer))).toBe(true);
      expect(Buffer.from(s.series.v.buffer).equals(Buffer.from(first.v.buffer))).toBe(true);
    });
  });

  it('invalid PromQL gives Prometheus own parse error', async () => {
    const e = await rejection(client.queryRange('rate(vigil_test_value[5m]', START, at(10), STEP));
    expect(e.errorType).toBe('bad_data');
    expect(e.status).toBe(400);
    expect(e.source).toBe('downstream');
    expect(e.message).toMatch(/^Prometheus rejected the query: .*parse error/);
  });

  it('an execution error is HTTP 422', async () => {
    const e = await rejection(client.query('vigil_test_value + on() vigil_test_value', at(10)));
    expect(e.errorType).toBe('execution');
    expect(e.status).toBe(422);
    expect(e.message).toMatch(/^Prometheus could not execute the query: .*many-to-many matching not allowed/);
  });

  it('labels, label values and series', async () => {
    const labels = await client.labels();
    expect(labels).toEqual(expect.arrayContaining(['__name__', 'instance', 'job', 'env']));
    expect(await client.labelValues('__name__')).toEqual(expect.arrayContaining(['vigil_other', 'vigil_test_value']));
    expect(await client.labelValues('instance', 'vigil_test_value', { startMs: START, endMs: at(N - 1) })).toEqual([
      'a',
      'b',
    ]);
    expect(await client.labels(['vigil_other'], { startMs: START, endMs: at(10) })).toEqual(['__name__', 'env', 'job']);
    expect(await client.series(['vigil_other', 'vigil_test_value{instance="b"}'], START, at(10))).toEqual(
      expect.arrayContaining([
        { __name__: 'vigil_other', env: 'test', job: 'x' },
        { __name__: 'vigil_test_value', instance: 'b' },
      ])
    );
    expect(await client.series(['vigil_other'], at(N + 10_000), at(N + 10_100))).toEqual([]);
  });

  it('metadata of scraped metrics', async () => {
    // Metadata comes from scrapes: Prometheus scrapes itself every second.
    let meta: Awaited<ReturnType<PrometheusClient['metadata']>> = {};
    for (let i = 0; i < 100 && meta.prometheus_build_info === undefined; i++) {
      meta = await client.metadata('prometheus_build_info');
      if (meta.prometheus_build_info === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(meta.prometheus_build_info).toEqual([expect.objectContaining({ type: 'gauge' })]);
    expect(meta.prometheus_build_info[0].help).toMatch(/version/);
    const all = await client.metadata();
    expect(Object.keys(all).length).toBeGreaterThan(10);
  });

  it('a stopped server is not reachable', async () => {
    await prom.stop();
    const e = await rejection(client.queryRange('vigil_test_value', START, at(10), STEP));
    expect(e.errorType).toBe('network');
    expect(e.message).toBe(`Prometheus at ${prom.url} is not reachable (ECONNREFUSED)`);
  });
});
