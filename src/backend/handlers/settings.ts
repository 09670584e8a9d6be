// The data source instance a request is for: its settings (jsonData + decrypted secrets) turned
// into a PrometheusClient and an opened model store, cached per data source uid and rebuilt when
// Grafana reports newer settings (lastUpdatedMS). Secrets are only read from
// decryptedSecureJsonData and never logged or put in messages.

import { PrometheusClient, type QueryLimits } from '../../prometheus/client';
import { customHeaders } from '../../query/settings';
import type { QueryDefaults, VigilJsonData, VigilSecureJsonData } from '../../query/types';
import {
  ModelCache,
  parsePostgresUrl,
  PostgresModelStore,
  resolveStorePath,
  SqliteModelStore,
  urlHasPassword,
  type ModelStore,
} from '../../store';
import type { DataSourceInstanceSettings, PluginContext } from '../protocol/messages';
import { tlsFetch, type TlsOptions } from './tlsFetch';

/** A settings problem the user fixes in the data source configuration page. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export interface Instance {
  uid: string;
  name: string;
  jsonData: VigilJsonData;
  defaults?: QueryDefaults;
  prometheus: PrometheusClient;
  /** The model store, opened on first use; throws SettingsError when it cannot be opened. */
  store(): ModelStore;
  storeKind: 'sqlite' | 'postgres';
  /** Resolved file of the model store (or ':memory:'), or its PostgreSQL URL without password. */
  storePath: string;
}

export interface InstanceOptions {
  /** Environment used to resolve the store path (GF_PATHS_DATA). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Opens a model store; default SqliteModelStore.open with `modelCache`. Stores are shared by path. */
  openStore?: (path: string) => ModelStore;
  /**
   * Opens a PostgreSQL model store; default PostgresModelStore.create with `modelCache`, which
   * connects on first use. Stores are shared by URL and password.
   */
  openPostgresStore?: (url: string, password: string | undefined) => ModelStore;
  /** Loaded models kept in memory for every store this cache opens. Default: store/modelCache's bounds. */
  modelCache?: ModelCache;
}

const DEFAULT_TIMEOUT_S = 30;

/**
 * What one range query may bring into memory. A sample costs 16 bytes as time + value (plus the
 * JSON it arrives in): 25 M samples is ~400 MB, e.g. 600 series over a 28-day training window at a
 * 1-minute step. Prometheus' own limits (query.max-samples, 50 M by default) sit above it.
 */
export const DEFAULT_QUERY_LIMITS: Pick<QueryLimits, 'maxSeries' | 'maxTotalPoints'> = {
  maxSeries: 10_000,
  maxTotalPoints: 25_000_000,
};

/** maxSeriesPerQuery / maxPointsPerQuery from jsonData over the defaults; throws SettingsError. */
export function queryLimits(jsonData: VigilJsonData): Pick<QueryLimits, 'maxSeries' | 'maxTotalPoints'> {
  const pick = (name: 'maxSeriesPerQuery' | 'maxPointsPerQuery', fallback: number): number => {
    const raw: unknown = jsonData[name];
    if (raw === undefined || raw === null || raw === '') {
      return fallback;
    }
    const n = typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : NaN;
    if (!(Number.isSafeInteger(n) && n >= 1)) {
      throw new SettingsError(`invalid ${name} ${JSON.stringify(raw)}: a whole number of at least 1`);
    }
    return n;
  };
  return {
    maxSeries: pick('maxSeriesPerQuery', DEFAULT_QUERY_LIMITS.maxSeries),
    maxTotalPoints: pick('maxPointsPerQuery', DEFAULT_QUERY_LIMITS.maxTotalPoints),
  };
}

/** Parses the settings into client options; throws SettingsError with what to fix. */
export function prometheusOptions(ds: DataSourceInstanceSettings): {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'none' | 'gzip';
  tls?: TlsOptions;
} {
  const jsonData = parseJsonData(ds.jsonData);
  const secure = (ds.decryptedSecureJsonData ?? {}) as VigilSecureJsonData;
  const url = (typeof jsonData.prometheusUrl === 'string' && jsonData.prometheusUrl.trim()) || ds.url.trim();
  if (url === '') {
    throw new SettingsError('no Prometheus URL: set it in the data source settings (e.g. http://prometheus:9090)');
  }
  const headers: Record<string, string> = {};
  if (ds.basicAuthEnabled) {
    if (ds.basicAuthUser === '') {
      throw new SettingsError('basic auth is enabled but has no user: set the user in the data source settings');
    }
    const password = secure.basicAuthPassword ?? '';
    headers.Authorization = 'Basic ' + Buffer.from(`${ds.basicAuthUser}:${password}`, 'utf8').toString('base64');
  } else if (typeof secure.bearerToken === 'string' && secure.bearerToken !== '') {
    headers.Authorization = `Bearer ${secure.bearerToken}`;
  }
  for (const [name, value] of customHeaders(jsonData, secure)) {
    headers[name] = value;
  }
  let timeoutS = DEFAULT_TIMEOUT_S;
  if (jsonData.timeout !== undefined && jsonData.timeout !== null) {
    const t = Number(jsonData.timeout);
    if (!(Number.isFinite(t) && t > 0)) {
      throw new SettingsError(`invalid timeout ${JSON.stringify(jsonData.timeout)}: a number of seconds above 0`);
    }
    timeoutS = t;
  }
  const tls = tlsOptions(jsonData, secure);
  const compression = jsonData.compressResponses === true ? 'gzip' : 'none';
  return { url, headers, timeoutMs: timeoutS * 1000, compression, ...(tls && { tls }) };
}

function tlsOptions(jsonData: VigilJsonData, secure: VigilSecureJsonData): TlsOptions | undefined {
  const out: TlsOptions = {};
  if (jsonData.tlsSkipVerify === true) {
    out.rejectUnauthorized = false;
  }
  if (jsonData.tlsAuthWithCACert === true) {
    if (!secure.tlsCACert) {
      throw new SettingsError('"With CA cert" is on but no CA certificate is stored: paste it in the TLS settings');
    }
    out.ca = secure.tlsCACert;
  }
  if (jsonData.tlsAuth === true) {
    if (!secure.tlsClientCert || !secure.tlsClientKey) {
      throw new SettingsError('TLS client auth is on but the client certificate or key is missing');
    }
    out.cert = secure.tlsClientCert;
    out.key = secure.tlsClientKey;
  }
  if (typeof jsonData.serverName === 'string' && jsonData.serverName.trim() !== '') {
    out.servername = jsonData.serverName.trim();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function parseJsonData(raw: Buffer | Uint8Array | undefined): VigilJsonData {
  if (!raw || raw.length === 0) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (e) {
    throw new SettingsError(`the data source's jsonData is not JSON: ${(e as Error).message}`);
  }
  if (parsed === null) {
    return {};
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SettingsError("the data source's jsonData must be a JSON object");
  }
  return parsed as VigilJsonData;
}

/** Instances per data source uid, rebuilt when lastUpdatedMS changes; model stores shared by path or URL. */
export class InstanceCache {
  private readonly instances = new Map<string, { lastUpdatedMS: number; instance: Instance }>();
  private readonly stores = new Map<string, ModelStore>();
  /** One for the process, so its bound holds however many data sources and stores there are. */
  readonly modelCache: ModelCache;

  constructor(private readonly options: InstanceOptions = {}) {
    this.modelCache = options.modelCache ?? new ModelCache();
  }

  get(ctx: PluginContext): Instance {
    const ds = ctx.dataSourceInstanceSettings;
    if (!ds) {
      throw new SettingsError('the request has no data source settings (is this call for the Vigil data source?)');
    }
    const uid = ds.uid || `id-${ds.id}`;
    const cached = this.instances.get(uid);
    if (cached && cached.lastUpdatedMS === ds.lastUpdatedMS) {
      return cached.instance;
    }
    const instance = this.build(uid, ds);
    this.instances.set(uid, { lastUpdatedMS: ds.lastUpdatedMS, instance });
    return instance;
  }

  private build(uid: string, ds: DataSourceInstanceSettings): Instance {
    const jsonData = parseJsonData(ds.jsonData);
    const opts = prometheusOptions(ds);
    const limits = queryLimits(jsonData);
    let prometheus: PrometheusClient;
    try {
      prometheus = new PrometheusClient({
        url: opts.url,
        headers: opts.headers,
        timeoutMs: opts.timeoutMs,
        compression: opts.compression,
        limits,
        ...(opts.tls && { fetch: tlsFetch(opts.tls) }),
      });
    } catch (e) {
      throw new SettingsError((e as Error).message);
    }
    const store = this.storeSettings(jsonData, (ds.decryptedSecureJsonData ?? {}) as VigilSecureJsonData);
    return {
      uid,
      name: ds.name,
      jsonData,
      ...(jsonData.defaults && typeof jsonData.defaults === 'object' && { defaults: jsonData.defaults }),
      prometheus,
      ...store,
    };
  }

  private storeSettings(
    jsonData: VigilJsonData,
    secure: VigilSecureJsonData
  ): Pick<Instance, 'store' | 'storeKind' | 'storePath'> {
    const kind = jsonData.modelStore ?? 'sqlite';
    if (kind === 'postgres') {
      const url = typeof jsonData.postgresUrl === 'string' ? jsonData.postgresUrl.trim() : '';
      if (urlHasPassword(url)) {
        // jsonData is readable by every user of the data source; the password belongs in the secure field.
        throw new SettingsError(
          'the PostgreSQL URL contains a password: remove it from the URL and enter it in the PostgreSQL password field'
        );
      }
      const password = secure.postgresPassword === '' ? undefined : secure.postgresPassword;
      let display: string;
      try {
        display = parsePostgresUrl(url).target.display;
      } catch (e) {
        throw new SettingsError((e as Error).message);
      }
      return { storeKind: 'postgres', storePath: display, store: () => this.postgresStore(url, password, display) };
    }
    if (kind !== 'sqlite') {
      throw new SettingsError(`unknown model store ${JSON.stringify(kind)}: choose sqlite or postgres`);
    }
    const storePath = resolveStorePath(
      typeof jsonData.modelStorePath === 'string' ? jsonData.modelStorePath : undefined,
      this.options.env ?? process.env
    );
    return { storeKind: 'sqlite', storePath, store: () => this.store(storePath) };
  }

  /** One store per URL and password, so data sources on one database share its pool and cached models. */
  private postgresStore(url: string, password: string | undefined, display: string): ModelStore {
    const id = `postgres\u0000${url}\u0000${password ?? ''}`;
    let store = this.stores.get(id);
    if (!store) {
      const open =
        this.options.openPostgresStore ??
        ((u: string, p: string | undefined) =>
          PostgresModelStore.create(u, { ...(p !== undefined && { password: p }), modelCache: this.modelCache }));
      try {
        store = open(url, password);
      } catch (e) {
        throw new SettingsError(`the model store at ${display} cannot be opened: ${(e as Error).message}`);
      }
      this.stores.set(id, store);
    }
    return store;
  }

  private store(storePath: string): ModelStore {
    // ':memory:' is private per open: share it like a file so one data source sees its own models.
    let store = this.stores.get(storePath);
    if (!store) {
      const open = this.options.openStore ?? ((p: string) => SqliteModelStore.open(p, { modelCache: this.modelCache }));
      try {
        store = open(storePath);
      } catch (e) {
        throw new SettingsError(`the model store at ${storePath} cannot be opened: ${(e as Error).message}`);
      }
      this.stores.set(storePath, store);
    }
    return store;
  }

  /** The data source instances requests have used so far, with their latest settings. */
  seen(): Instance[] {
    return [...this.instances.values()].map((c) => c.instance);
  }

  /** The model stores opened so far (by a request); none is opened by asking. */
  openStores(): ModelStore[] {
    return [...this.stores.values()];
  }

  async close(): Promise<void> {
    const stores = [...this.stores.values()];
    this.stores.clear();
    this.instances.clear();
    await Promise.allSettled(stores.map((s) => s.close()));
  }
}
