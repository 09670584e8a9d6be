// Our .proto text against the SDK's generated Go types, through committed fixtures (see
// tests/conformance/wire_test.go): Go-encoded messages must decode field by field with our schema,
// and our encodings (written here with VIGIL_UPDATE_WIRE=1) are decoded and checked by the SDK.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  decodePlain,
  encodePlain,
  messageType,
  toCallResourceRequest,
  toCheckHealthRequest,
  toCollectMetricsRequest,
  toQueryDataRequest,
  toWireHeaders,
} from './codec';
import { DataFrameFormat, type PluginContext } from './messages';

const testdata = path.join(__dirname, '..', '..', '..', 'tests', 'conformance', 'testdata');
const goFixture = (name: string) => readFileSync(path.join(testdata, 'go', `${name}.binpb`));
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('utf8');

const expectFullPluginContext = (ctx: PluginContext) => {
  expect(ctx.orgId).toBe(42);
  expect(ctx.pluginId).toBe('vigil-anomaly-datasource');
  expect(ctx.user).toEqual({ login: 'ed', name: 'Ed Itor', email: 'ed@example.com', role: 'Editor' });
  const app = ctx.appInstanceSettings!;
  expect(text(app.jsonData)).toBe('{"app":true}');
  expect(app.decryptedSecureJsonData).toEqual({ appKey: 'k' });
  expect(app.lastUpdatedMS).toBe(1767225600000);
  expect(app.apiVersion).toBe('v0alpha1');
  const ds = ctx.dataSourceInstanceSettings!;
  expect(ds).toMatchObject({
    id: Number.MAX_SAFE_INTEGER,
    name: 'Vigil',
    url: 'http://prometheus:9090',
    user: 'dsuser',
    database: 'db',
    basicAuthEnabled: true,
    basicAuthUser: 'basic',
    decryptedSecureJsonData: { basicAuthPassword: 'pw' },
    lastUpdatedMS: 1767225600123,
    uid: 'vigil-uid',
    apiVersion: 'v1',
  });
  expect(text(ds.jsonData)).toBe('{"timeout":30}');
  expect(ctx.grafanaConfig).toEqual({ GF_APP_URL: 'http://grafana:3000/' });
  expect(ctx.pluginVersion).toBe('0.1.0');
  expect(ctx.userAgent).toBe('Grafana/12.3.0 (linux; amd64)');
  expect(ctx.apiVersion).toBe('v2');
  expect(ctx.namespace).toBe('stacks-1');
};

describe('messages encoded by the Go SDK decode with our schema', () => {
  it('QueryDataRequest', () => {
    const req = toQueryDataRequest(
      decodePlain(messageType('pluginv2.QueryDataRequest'), goFixture('query_data_request'))
    );
    expectFullPluginContext(req.pluginContext);
    expect(req.headers).toEqual({ FromAlert: 'true' });
    expect(req.format).toBe(DataFrameFormat.JSON);
    expect(req.queries).toHaveLength(2);
    const [a, b] = req.queries;
    expect(a).toMatchObject({
      refId: 'A',
      maxDataPoints: 43200,
      intervalMS: 1000,
      timeRange: { fromEpochMS: 1767225600000, toEpochMS: 1767229200000 },
      queryType: 'anomaly',
    });
    expect(text(a.json)).toBe('{"expr":"up"}');
    expect(b).toMatchObject({
      refId: 'B',
      maxDataPoints: 0,
      intervalMS: 0,
      timeRange: { fromEpochMS: 0, toEpochMS: 0 },
    });
    expect(b.json.length).toBe(0);
  });

  it('CheckHealthRequest, CallResourceRequest, CollectMetricsRequest', () => {
    const health = toCheckHealthRequest(
      decodePlain(messageType('pluginv2.CheckHealthRequest'), goFixture('check_health_request'))
    );
    expectFullPluginContext(health.pluginContext);
    expect(health.headers).toEqual({ 'X-Grafana-Org-Id': '42' });

    const res = toCallResourceRequest(
      decodePlain(messageType('pluginv2.CallResourceRequest'), goFixture('call_resource_request'))
    );
    expectFullPluginContext(res.pluginContext);
    expect(res).toMatchObject({
      path: 'models/abc',
      method: 'POST',
      url: '/api/datasources/uid/vigil-uid/resources/models/abc?x=1',
      headers: { Accept: ['application/json', 'text/plain'] },
    });
    expect(text(res.body)).toBe('{"train":true}');

    const metrics = toCollectMetricsRequest(
      decodePlain(messageType('pluginv2.CollectMetricsRequest'), goFixture('collect_metrics_request'))
    );
    expectFullPluginContext(metrics.pluginContext);
  });

  it('the SDK’s responses (pins our response field numbers too)', () => {
    const qd = decodePlain(messageType('pluginv2.QueryDataResponse'), goFixture('query_data_response')) as {
      responses: Record<string, Record<string, unknown>>;
    };
    expect((qd.responses.A.frames as Buffer[]).map(text)).toEqual(['frame1', 'frame2']);
    expect(text(qd.responses.A.jsonMeta as Buffer)).toBe('{"m":1}');
    expect(qd.responses.A.status).toBe(200);
    expect(qd.responses.B).toMatchObject({ error: 'bad query', status: 400, errorSource: 'downstream' });

    const ch = decodePlain(messageType('pluginv2.CheckHealthResponse'), goFixture('check_health_response'));
    expect(ch).toMatchObject({ status: 2, message: 'down' });
    expect(text(ch.jsonDetails as Buffer)).toBe('{"d":1}');

    const cr = decodePlain(messageType('pluginv2.CallResourceResponse'), goFixture('call_resource_response'));
    expect(cr.code).toBe(201);
    expect(cr.headers).toEqual({ 'Content-Type': { values: ['application/json'] } });
    expect(text(cr.body as Buffer)).toBe('{"ok":true}');

    const cm = decodePlain(messageType('pluginv2.CollectMetricsResponse'), goFixture('collect_metrics_response'));
    expect(text((cm.metrics as { prometheus: Buffer }).prometheus)).toBe('up 1\n');
  });
});

// The same values as nodeExpected() in tests/conformance/wire_test.go.
const nodeMessages: Record<string, [string, object]> = {
  query_data_response: [
    'pluginv2.QueryDataResponse',
    {
      responses: {
        A: {
          frames: [Buffer.from('ARROW1-a'), Buffer.from('ARROW1-b')],
          jsonMeta: Buffer.from('{"m":1}'),
          status: 200,
        },
        B: { error: 'parse error: unexpected end of input', status: 400, errorSource: 'downstream' },
      },
    },
  ],
  check_health_response: [
    'pluginv2.CheckHealthResponse',
    { status: 1, message: 'Prometheus 3.5.0 answers', jsonDetails: Buffer.from('{"version":"3.5.0"}') },
  ],
  call_resource_response: [
    'pluginv2.CallResourceResponse',
    {
      code: 404,
      headers: toWireHeaders({ 'Content-Type': 'application/json', 'X-Multi': ['a', 'b'] }),
      body: Buffer.from('{"message":"no resource at /x"}'),
    },
  ],
  collect_metrics_response: [
    'pluginv2.CollectMetricsResponse',
    { metrics: { prometheus: Buffer.from('# TYPE up gauge\nup 1\n') } },
  ],
};

describe('our encodings (decoded by the SDK in wire_test.go)', () => {
  it.each(Object.keys(nodeMessages))('%s matches the committed fixture', (name) => {
    const [typeName, value] = nodeMessages[name];
    const type = messageType(typeName);
    const bytes = encodePlain(type, value);
    const file = path.join(testdata, 'node', `${name}.binpb`);
    if (process.env.VIGIL_UPDATE_WIRE) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
    expect(existsSync(file)).toBe(true);
    expect(decodePlain(type, readFileSync(file))).toEqual(decodePlain(type, bytes));
  });
});
