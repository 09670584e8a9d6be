import * as path from 'node:path';

import type { CallResourceResponse, PluginContext } from '../../src/backend/protocol/messages';
import { seriesKey, SqliteModelStore } from '../../src/store';
import { trainTestModel } from '../../src/store/testing';
import { FIXTURE_START } from '../prometheus/fixture';
import { freePort } from '../prometheus/server';
import { useLiveBackend } from './liveBackend';
import { testPluginContext } from './pluginContext';

// The CallResource routes (/prometheus/*, /models) through the real handlers, against a real
// Prometheus (Debian package, promtool-backfilled fixture) and a real SQLite model store.

jest.setTimeout(120_000);

let dbPath: string;
let updated = 1;

const keyA = seriesKey({
  datasourceUid: 'ds-res',
  expr: 'vigil_load',
  kind: 'zscore',
  options: {},
  labels: { instance: 'a', job: 'vigil' },
});
const keyB = seriesKey({
  datasourceUid: 'ds-res',
  expr: 'vigil_load',
  kind: 'zscore',
  options: {},
  labels: { instance: 'b', job: 'vigil' },
});
const keyOther = seriesKey({
  datasourceUid: 'other-ds',
  expr: 'vigil_load',
  kind: 'zscore',
  options: {},
  labels: { instance: 'a' },
});

const live = useLiveBackend('resources', async (dir) => {
  dbPath = path.join(dir, 'models.db');
  const seed = SqliteModelStore.open(dbPath);
  for (let s = 1; s <= 3; s++) {
    await seed.saveVersion(keyA, trainTestModel('zscore', s), { createdAtMs: 1000 * s });
  }
  await seed.saveVersion(keyB, trainTestModel('zscore', 7));
  await seed.saveVersion(keyOther, trainTestModel('zscore', 8));
  await seed.close();
});

function pluginContext(
  role: string | undefined = 'Viewer',
  jsonData: Record<string, unknown> = {},
  uid = 'ds-res'
): PluginContext {
  return testPluginContext({
    uid,
    role,
    jsonData: { prometheusUrl: live.prom.url, modelStorePath: dbPath, ...jsonData },
    lastUpdatedMS: jsonData.prometheusUrl ? updated++ : 1,
  });
}

interface Answer {
  code: number;
  headers: Record<string, string | string[]>;
  json: Record<string, unknown>;
  messages: number;
}

async function call(
  method: string,
  url: string,
  options: { body?: string; role?: string; pc?: PluginContext } = {}
): Promise<Answer> {
  const messages: CallResourceResponse[] = [];
  const pathOnly = url.split('?')[0];
  await live.handlers.callResource(
    {
      pluginContext: options.pc ?? pluginContext(options.role),
      path: pathOnly,
      method,
      url: '/' + url,
      headers: {},
      body: Buffer.from(options.body ?? '', 'utf8'),
    },
    {
      send: async (m) => void messages.push(m),
      get started() {
        return messages.length > 0;
      },
    },
    live.ctx
  );
  expect(messages.length).toBeGreaterThanOrEqual(1);
  const first = messages[0];
  expect(first.headers?.['Content-Type']).toBe('application/json');
  return {
    code: first.code ?? 0,
    headers: first.headers ?? {},
    json: JSON.parse(Buffer.from(first.body ?? '').toString('utf8')),
    messages: messages.length,
  };
}

const enc = encodeURIComponent;
const start = FIXTURE_START / 1000;
const end = start + 3 * 86400;

describe('/prometheus/* proxy', () => {
  it('labels: names of the matching series, in Prometheus shape', async () => {
    const r = await call(
      'GET',
      `prometheus/labels?match[]=${enc('vigil_load{instance="a"}')}&start=${start}&end=${end}`
    );
    expect(r.code).toBe(200);
    expect(r.json.status).toBe('success');
    expect(r.json.data).toEqual(['__name__', 'instance', 'job']);
  });

  it('labels with limit truncates', async () => {
    const r = await call('GET', `prometheus/labels?start=${start}&end=${end}&limit=2`);
    expect(r.code).toBe(200);
    expect(r.json.data).toHaveLength(2);
  });

  it('label values, with match[] and RFC 3339 times', async () => {
    const r = await call(
      'GET',
      `prometheus/label/instance/values?match[]=vigil_load&start=2024-01-01T00:00:00Z&end=2024-01-04T00:00:00Z`
    );
    expect(r.code).toBe(200);
    expect(r.json.data).toEqual(['a', 'b']);
    const names = await call('GET', `prometheus/label/__name__/values?start=${start}&end=${end}`);
    expect(names.json.data).toContain('vigil_load');
    const none = await call('GET', `prometheus/label/instance/values?match[]=${enc('vigil_load{job="nope"}')}`);
    expect(none.code).toBe(200);
    expect(none.json.data).toEqual([]);
  });

  it('series: label sets of the matching series; match[] required', async () => {
    const r = await call('GET', `prometheus/series?match[]=vigil_load&start=${start}&end=${end}`);
    expect(r.code).toBe(200);
    expect(r.json.data).toEqual(
      expect.arrayContaining([
        { __name__: 'vigil_load', instance: 'a', job: 'vigil' },
        { __name__: 'vigil_load', instance: 'b', job: 'vigil' },
      ])
    );
    expect(await call('GET', `prometheus/series?match[]=vigil_load&start=${start}&end=${end}&limit=1`)).toMatchObject({
      code: 200,
      json: { data: [expect.any(Object)] },
    });
    const missing = await call('GET', 'prometheus/series');
    expect(missing.code).toBe(400);
    expect(missing.json.error).toMatch(/match\[\]/);
  });

  it('metadata: an object per metric name (backfilled series have none)', async () => {
    const r = await call('GET', 'prometheus/metadata?limit=10');
    expect(r.code).toBe(200);
    expect(r.json.status).toBe('success');
    expect(typeof r.json.data).toBe('object');
    expect(Array.isArray(r.json.data)).toBe(false);
  });

  it("a bad selector: 400 with Prometheus' own message", async () => {
    const r = await call('GET', `prometheus/series?match[]=${enc('vigil_load{')}`);
    expect(r.code).toBe(400);
    expect(r.json).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect(String(r.json.error)).toMatch(/parse error|unexpected/i);
  });

  it('bad parameters: 400 naming the parameter', async () => {
    expect((await call('GET', 'prometheus/labels?start=yesterday')).json.error).toMatch(/invalid start "yesterday"/);
    expect((await call('GET', 'prometheus/labels?start=100&end=50')).code).toBe(400);
    const limit = await call('GET', 'prometheus/labels?limit=-1');
    expect(limit.code).toBe(400);
    expect(limit.json.error).toMatch(/invalid limit/);
    expect((await call('GET', 'prometheus/metadata?limit=abc')).code).toBe(400);
    expect((await call('GET', 'prometheus/label/%E0%A4%A/values')).code).toBe(400);
  });

  it('wrong method: 405 with Allow; unknown sub-path: 404', async () => {
    const r = await call('POST', 'prometheus/labels');
    expect(r.code).toBe(405);
    expect(r.headers.Allow).toBe('GET');
    const u = await call('GET', 'prometheus/query');
    expect(u.code).toBe(404);
    expect(u.json.error).toMatch(/no resource at \/prometheus\/query:.*query_range/);
    const d = await call('DELETE', 'prometheus/query_range');
    expect(d.code).toBe(405);
    expect(d.headers.Allow).toBe('GET, POST');
  });

  it('query_range: the same series, sample for sample, as asking Prometheus directly (GET, form and JSON POST)', async () => {
    const params = { query: 'vigil_load', start: String(start), end: String(start + 6 * 3600), step: '300' };
    const direct = (await (
      await fetch(`${live.prom.url}/api/v1/query_range?${new URLSearchParams(params)}`)
    ).json()) as {
      data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
    };
    const byName = (r: Array<{ metric: Record<string, string>; values: unknown[] }>) =>
      Object.fromEntries(r.map((x) => [JSON.stringify(x.metric), x.values]));
    const want = byName(direct.data.result);
    expect(Object.keys(want)).toHaveLength(2);
    const answers = [
      await call('GET', `prometheus/query_range?${new URLSearchParams(params)}`),
      await call('POST', 'prometheus/query_range', { body: new URLSearchParams(params).toString() }),
      await call('POST', 'prometheus/query_range', { body: JSON.stringify({ ...params, step: '5m' }) }),
    ];
    for (const r of answers) {
      expect(r.code).toBe(200);
      expect(r.json.status).toBe('success');
      const data = r.json.data as {
        resultType: string;
        result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
      };
      expect(data.resultType).toBe('matrix');
      const got = byName(data.result);
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const k of Object.keys(want)) {
        // Values as numbers: Prometheus and JS may spell the same double differently.
        expect((got[k] as Array<[number, string]>).map(([t, v]) => [t, Number(v)])).toEqual(
          (want[k] as Array<[number, string]>).map(([t, v]) => [t, Number(v)])
        );
      }
    }
  });

  it("query_range: missing parameters are a 400 naming them; bad PromQL is Prometheus' own 400", async () => {
    expect((await call('GET', 'prometheus/query_range')).json.error).toMatch(/needs a PromQL query/);
    expect((await call('GET', 'prometheus/query_range?query=up')).json.error).toMatch(/needs start and end/);
    const step = await call('GET', `prometheus/query_range?query=up&start=${start}&end=${end}&step=often`);
    expect(step.code).toBe(400);
    expect(step.json.error).toMatch(/invalid step "often"/);
    const bad = await call('GET', `prometheus/query_range?query=${enc('rate(x[')}&start=${start}&end=${end}&step=60`);
    expect(bad.code).toBe(400);
    expect(bad.json).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('Prometheus down: 502 with a clear message, no crash', async () => {
    const port = await freePort();
    const pc = pluginContext('Viewer', { prometheusUrl: `http://127.0.0.1:${port}` }, 'ds-down');
    const r = await call('GET', 'prometheus/labels', { pc });
    expect(r.code).toBe(502);
    expect(r.json).toMatchObject({ status: 'error', errorType: 'network' });
    expect(r.json.error).toMatch(/not reachable/);
  });

  it('no data source settings: 400', async () => {
    const pc = { ...pluginContext(), dataSourceInstanceSettings: undefined };
    const r = await call('GET', 'prometheus/labels', { pc });
    expect(r.code).toBe(400);
    expect(r.json.error).toMatch(/no data source settings/);
  });
});

describe('/models', () => {
  it("lists this data source's models only, with paging", async () => {
    const r = await call('GET', 'models');
    expect(r.code).toBe(200);
    expect(r.json.total).toBe(2);
    const items = r.json.items as Array<{ key: string; versionCount: number; activeVersion: number }>;
    expect(items.map((i) => i.key).sort()).toEqual([keyA, keyB].sort());
    expect(items.find((i) => i.key === keyA)).toMatchObject({ versionCount: 3, activeVersion: 3 });

    const page = await call('GET', 'models?limit=1&offset=1');
    expect(page.json).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.json.items).toHaveLength(1);

    const prefixed = await call('GET', `models?prefix=${enc(keyA)}`);
    expect(prefixed.json.total).toBe(1);

    const outside = await call('GET', `models?prefix=${enc('other-ds/')}`);
    expect(outside.code).toBe(400);
    expect(outside.json.error).toMatch(/outside this data source/);
    expect((await call('GET', 'models?limit=0')).code).toBe(400);
    expect((await call('GET', 'models?offset=x')).code).toBe(400);
    expect((await call('POST', 'models', { role: 'Admin' })).code).toBe(405);
  });

  it('inspects a key: history newest first, active version, metadata', async () => {
    const r = await call('GET', `models/${enc(keyA)}`);
    expect(r.code).toBe(200);
    expect(r.json).toMatchObject({ key: keyA, activeVersion: 3, latestVersion: 3, pinnedVersion: null });
    const history = r.json.history as Array<{ version: number; kind: string; libraryVersion: string }>;
    expect(history.map((h) => h.version)).toEqual([3, 2, 1]);
    expect(history[0].kind).toBe('zscore');
    expect(typeof history[0].libraryVersion).toBe('string');
    expect((r.json.active as { version: number }).version).toBe(3);
    // A Grafana that already decoded the path passes the key plain.
    expect((await call('GET', `models/${keyA}`)).json.key).toBe(keyA);
  });

  it('unknown keys and keys of another data source: 404', async () => {
    expect((await call('GET', `models/${enc('ds-res/nope/zscore/x/{}')}`)).code).toBe(404);
    const other = await call('GET', `models/${enc(keyOther)}`);
    expect(other.code).toBe(404);
    expect(other.json.error).toMatch(/no stored model/);
    expect((await call('DELETE', `models/${enc(keyOther)}`, { role: 'Admin' })).code).toBe(404);
  });

  it('mutations need Editor or Admin: 403 for Viewer, no role or no user', async () => {
    for (const role of ['Viewer', 'None', '']) {
      const r = await call('POST', `models/${enc(keyA)}/pin`, { role, body: '{"version":1}' });
      expect(r.code).toBe(403);
      expect(r.json.error).toMatch(/Editor or Admin/);
    }
    const noUser = pluginContext(undefined);
    expect((await call('POST', `models/${enc(keyA)}/rollback`, { pc: noUser })).code).toBe(403);
    expect((await call('DELETE', `models/${enc(keyA)}`, { role: 'Viewer' })).code).toBe(403);
    // Nothing changed.
    expect((await call('GET', `models/${enc(keyA)}`)).json).toMatchObject({ activeVersion: 3, pinnedVersion: null });
  });

  it('pin, rollback, unpin as Editor', async () => {
    const pin = await call('POST', `models/${enc(keyA)}/pin`, { role: 'Editor', body: '{"version": 2}' });
    expect(pin.code).toBe(200);
    expect(pin.json).toMatchObject({ pinned: 2, activeVersion: 2, pinnedVersion: 2, latestVersion: 3 });

    const back = await call('POST', `models/${enc(keyA)}/rollback`, { role: 'Editor' });
    expect(back.code).toBe(200);
    expect(back.json).toMatchObject({ rolledBackTo: 1, activeVersion: 1 });

    const none = await call('POST', `models/${enc(keyA)}/rollback`, { role: 'Editor' });
    expect(none.code).toBe(409);
    expect(none.json.error).toMatch(/no version before version 1/);

    const unpin = await call('POST', `models/${enc(keyA)}/unpin`, { role: 'Admin', body: '{}' });
    expect(unpin.code).toBe(200);
    expect(unpin.json).toMatchObject({ unpinned: true, activeVersion: 3, pinnedVersion: null });
  });

  it('pin: bad bodies and versions are 400/404, wrong methods 405', async () => {
    const u = `models/${enc(keyA)}/pin`;
    const editor = { role: 'Editor' };
    expect((await call('POST', u, { ...editor, body: '{"version":' })).json.error).toMatch(/not JSON/);
    expect((await call('POST', u, { ...editor, body: '{"version":' })).code).toBe(400);
    expect((await call('POST', u, { ...editor, body: '' })).code).toBe(400);
    expect((await call('POST', u, { ...editor, body: '[1]' })).code).toBe(400);
    expect((await call('POST', u, { ...editor, body: '{"version":"2"}' })).code).toBe(400);
    expect((await call('POST', u, { ...editor, body: '{"version":1.5}' })).code).toBe(400);
    const missing = await call('POST', u, { ...editor, body: '{"version":99}' });
    expect(missing.code).toBe(404);
    expect(missing.json.error).toMatch(/no version 99/);
    const get = await call('GET', u);
    expect(get.code).toBe(405);
    expect(get.headers.Allow).toBe('POST');
    expect((await call('POST', `models/${enc(keyA)}/unpin`, { ...editor, body: 'nope' })).code).toBe(400);
    expect((await call('PUT', `models/${enc(keyA)}`, editor)).code).toBe(405);
  });

  it('delete as Admin removes every version', async () => {
    const r = await call('DELETE', `models/${enc(keyB)}`, { role: 'Admin' });
    expect(r.code).toBe(200);
    expect(r.json).toMatchObject({ key: keyB, deleted: true, versionsRemoved: 1 });
    expect((await call('GET', `models/${enc(keyB)}`)).code).toBe(404);
    expect((await call('GET', 'models')).json.total).toBe(1);
  });
});

describe('other paths', () => {
  it('train of a key stored without its query: 409; backtest without a body: 400 (tests/backend/training.test.ts has the rest)', async () => {
    const train = await call('POST', `models/${enc(keyA)}/train`, { role: 'Editor' });
    expect(train.code).toBe(409);
    expect(train.json.error).toMatch(/stored without its query/);
    const bt = await call('POST', 'backtest', { role: 'Viewer' });
    expect(bt.code).toBe(400);
    expect(bt.json.error).toMatch(/needs a JSON body/);
  });

  it('odd paths, methods and bodies: one JSON answer each, never a crash', async () => {
    const paths = [
      '',
      '/',
      'models/',
      'models//',
      'models/%',
      'models/%E0%A4%A',
      `models/${enc(keyA)}/pin/pin`,
      'models/a/b/c/rollback',
      'prometheus',
      'prometheus/',
      'prometheus/label//values',
      'prometheus/label/%ZZ/values',
      'prometheus/labels?match[]=&start=&end=',
      'prometheus/series?match[]=%00',
      'prometheus/metadata?metric=%00&limit=99999999999999999999',
      'ping/../models',
    ];
    const bodies = ['', 'null', '"x"', '{"version":null}', '\u0000', '{'.repeat(1000), '{"version":1e308}'];
    for (const p of paths) {
      for (const method of ['GET', 'POST', 'DELETE', 'PATCH']) {
        for (const body of bodies) {
          const r = await call(method, p, { role: 'Admin', body });
          expect(r.code).toBeGreaterThanOrEqual(200);
          expect(r.code).toBeLessThan(600);
          if (r.code >= 400) {
            expect(typeof r.json.error === 'string' || typeof r.json.message === 'string').toBe(true);
          }
        }
      }
    }
  });

  it('unknown path: 404 JSON; /ping still answers', async () => {
    const r = await call('GET', 'nothing/here');
    expect(r.code).toBe(404);
    // Grafana's frontend shows `message`; Prometheus' shape has `error`.
    expect(r.json).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/no resource/),
      message: r.json.error,
    });
    expect((await call('GET', 'ping')).json.message).toBe('pong');
  });
});
