import type { ModelStore } from '../../store';
import type { DataSourceInstanceSettings, PluginContext } from '../protocol/messages';
import { DEFAULT_QUERY_LIMITS, InstanceCache, prometheusOptions, queryLimits, SettingsError } from './settings';

function ds(over: Partial<DataSourceInstanceSettings> = {}, jsonData: object = {}): DataSourceInstanceSettings {
  return {
    id: 3,
    uid: 'u1',
    name: 'Vigil',
    url: '',
    user: '',
    database: '',
    basicAuthEnabled: false,
    basicAuthUser: '',
    jsonData: Buffer.from(JSON.stringify({ prometheusUrl: 'http://prom:9090', ...jsonData })),
    decryptedSecureJsonData: {},
    lastUpdatedMS: 1,
    apiVersion: '',
    ...over,
  };
}

describe('prometheusOptions', () => {
  it('takes the URL from jsonData, else the instance URL, and the timeout in seconds', () => {
    expect(prometheusOptions(ds({}, { timeout: 5 }))).toMatchObject({ url: 'http://prom:9090', timeoutMs: 5000 });
    expect(prometheusOptions(ds({ url: 'http://other:9090' }, { prometheusUrl: '' })).url).toBe('http://other:9090');
    expect(prometheusOptions(ds()).timeoutMs).toBe(30_000);
    expect(prometheusOptions(ds()).compression).toBe('none');
    expect(prometheusOptions(ds({}, { compressResponses: true })).compression).toBe('gzip');
  });

  it('basic auth from basicAuthUser and the secure password; else the bearer token', () => {
    const basic = prometheusOptions(
      ds({
        basicAuthEnabled: true,
        basicAuthUser: 'bob',
        decryptedSecureJsonData: { basicAuthPassword: 'pw', bearerToken: 't' },
      })
    );
    expect(basic.headers.Authorization).toBe('Basic ' + Buffer.from('bob:pw').toString('base64'));
    const bearer = prometheusOptions(ds({ decryptedSecureJsonData: { bearerToken: 't0k' } }));
    expect(bearer.headers.Authorization).toBe('Bearer t0k');
  });

  it('custom headers: names in jsonData, values in secureJsonData', () => {
    const o = prometheusOptions(
      ds(
        { decryptedSecureJsonData: { httpHeaderValue1: 'tenant-1', httpHeaderValue2: 'x' } },
        { httpHeaderName1: 'X-Scope-OrgID', httpHeaderName2: ' ' }
      )
    );
    expect(o.headers).toEqual({ 'X-Scope-OrgID': 'tenant-1' });
  });

  it('TLS options from jsonData switches and secure PEMs', () => {
    const o = prometheusOptions(
      ds(
        { decryptedSecureJsonData: { tlsCACert: 'CA', tlsClientCert: 'C', tlsClientKey: 'K' } },
        { tlsAuthWithCACert: true, tlsAuth: true, tlsSkipVerify: true, serverName: 'prom.local' }
      )
    );
    expect(o.tls).toEqual({ ca: 'CA', cert: 'C', key: 'K', rejectUnauthorized: false, servername: 'prom.local' });
    expect(prometheusOptions(ds()).tls).toBeUndefined();
  });

  it('refuses settings that cannot work, saying what to fix', () => {
    expect(() => prometheusOptions(ds({}, { prometheusUrl: '' }))).toThrow(/no Prometheus URL/);
    expect(() => prometheusOptions(ds({}, { timeout: -1 }))).toThrow(/invalid timeout/);
    expect(() => prometheusOptions(ds({ basicAuthEnabled: true }))).toThrow(/has no user/);
    expect(() => prometheusOptions(ds({}, { tlsAuthWithCACert: true }))).toThrow(SettingsError);
    expect(() => prometheusOptions(ds({ jsonData: Buffer.from('{nope') }))).toThrow(/not JSON/);
  });
});

describe('InstanceCache', () => {
  const ctx = (d: DataSourceInstanceSettings) => ({ dataSourceInstanceSettings: d }) as PluginContext;
  const fakeStore = {} as ModelStore;

  it('reuses an instance until lastUpdatedMS changes; opens each store path once', () => {
    const opened: string[] = [];
    const cache = new InstanceCache({
      env: { GF_PATHS_DATA: '/var/lib/grafana' },
      openStore: (p) => {
        opened.push(p);
        return fakeStore;
      },
    });
    const a = cache.get(ctx(ds()));
    expect(cache.get(ctx(ds()))).toBe(a);
    const b = cache.get(ctx(ds({ lastUpdatedMS: 2 })));
    expect(b).not.toBe(a);
    expect(a.storePath).toBe('/var/lib/grafana/vigil/models.db');
    a.store();
    b.store();
    expect(opened).toEqual(['/var/lib/grafana/vigil/models.db']);
  });

  it('a request without data source settings is a SettingsError', () => {
    expect(() => new InstanceCache().get({} as PluginContext)).toThrow(/no data source settings/);
  });

  it('a store that cannot open is a SettingsError naming the path (only when used)', () => {
    const cache = new InstanceCache({
      openStore: () => {
        throw new Error('disk on fire');
      },
    });
    const inst = cache.get(ctx(ds({}, { modelStorePath: '/x/m.db' })));
    expect(() => inst.store()).toThrow('the model store at /x/m.db cannot be opened: disk on fire');
  });
});

describe('InstanceCache with modelStore postgres', () => {
  const ctx = (d: DataSourceInstanceSettings) => ({ dataSourceInstanceSettings: d }) as PluginContext;
  const pgDs = (uid: string, jsonData: object, secure: Record<string, string> = {}) =>
    ds({ uid, decryptedSecureJsonData: secure }, { modelStore: 'postgres', ...jsonData });

  it('opens one store per URL and password, with the secure password, and shows the URL without it', () => {
    const opened: Array<[string, string | undefined]> = [];
    const cache = new InstanceCache({
      openStore: () => {
        throw new Error('SQLite must not be opened');
      },
      openPostgresStore: (url, password) => {
        opened.push([url, password]);
        return {} as ModelStore;
      },
    });
    const url = 'postgres://vigil@db:5432/models?sslmode=require';
    const a = cache.get(ctx(pgDs('a', { postgresUrl: url }, { postgresPassword: 's3cret' })));
    const b = cache.get(ctx(pgDs('b', { postgresUrl: url }, { postgresPassword: 's3cret' })));
    const c = cache.get(ctx(pgDs('c', { postgresUrl: url }, { postgresPassword: 'other' })));
    expect([a.storeKind, a.storePath]).toEqual(['postgres', 'postgres://vigil@db:5432/models']);
    expect(a.store()).toBe(b.store());
    c.store();
    expect(opened).toEqual([
      [url, 's3cret'],
      [url, 'other'],
    ]);
  });

  it('refuses a password in the URL, a missing URL and an unknown store, as SettingsErrors', () => {
    const cache = new InstanceCache();
    expect(() => cache.get(ctx(pgDs('a', { postgresUrl: 'postgres://vigil:pw@db/models' })))).toThrow(
      /contains a password: remove it from the URL and enter it in the PostgreSQL password field/
    );
    expect(() => cache.get(ctx(pgDs('b', {})))).toThrow(/no PostgreSQL URL/);
    expect(() => cache.get(ctx(ds({ uid: 'c' }, { modelStore: 'mongo' })))).toThrow(
      /unknown model store "mongo": choose sqlite or postgres/
    );
  });
});

describe('queryLimits', () => {
  it('defaults, whole numbers from jsonData (numbers or numeric strings from the form)', () => {
    expect(queryLimits({})).toEqual(DEFAULT_QUERY_LIMITS);
    expect(queryLimits({ maxSeriesPerQuery: 5, maxPointsPerQuery: '900' as unknown as number })).toEqual({
      maxSeries: 5,
      maxTotalPoints: 900,
    });
  });

  it.each([0, -1, 1.5, 'lots', true, 1e300])('refuses %p with a SettingsError naming the setting', (bad) => {
    expect(() => queryLimits({ maxPointsPerQuery: bad as number })).toThrow(SettingsError);
    expect(() => queryLimits({ maxSeriesPerQuery: bad as number })).toThrow(/invalid maxSeriesPerQuery/);
  });
});
