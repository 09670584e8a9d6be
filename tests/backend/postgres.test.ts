import { tableFromIPC } from 'apache-arrow';

import { createHandlers, type Handlers } from '../../src/backend/handlers';
import type { CallContext } from '../../src/backend/handlers/types';
import { createLogger } from '../../src/backend/log';
import { MetricsRegistry } from '../../src/backend/metrics';
import { HealthStatus, type DataQuery, type PluginContext } from '../../src/backend/protocol/messages';
import { PostgresModelStore } from '../../src/store';
import { fixtureFamilies, QUERY_FROM, QUERY_TO, SPIKE_AT } from '../prometheus/fixture';
import { startPrometheus, type RunningPrometheus } from '../prometheus/server';
import { startPostgres, type RunningPostgres } from '../store/postgresServer';
import { testPluginContext } from './pluginContext';

// The real QueryData and CheckHealth handlers with the model store on a real PostgreSQL (a
// throwaway cluster) and a real Prometheus: what an HA pair of Grafana instances does. The first
// instance trains and stores; the second, a separate set of handlers with nothing in memory,
// scores with the stored models without training.

jest.setTimeout(120_000);

let prom: RunningPrometheus;
let pg: RunningPostgres;
let url: string;
const opened: Handlers[] = [];
const ctx: CallContext = { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }) };
const UID = 'ds-pg';

beforeAll(async () => {
  [prom, pg] = await Promise.all([
    startPrometheus({ families: fixtureFamilies(), scrapeIntervalS: 0 }),
    startPostgres(),
  ]);
  url = await pg.createDatabase('vigil');
});

afterAll(async () => {
  await Promise.all(opened.map((h) => h.close()));
  await Promise.all([prom?.stop(), pg?.stop()]);
});

/** One Grafana instance's plugin process. */
function grafanaInstance(): Handlers {
  const h = createHandlers({
    registry: new MetricsRegistry(),
    version: 'test',
    retrain: false,
    dataNow: () => QUERY_TO,
  });
  opened.push(h);
  return h;
}

function pluginContext(jsonData: Record<string, unknown> = {}, password = pg.password): PluginContext {
  return testPluginContext({
    uid: UID,
    jsonData: { prometheusUrl: prom.url, modelStore: 'postgres', postgresUrl: url, ...jsonData },
    decryptedSecureJsonData: { postgresPassword: password },
  });
}

function dataQuery(refId: string): DataQuery {
  const model = {
    refId,
    expr: 'vigil_load',
    model: 'seasonal',
    outputs: ['score'],
    options: { trainingWindow: '2d', seasonality: 'daily' },
  };
  return {
    refId,
    maxDataPoints: 1000,
    intervalMS: 60_000,
    timeRange: { fromEpochMS: QUERY_FROM, toEpochMS: QUERY_TO },
    json: Buffer.from(JSON.stringify(model)),
    queryType: '',
  };
}

interface Scored {
  notices: string;
  scores: Map<string, number[]>;
}

async function query(h: Handlers, pc = pluginContext()): Promise<Scored> {
  const res = (await h.queryData({ pluginContext: pc, headers: {}, queries: [dataQuery('A')], format: 0 }, ctx))
    .responses.A;
  expect(res.error).toBeUndefined();
  expect(res.status).toBe(200);
  const notices: string[] = [];
  const scores = new Map<string, number[]>();
  for (const bytes of res.frames ?? []) {
    const table = tableFromIPC(bytes);
    const meta = JSON.parse(table.schema.metadata.get('meta') ?? '{}') as { notices?: Array<{ text: string }> };
    notices.push(...(meta.notices ?? []).map((n) => n.text));
    const field = table.schema.fields[1];
    const labels = JSON.parse(field.metadata.get('labels') ?? '{}') as Record<string, string>;
    const col = table.getChildAt(1)!;
    scores.set(
      labels.instance,
      Array.from({ length: col.length }, (_, k) => Number(col.get(k)))
    );
    expect(Number(table.getChildAt(0)!.get(0))).toBe(QUERY_FROM);
  }
  return { notices: notices.join('\n'), scores };
}

describe('QueryData with the model store on PostgreSQL', () => {
  it('trains and stores in PostgreSQL; the same and a second Grafana instance score warm from it', async () => {
    const first = grafanaInstance();
    const trained = await query(first);
    expect(trained.notices).toMatch(/trained a model now for 2 of 2 series/);
    const b = trained.scores.get('b')!;
    expect(b[(SPIKE_AT - QUERY_FROM) / 60_000]).toBeGreaterThan(1);

    // The versions are in PostgreSQL, not in a file of this instance.
    const store = await PostgresModelStore.open(url, { password: pg.password });
    try {
      const page = await store.list({ prefix: `${UID}/` });
      expect(page.total).toBe(2);
      expect(page.items.map((i) => i.latestVersion)).toEqual([1, 1]);
    } finally {
      await store.close();
    }

    const warm = await query(first);
    expect(warm.notices).not.toMatch(/trained/);
    expect(warm.scores.get('b')).toEqual(b);

    const second = await query(grafanaInstance());
    expect(second.notices).not.toMatch(/trained/);
    expect(second.scores.get('a')).toEqual(trained.scores.get('a'));
    expect(second.scores.get('b')).toEqual(b);
  });
});

describe('CheckHealth with the model store on PostgreSQL', () => {
  const health = (h: Handlers, pc: PluginContext) => h.checkHealth({ pluginContext: pc, headers: {} }, ctx);

  it('OK with the store writable, named by its URL without password', async () => {
    const res = await health(grafanaInstance(), pluginContext());
    expect(res.status).toBe(HealthStatus.OK);
    expect(res.message).toContain(`model store postgres://vigil@127.0.0.1:${pg.port}/vigil is writable`);
    const details = JSON.parse(Buffer.from(res.jsonDetails!).toString());
    expect(details.store).toMatchObject({ ok: true, path: `postgres://vigil@127.0.0.1:${pg.port}/vigil` });
    expect(JSON.stringify(res)).not.toContain(pg.password);
  });

  it('ERROR with a wrong password, saying where to fix it and never echoing it', async () => {
    const res = await health(grafanaInstance(), pluginContext({}, 'not-the-password-42'));
    expect(res.status).toBe(HealthStatus.ERROR);
    expect(res.message).toMatch(/password authentication failed for user vigil: fix the PostgreSQL password/);
    expect(JSON.stringify(res)).not.toContain('not-the-password-42');
  });

  it('ERROR for a URL with a password in it', async () => {
    const res = await health(
      grafanaInstance(),
      pluginContext({ postgresUrl: `postgres://vigil:${pg.password}@127.0.0.1:${pg.port}/vigil` })
    );
    expect(res.status).toBe(HealthStatus.ERROR);
    expect(res.message).toMatch(/contains a password: remove it from the URL/);
    expect(res.message).not.toContain(pg.password);
  });
});
