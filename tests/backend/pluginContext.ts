import type { PluginContext } from '../../src/backend/protocol/messages';

/** What a test varies in the PluginContext Grafana sends with each call. */
export interface TestContext {
  /** The data source instance's uid. */
  uid: string;
  /** The instance's jsonData (serialised as Grafana sends it). */
  jsonData: Record<string, unknown>;
  decryptedSecureJsonData?: Record<string, string>;
  /** Grafana role of the signed-in user; undefined sends no user. */
  role?: string;
  /** Login of the signed-in user (its display name is derived). */
  login?: string;
  /** A change here makes the backend rebuild the instance (new settings). Default 1. */
  lastUpdatedMS?: number;
}

/** The PluginContext Grafana sends for a Vigil data source instance, as the tests need it. */
export function testPluginContext(c: TestContext): PluginContext {
  const login = c.login ?? 'alice';
  return {
    orgId: 1,
    pluginId: 'vigil-anomaly-datasource',
    grafanaConfig: {},
    pluginVersion: '0.1.0',
    userAgent: '',
    apiVersion: '',
    namespace: '',
    ...(c.role !== undefined && {
      user: { login, name: login[0].toUpperCase() + login.slice(1), email: '', role: c.role },
    }),
    dataSourceInstanceSettings: {
      id: 1,
      uid: c.uid,
      name: 'Vigil',
      url: '',
      user: '',
      database: '',
      basicAuthEnabled: false,
      basicAuthUser: '',
      jsonData: Buffer.from(JSON.stringify(c.jsonData)),
      decryptedSecureJsonData: c.decryptedSecureJsonData ?? {},
      lastUpdatedMS: c.lastUpdatedMS ?? 1,
      apiVersion: '',
    },
  };
}
