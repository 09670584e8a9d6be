import { CoreApp, dateTime, type DataFrame, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { lastValueFrom, of, toArray } from 'rxjs';
import { defaultQuery } from '../query/defaults';
import type { VigilQuery } from '../query/types';
import { BROWSER_KEY, DataSource, formatPromValue } from './datasource';
import type { ResourceCall } from './execution/proxyFetch';

const fetchMock = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({
    replace: (text: string, vars: Record<string, { value: unknown }> = {}, format?: (v: unknown) => string) =>
      text.replace(/\$(\w+)/g, (_m, name: string) => {
        const v = vars[name]?.value;
        return v === undefined ? `$${name}` : format ? format(v) : String(v);
      }),
  }),
}));

const MIN = 60_000;
const FROM = Date.UTC(2024, 0, 3, 6);
const TO = Date.UTC(2024, 0, 3, 12);

function ds(jsonData: Record<string, unknown> = {}) {
  return new DataSource({
    id: 1,
    uid: 'vigil-uid',
    type: 'vigil-anomaly-datasource',
    name: 'Vigil',
    jsonData,
    meta: {} as never,
    readOnly: false,
    access: 'proxy',
  } as never);
}

/** A Prometheus behind the resource proxy: two seeded series with a step change at 10:00. */
function fakeProxy(calls: ResourceCall[]) {
  return async (call: ResourceCall) => {
    calls.push(call);
    const p = new URLSearchParams(call.body ?? call.query);
    if (p.get('query') === 'bad{') {
      return {
        status: 400,
        data: {
          status: 'error',
          errorType: 'bad_data',
          error: 'Prometheus rejected the query: parse error: unexpected end of input',
        },
      };
    }
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(p.get(k)) * 1000);
    const result = ['a', 'b'].map((instance, k) => {
      const values: Array<[number, string]> = [];
      for (let t = start; t <= end; t += step) {
        const wave = Math.round(((t / MIN) % 17) + k * 3);
        values.push([t / 1000, String(10 + wave + (t >= Date.UTC(2024, 0, 3, 10) && k === 0 ? 50 : 0))]);
      }
      return { metric: { __name__: 'load', instance }, values };
    });
    return { status: 200, data: { status: 'success', data: { resultType: 'matrix', result } } };
  };
}

function request(targets: VigilQuery[], app: string = CoreApp.Dashboard): DataQueryRequest<VigilQuery> {
  return {
    requestId: 'r1',
    interval: '1m',
    intervalMs: MIN,
    maxDataPoints: 500,
    range: { from: dateTime(FROM), to: dateTime(TO), raw: { from: 'now-6h', to: 'now' } },
    scopedVars: { instance: { text: 'a', value: ['a', 'b.c'] } },
    targets,
    timezone: 'utc',
    app,
    startTime: 0,
  } as DataQueryRequest<VigilQuery>;
}

const q = (refId: string, patch: Partial<VigilQuery> = {}): VigilQuery =>
  ({
    ...defaultQuery('anomaly', {}, refId),
    expr: 'load',
    model: 'zscore',
    options: { ...defaultQuery('anomaly').options, trainingWindow: '1d' },
    ...patch,
  }) as VigilQuery;

beforeEach(() => {
  // DataSourceWithBackend reaches the backend through the runtime's registered BackendSrv.
  jest.requireActual('@grafana/runtime').setBackendSrv({ fetch: fetchMock });
  fetchMock.mockReset();
  fetchMock.mockImplementation((req: { url: string; data?: { queries: Array<{ refId: string }> } }) =>
    of({ data: { results: {} }, status: 200, ok: true, url: req.url, config: req })
  );
});

async function packets(obs: ReturnType<DataSource['query']>): Promise<DataQueryResponse[]> {
  return lastValueFrom(obs.pipe(toArray()));
}

describe('DataSource', () => {
  it('filterQuery drops hidden and empty queries; old shapes are migrated first', () => {
    const d = ds();
    expect(d.filterQuery(q('A'))).toBe(true);
    expect(d.filterQuery(q('A', { expr: '  ' }))).toBe(false);
    expect(d.filterQuery(q('A', { hide: true }))).toBe(false);
    expect(d.filterQuery({ refId: 'A', expr: 'up' } as VigilQuery)).toBe(true);
  });

  it('applyTemplateVariables migrates and interpolates like Prometheus (multi-values as an escaped regex)', () => {
    const d = ds();
    const out = d.applyTemplateVariables(
      { refId: 'A', expr: 'up{instance=~"$instance"}', trainingWindowDays: 7 } as unknown as VigilQuery,
      { instance: { text: 'x', value: ['a', 'b.c'] } }
    );
    expect(out.expr).toBe('up{instance=~"(a|b\\\\.c)"}');
    expect(out.schemaVersion).toBe(1);
    expect(out.options.trainingWindow).toBe('7d');
    expect(formatPromValue('one')).toBe('one');
  });

  it('new queries take the data source defaults; in alerting, backend and score only', () => {
    const d = ds({ defaults: { model: 'seasonal', execution: 'browser' } });
    expect(d.getDefaultQuery(CoreApp.Dashboard)).toMatchObject({ model: 'seasonal', execution: 'browser' });
    expect(d.getDefaultQuery(CoreApp.UnifiedAlerting)).toMatchObject({ execution: 'backend', outputs: ['score'] });
  });

  it('runs browser queries in the browser through the proxy and the rest in the backend', async () => {
    const d = ds();
    const calls: ResourceCall[] = [];
    d.sendResource = fakeProxy(calls);
    const res = await packets(
      d.query(request([q('A', { execution: 'browser', legendFormat: '{{instance}}' }), q('B')]))
    );
    // The backend got only B.
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][0].data.queries.map((x: VigilQuery) => x.refId)).toEqual(['B']);
    // The browser fetched the scored range and the training window through prometheus/query_range.
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST prometheus/query_range',
      'POST prometheus/query_range',
    ]);
    const browser = res.find((p) => p.key === BROWSER_KEY)!;
    expect(browser.errors).toBeUndefined();
    const frames = browser.data as DataFrame[];
    // value, expected, lower, upper, score for two series.
    expect(frames).toHaveLength(10);
    expect(frames.map((f) => f.fields[1].name)).toEqual(
      ['value', 'expected', 'lower', 'upper', 'score'].flatMap((n) => [n, n])
    );
    const scoreA = frames.find((f) => f.fields[1].name === 'score' && f.fields[1].labels?.instance === 'a')!;
    expect(scoreA.fields[0].name).toBe('Time');
    expect(scoreA.fields[1].config.displayNameFromDS).toBe('a score');
    expect(scoreA.meta).toMatchObject({ type: 'timeseries-multi', typeVersion: [0, 1] });
    // The step change at 10:00 on series a scores far outside the band.
    const values = scoreA.fields[1].values as Array<number | null>;
    const times = scoreA.fields[0].values as number[];
    expect(values[times.indexOf(Date.UTC(2024, 0, 3, 10))]).toBeGreaterThan(2);
    expect(frames[0].meta?.custom).toMatchObject({ execution: 'browser', model: 'zscore' });
    expect(frames[0].meta?.notices?.map((n) => n.text)).toContain(
      'ran in the browser: trained a model now for 2 of 2 series (not saved)'
    );
  });

  it("a browser query's Prometheus error is reported on its refId, once", async () => {
    const d = ds();
    d.sendResource = fakeProxy([]);
    const res = await packets(d.query(request([q('A', { execution: 'browser', expr: 'bad{' })])));
    expect(res).toHaveLength(1);
    expect(res[0].errors).toEqual([
      { refId: 'A', message: 'Prometheus rejected the query: parse error: unexpected end of input' },
    ]);
  });

  it('in alerting every query runs in the backend', async () => {
    const d = ds();
    const calls: ResourceCall[] = [];
    d.sendResource = fakeProxy(calls);
    await packets(d.query(request([q('A', { execution: 'browser' })], CoreApp.UnifiedAlerting)));
    expect(calls).toHaveLength(0);
    expect(fetchMock.mock.calls[0][0].data.queries[0]).toMatchObject({ refId: 'A', execution: 'backend' });
  });

  it('variables: label_values(metric, label) through the proxy, with the dashboard range', async () => {
    const d = ds();
    fetchMock.mockImplementation((req: { url: string; params: Record<string, string> }) =>
      of({ data: { status: 'success', data: ['a', 'b'] }, status: 200, url: req.url, config: req })
    );
    const values = await d.metricFindQuery('label_values(load{job="$instance"}, instance)', {
      range: request([]).range,
      scopedVars: { instance: { text: 'x', value: 'node' } },
    });
    expect(values).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
    ]);
    const call = fetchMock.mock.calls[0][0];
    expect(call.url).toMatch(/\/resources\/prometheus\/label\/instance\/values$/);
    expect(call.params).toMatchObject({ 'match[]': 'load{job="node"}', start: String(FROM / 1000) });
  });

  it('annotations: the query asks for scores and anomalies; events come from the scores', async () => {
    const d = ds();
    const prepared = d.annotations!.prepareQuery!({
      name: 'Anomalies',
      enable: true,
      iconColor: 'red',
      target: q('Anno', { outputs: ['value'] }),
    });
    expect(prepared?.outputs).toEqual(['score', 'anomalies']);
    d.sendResource = fakeProxy([]);
    const res = await packets(d.query(request([{ ...prepared!, execution: 'browser' }])));
    const events = await lastValueFrom(
      d.annotations!.processEvents!({ name: 'x', enable: true, iconColor: 'red' }, res[0].data as DataFrame[])!
    );
    const onA = events!.filter((e) => e.title?.includes('instance="a"'));
    expect(onA.length).toBeGreaterThan(0);
    expect(onA[0]).toMatchObject({ time: Date.UTC(2024, 0, 3, 10), tags: expect.arrayContaining(['vigil', 'zscore']) });
    expect(onA[0].text).toMatch(/peak score \d+\.\d\d/);
  });
});
