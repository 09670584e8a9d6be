/**
 * The provisioning files checked against what Grafana 11-13 accepts at start-up (see
 * GRAFANA-PROVISIONING.md: YAML errors, bad uids, durations, intervals, relative time ranges,
 * unknown receivers are fatal and Grafana never serves; unknown keys are silently dropped), plus
 * what Grafana does not check but would break at evaluation: references between files, and every
 * Vigil query in the dashboard and the alert rules passing src/query's validateQuery.
 */
import * as fs from 'fs';
import * as path from 'path';
import { outputFrames } from '../../src/backend/handlers/outputs';
import { expandOutputs, migrateQuery, SCHEMA_VERSION, validateQuery } from '../../src/query';
import { sanitizeDefaults } from '../../src/query/defaults';
import {
  asList,
  asObj,
  COMPOSE_FILE,
  hostPath,
  isObj,
  type Obj,
  PROVISIONING,
  provisioningFiles,
  readYaml,
  ROOT,
  unknownKeys,
} from './files';

const APP_ID = (JSON.parse(fs.readFileSync(path.join(ROOT, 'src/plugin.json'), 'utf8')) as { id: string }).id;
const DS_ID = (JSON.parse(fs.readFileSync(path.join(ROOT, 'src/datasource/plugin.json'), 'utf8')) as { id: string }).id;
const UID_RE = /^[a-zA-Z0-9_-]{1,40}$/;
// Prometheus durations as Grafana parses `for` and `interval` (model.ParseDuration).
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [31_536_000_000, 604_800_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

function durationMs(text: unknown, where: string): number {
  const m = typeof text === 'string' && text !== '' ? DURATION_RE.exec(text) : null;
  if (!m) {
    throw new Error(`${where}: ${JSON.stringify(text)} is not a Prometheus duration`);
  }
  return m.slice(1).reduce((sum, g, i) => sum + (g ? Number(g) * UNIT_MS[i] : 0), 0);
}

const compose = asObj(readYaml(COMPOSE_FILE), 'compose');
const grafana = asObj(asObj(compose.services, 'services').grafana, 'grafana');
const provisioningMount = '/etc/grafana/provisioning';

// ------------------------------------------------------------------------------------------------
// Data sources

const DATASOURCE_KEYS = [
  'name',
  'type',
  'uid',
  'access',
  'url',
  'user',
  'database',
  'basicAuth',
  'basicAuthUser',
  'withCredentials',
  'isDefault',
  'orgId',
  'jsonData',
  'secureJsonData',
  'editable',
  'version',
  'correlations',
];
const VIGIL_JSON_KEYS = [
  'prometheusUrl',
  'timeout',
  'tlsSkipVerify',
  'tlsAuthWithCACert',
  'tlsAuth',
  'serverName',
  'modelStorePath',
  'defaults',
];

interface Datasource {
  name: string;
  type: string;
  uid: string;
  orgId: number;
  isDefault: boolean;
  url?: string;
  jsonData?: Obj;
}

function loadDatasources(): Datasource[] {
  const out: Datasource[] = [];
  for (const file of provisioningFiles('datasources')) {
    const doc = asObj(readYaml(file), file);
    expect(doc.apiVersion).toBe(1);
    expect(unknownKeys(doc, ['apiVersion', 'prune', 'datasources', 'deleteDatasources'])).toEqual([]);
    for (const raw of asList(doc.datasources, `${file} datasources`)) {
      const ds = asObj(raw, file);
      expect(unknownKeys(ds, DATASOURCE_KEYS)).toEqual([]);
      out.push({
        name: ds.name as string,
        type: ds.type as string,
        uid: ds.uid as string,
        orgId: (ds.orgId as number | undefined) ?? 1,
        isDefault: ds.isDefault === true,
        url: ds.url as string | undefined,
        jsonData: ds.jsonData as Obj | undefined,
      });
    }
  }
  return out;
}

const datasources = loadDatasources();
const dsByUid = new Map(datasources.map((d) => [d.uid, d]));

describe('data sources', () => {
  it('have names, types and explicit unique uids; at most one default per org', () => {
    expect(datasources.length).toBeGreaterThanOrEqual(2);
    for (const ds of datasources) {
      expect(typeof ds.name).toBe('string');
      expect(typeof ds.type).toBe('string');
      expect(ds.uid).toMatch(UID_RE);
    }
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
    expect(new Set(datasources.map((d) => d.name)).size).toBe(datasources.length);
    const defaults = datasources.filter((d) => d.isDefault);
    expect(new Set(defaults.map((d) => d.orgId)).size).toBe(defaults.length);
  });

  it("point Prometheus and Vigil at the stack's Prometheus service", () => {
    const services = asObj(compose.services, 'services');
    const prom = datasources.find((d) => d.type === 'prometheus')!;
    const vigil = datasources.find((d) => d.type === DS_ID)!;
    expect(vigil).toBeDefined();
    for (const url of [prom.url, vigil.url, vigil.jsonData?.prometheusUrl]) {
      const u = new URL(String(url));
      expect(Object.keys(services)).toContain(u.hostname);
      expect(u.port).toBe('9090');
    }
  });

  it('give Vigil only jsonData keys it reads, and defaults that make valid queries', () => {
    const vigil = datasources.find((d) => d.type === DS_ID)!;
    const jsonData = vigil.jsonData ?? {};
    expect(Object.keys(jsonData).filter((k) => !VIGIL_JSON_KEYS.includes(k) && !/^httpHeaderName\d+$/.test(k))).toEqual(
      []
    );
    const defaults = asObj(jsonData.defaults ?? {}, 'defaults');
    // Every key is one the data source takes (a typo would be dropped by sanitizeDefaults).
    const kept = sanitizeDefaults(defaults);
    expect(Object.keys(defaults).sort()).toEqual(
      [...Object.keys(kept.options), ...(kept.model ? ['model'] : []), ...(kept.execution ? ['execution'] : [])].sort()
    );
    expect(validateQuery({ refId: 'A', expr: 'up' }, defaults).ok).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// Plugins

describe('plugin settings', () => {
  it('enable the Vigil app with snake_case org fields', () => {
    const apps = provisioningFiles('plugins').flatMap((file) => {
      const doc = asObj(readYaml(file), file);
      expect(unknownKeys(doc, ['apiVersion', 'apps'])).toEqual([]);
      return asList(doc.apps, `${file} apps`).map((a) => asObj(a, file));
    });
    expect(apps.map((a) => a.type)).toEqual([APP_ID]);
    for (const app of apps) {
      expect(unknownKeys(app, ['type', 'org_id', 'org_name', 'disabled', 'jsonData', 'secureJsonData'])).toEqual([]);
      expect(app.disabled).not.toBe(true);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Dashboards

const PROVIDER_KEYS = [
  'name',
  'orgId',
  'folder',
  'folderUid',
  'type',
  'disableDeletion',
  'updateIntervalSeconds',
  'allowUiUpdates',
  'options',
];

function loadProviders(): Obj[] {
  return provisioningFiles('dashboards').flatMap((file) => {
    const doc = asObj(readYaml(file), file);
    expect(doc.apiVersion).toBe(1);
    return asList(doc.providers, `${file} providers`).map((p) => asObj(p, file));
  });
}

const providers = loadProviders();

function dashboardFiles(): string[] {
  return providers.flatMap((p) => {
    const dir = hostPath(grafana, asObj(p.options, 'options').path as string)!;
    const walk = (d: string): string[] =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .filter((e) => !e.name.startsWith('.'))
        .flatMap((e) =>
          e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') ? [path.join(d, e.name)] : []
        );
    return walk(dir);
  });
}

const dashboards = dashboardFiles().map((file) => ({
  file,
  json: asObj(JSON.parse(fs.readFileSync(file, 'utf8')), file),
}));

interface Target extends Obj {
  refId?: string;
  datasource?: { type?: string; uid?: string };
}

function panelsOf(d: Obj): Obj[] {
  // Rows may nest panels; every panel is checked.
  return asList(d.panels ?? [], 'panels').flatMap((p) => {
    const panel = asObj(p, 'panel');
    return [panel, ...asList(panel.panels ?? [], 'row panels').map((q) => asObj(q, 'panel'))];
  });
}

/** The display names the backend gives a query's fields (outputFrames), to check overrides against. */
function displayNames(query: Obj): string[] {
  const v = validateQuery(query);
  if (!v.ok) {
    return [];
  }
  const one = new Float64Array([1]);
  const frames = outputFrames(
    'A',
    [{ labels: {}, series: { t: one, v: one }, from: 0, out: { expected: one, lower: one, upper: one, score: one } }],
    expandOutputs(v.query.outputs),
    {},
    v.query.legendFormat
  );
  return frames.map((f) => String(f.fields[1].config?.displayNameFromDS ?? f.fields[1].name));
}

function expectCompleteVigilQuery(q: Obj, where: string): void {
  const v = validateQuery(q);
  if (!v.ok) {
    throw new Error(`${where}: ${v.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
  // Stored in the current schema with every field present: nothing is left to defaults that may change.
  expect(q.schemaVersion).toBe(SCHEMA_VERSION);
  expect(migrateQuery(q)).toEqual(q);
}

describe('dashboard provider', () => {
  it('has unique names, a path inside the provisioning mount, and a folder', () => {
    expect(providers.length).toBeGreaterThan(0);
    expect(new Set(providers.map((p) => p.name)).size).toBe(providers.length);
    for (const p of providers) {
      expect(unknownKeys(p, PROVIDER_KEYS)).toEqual([]);
      expect(p.type ?? 'file').toBe('file');
      const options = asObj(p.options, 'options');
      expect(unknownKeys(options, ['path', 'foldersFromFilesStructure'])).toEqual([]);
      expect(typeof options.path).toBe('string');
      expect(String(options.path).startsWith(provisioningMount + '/')).toBe(true);
      const dir = hostPath(grafana, options.path as string);
      expect(dir && fs.statSync(dir).isDirectory()).toBe(true);
      if (options.foldersFromFilesStructure === true) {
        expect(p.folder ?? p.folderUid).toBeUndefined();
      }
      expect(typeof p.folder).toBe('string');
    }
  });
});

describe('dashboard "Vigil overview"', () => {
  it('is provisioned: bare models with title, uid and a modern schemaVersion, uids unique', () => {
    expect(dashboards.map((d) => d.json.title)).toContain('Vigil overview');
    for (const { file, json } of dashboards) {
      expect(json.dashboard).toBeUndefined();
      expect(typeof json.title).toBe('string');
      expect(json.uid).toMatch(UID_RE);
      expect(json.schemaVersion as number).toBeGreaterThanOrEqual(39);
      expect(json.id ?? null).toBeNull();
      expect(path.basename(file)).toBe(`${String(json.uid)}.json`);
    }
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
  });

  const overview = dashboards.find((d) => d.json.title === 'Vigil overview')!.json;
  const panels = panelsOf(overview);

  it('has unique panel ids with grid positions', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      const g = asObj(p.gridPos, `panel ${String(p.id)} gridPos`);
      expect(g.w as number).toBeGreaterThan(0);
      expect((g.x as number) + (g.w as number)).toBeLessThanOrEqual(24);
    }
  });

  it('references provisioned data sources by type and uid, with unique refIds per panel', () => {
    let vigilTargets = 0;
    for (const p of panels.filter((x) => x.targets !== undefined)) {
      const panelDs = p.datasource as Target['datasource'];
      expect(dsByUid.get(panelDs?.uid ?? '')?.type).toBe(panelDs?.type);
      const targets = asList(p.targets, 'targets') as Target[];
      expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
      for (const t of targets) {
        expect(t.refId).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(dsByUid.get(t.datasource?.uid ?? '')?.type).toBe(t.datasource?.type);
        if (t.datasource?.type === DS_ID) {
          vigilTargets++;
          expectCompleteVigilQuery(t, `panel ${String(p.title)} ${String(t.refId)}`);
        }
      }
    }
    expect(vigilTargets).toBeGreaterThanOrEqual(6);
  });

  it('shows value with the expected band and the score with threshold lines at 1 and 2', () => {
    const vigilPanels = panels.filter((p) => asObj(p.datasource ?? {}, 'ds').type === DS_ID);
    const outputsOf = (p: Obj) => (asList(p.targets, 'targets')[0] as { outputs: string[] }).outputs;
    const band = vigilPanels.filter((p) => ['value', 'expected', 'band'].every((o) => outputsOf(p).includes(o)));
    const score = vigilPanels.filter((p) => outputsOf(p).includes('score'));
    expect(band.length).toBeGreaterThanOrEqual(3);
    expect(score.length).toBe(band.length);
    for (const p of score) {
      const defaults = asObj(asObj(p.fieldConfig, 'fieldConfig').defaults, 'defaults');
      const steps = asList(asObj(defaults.thresholds, 'thresholds').steps, 'steps') as Array<{ value: number | null }>;
      expect(steps.map((s) => s.value)).toEqual([null, 1, 2]);
      expect(asObj(asObj(defaults.custom, 'custom').thresholdsStyle, 'style').mode).toMatch(/line|dashed/);
    }
  });

  it('styles fields by the display names the backend gives them (overrides and fill between)', () => {
    for (const p of panels.filter((x) => x.fieldConfig !== undefined && x.targets !== undefined)) {
      const names = (asList(p.targets, 'targets') as Obj[]).flatMap(displayNames);
      for (const o of asList(asObj(p.fieldConfig, 'fieldConfig').overrides ?? [], 'overrides') as Obj[]) {
        const matcher = asObj(o.matcher, 'matcher');
        if (matcher.id === 'byName') {
          expect(names).toContain(matcher.options);
        }
        for (const prop of asList(o.properties, 'properties') as Obj[]) {
          if (prop.id === 'custom.fillBelowTo') {
            expect(names).toContain(prop.value);
          }
        }
      }
    }
  });

  it('annotates Vigil anomalies and the scripted incidents', () => {
    const list = asList(asObj(overview.annotations, 'annotations').list, 'list') as Obj[];
    const vigil = list.filter((a) => asObj(a.datasource, 'ds').type === DS_ID);
    expect(vigil.length).toBe(1);
    const target = asObj(vigil[0].target, 'target');
    expectCompleteVigilQuery(target, 'annotation');
    expect(target.outputs).toEqual(['anomalies']);
    for (const a of list.filter((x) => x.builtIn === undefined)) {
      expect(dsByUid.get(String(asObj(a.datasource, 'ds').uid))?.type).toBe(asObj(a.datasource, 'ds').type);
    }
    expect(list.some((a) => /vigil_demo_incident/.test(String(asObj(a.target ?? {}, 't').expr)))).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// Alerting

const ALERTING_KEYS = [
  'apiVersion',
  'groups',
  'deleteRules',
  'contactPoints',
  'deleteContactPoints',
  'policies',
  'resetPolicies',
  'muteTimes',
  'deleteMuteTimes',
  'templates',
  'deleteTemplates',
];
const GROUP_KEYS = ['orgId', 'name', 'folder', 'interval', 'rules'];
const RULE_KEYS = [
  'uid',
  'title',
  'condition',
  'data',
  'noDataState',
  'execErrState',
  'for',
  'keepFiringFor',
  'missing_series_evals_to_resolve',
  'annotations',
  'labels',
  'isPaused',
  'dashboardUid',
  'panelId',
  'notification_settings',
  'record',
];
const QUERY_KEYS = ['refId', 'queryType', 'datasourceUid', 'relativeTimeRange', 'model'];
const RESERVED_LABELS = ['__grafana_autogenerated__', '__grafana_receiver__', '__grafana_route_settings_hash__'];
const ROUTE_KEYS = [
  'receiver',
  'group_by',
  'matchers',
  'object_matchers',
  'mute_time_intervals',
  'active_time_intervals',
  'continue',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'routes',
];

const alertingDocs = provisioningFiles('alerting').map((file) => ({ file, doc: asObj(readYaml(file), file) }));
const groups = alertingDocs.flatMap(({ doc }) => asList(doc.groups ?? [], 'groups').map((g) => asObj(g, 'group')));
const rules = groups.flatMap((g) => asList(g.rules, `group ${String(g.name)} rules`).map((r) => asObj(r, 'rule')));
const contactPoints = alertingDocs.flatMap(({ doc }) =>
  asList(doc.contactPoints ?? [], 'contactPoints').map((c) => asObj(c, 'contact point'))
);
const policies = alertingDocs.flatMap(({ doc }) =>
  asList(doc.policies ?? [], 'policies').map((p) => asObj(p, 'policy'))
);

function exprModel(model: Obj, refIds: string[]): void {
  const type = model.type;
  if (type === 'reduce') {
    expect(unknownKeys(model, ['refId', 'datasource', 'type', 'expression', 'reducer', 'settings'])).toEqual([]);
    expect(refIds).toContain(String(model.expression).replace(/^\$/, ''));
    expect(['sum', 'mean', 'min', 'max', 'count', 'last']).toContain(model.reducer);
    const mode = isObj(model.settings) ? model.settings.mode : undefined;
    expect([undefined, 'dropNN', 'replaceNN']).toContain(mode);
  } else if (type === 'threshold') {
    expect(refIds).toContain(model.expression); // plain refId: no "$"
    const conditions = asList(model.conditions, 'conditions') as Array<{
      evaluator: { type: string; params: number[] };
    }>;
    expect(conditions).toHaveLength(1);
    const { type: op, params } = conditions[0].evaluator;
    expect(params.every((x) => typeof x === 'number')).toBe(true);
    expect(params.length).toBe(/range/.test(op) ? 2 : 1);
  } else if (type === 'math') {
    for (const ref of String(model.expression).match(/\$\{?([A-Za-z0-9_]+)/g) ?? []) {
      expect(refIds).toContain(ref.replace(/^\$\{?/, ''));
    }
  } else {
    throw new Error(`unexpected expression type ${String(type)}`);
  }
}

/** The threshold an alert rule fires on (its threshold expression), and the node it reads. */
function thresholdOf(rule: Obj): { value: number; reads: Obj } {
  const data = asList(rule.data, 'data') as Obj[];
  const cond = asObj(data.find((d) => d.refId === rule.condition)!.model, 'condition');
  const params = (cond.conditions as Array<{ evaluator: { params: number[] } }>)[0].evaluator.params;
  const reads = asObj(data.find((d) => d.refId === cond.expression)!.model, 'reads');
  return { value: params[0], reads };
}

describe('alert rules', () => {
  it('use only the keys Grafana reads', () => {
    for (const { doc } of alertingDocs) {
      expect(doc.apiVersion).toBe(1);
      expect(unknownKeys(doc, ALERTING_KEYS)).toEqual([]);
    }
    for (const g of groups) {
      expect(unknownKeys(g, GROUP_KEYS)).toEqual([]);
    }
    for (const r of rules) {
      expect(unknownKeys(r, RULE_KEYS)).toEqual([]);
      for (const q of asList(r.data, 'data')) {
        expect(unknownKeys(asObj(q, 'query'), QUERY_KEYS)).toEqual([]);
      }
    }
  });

  it('live in named groups with an interval that is a multiple of 10 s, in the dashboard folder', () => {
    expect(groups.length).toBeGreaterThan(0);
    const folders = new Set(providers.map((p) => p.folder));
    for (const g of groups) {
      expect(typeof g.name).toBe('string');
      expect(folders).toContain(g.folder);
      const ms = durationMs(g.interval, `group ${String(g.name)} interval`);
      expect(ms).toBeGreaterThan(0);
      expect(ms % 10_000).toBe(0);
    }
    // Group names are unique per folder.
    expect(new Set(groups.map((g) => `${String(g.folder)}/${String(g.name)}`)).size).toBe(groups.length);
  });

  it('have valid unique uids, titles, states, durations and labels', () => {
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.uid).toMatch(UID_RE);
      expect(typeof r.title).toBe('string');
      expect(String(r.title).length).toBeLessThanOrEqual(190);
      expect(['NoData', 'Alerting', 'OK', 'KeepLast', undefined]).toContain(r.noDataState);
      expect(['Alerting', 'Error', 'OK', 'KeepLast', undefined]).toContain(r.execErrState);
      expect(durationMs(r.for, `${String(r.uid)} for`)).toBeGreaterThan(0);
      const labels = asObj(r.labels ?? {}, 'labels');
      expect(Object.keys(labels).filter((k) => RESERVED_LABELS.includes(k))).toEqual([]);
      expect(Object.values(labels).every((v) => typeof v === 'string')).toBe(true);
      expect(Object.values(asObj(r.annotations ?? {}, 'annotations')).every((v) => typeof v === 'string')).toBe(true);
      expect(r.dashboardUid === undefined).toBe(r.panelId === undefined);
    }
  });

  it('link to panels that exist', () => {
    for (const r of rules.filter((x) => x.dashboardUid !== undefined)) {
      const d = dashboards.find((x) => x.json.uid === r.dashboardUid);
      expect(d).toBeDefined();
      expect(panelsOf(d!.json).map((p) => p.id)).toContain(r.panelId);
    }
  });

  it('have a condition among their refIds, resolvable data sources and integer relative time ranges', () => {
    for (const r of rules) {
      const data = asList(r.data, 'data').map((q) => asObj(q, 'query'));
      expect(data.length).toBeGreaterThan(0);
      const refIds = data.map((q) => String(q.refId));
      expect(new Set(refIds).size).toBe(refIds.length);
      expect(refIds).toContain(r.condition);
      for (const q of data) {
        const model = asObj(q.model, 'model');
        expect(model.refId ?? q.refId).toBe(q.refId);
        if (q.datasourceUid === '__expr__') {
          exprModel(model, refIds);
          continue;
        }
        expect(dsByUid.has(String(q.datasourceUid))).toBe(true);
        const range = asObj(q.relativeTimeRange, 'relativeTimeRange');
        expect(Number.isInteger(range.from) && Number.isInteger(range.to)).toBe(true);
        expect(range.from as number).toBeGreaterThan(range.to as number);
      }
    }
  });

  it('run complete, valid Vigil score queries', () => {
    let n = 0;
    for (const r of rules) {
      for (const q of asList(r.data, 'data').map((x) => asObj(x, 'query'))) {
        if (dsByUid.get(String(q.datasourceUid))?.type !== DS_ID) {
          continue;
        }
        n++;
        const model = asObj(q.model, 'model');
        // Grafana adds intervalMs and maxDataPoints to alert queries; they are not part of the Vigil model.
        const { intervalMs: _i, maxDataPoints: _m, ...query } = model;
        expectCompleteVigilQuery(query, `rule ${String(r.uid)} ${String(q.refId)}`);
        expect(q.queryType).toBe(model.queryType);
        expect(asObj(model.datasource, 'ds').uid).toBe(q.datasourceUid);
        expect(model.outputs).toEqual(['score']);
      }
    }
    expect(n).toBe(rules.length);
  });

  it('come in two stages per series: warning on the smoothed score > 1, critical > 2, both pending', () => {
    const bySeverity = (sev: string) => rules.filter((r) => asObj(r.labels, 'labels').severity === sev);
    const warning = bySeverity('warning');
    const critical = bySeverity('critical');
    expect(warning.length).toBeGreaterThan(0);
    expect(critical.length).toBe(warning.length);
    expect(warning.length + critical.length).toBe(rules.length);
    const exprOf = (r: Obj) =>
      String(asObj((asList(r.data, 'data') as Obj[]).find((q) => q.datasourceUid !== '__expr__')!.model, 'm').expr);
    expect(new Set(warning.map(exprOf))).toEqual(new Set(critical.map(exprOf)));
    for (const [list, threshold] of [
      [warning, 1],
      [critical, 2],
    ] as const) {
      for (const r of list) {
        const { value, reads } = thresholdOf(r);
        expect(value).toBe(threshold);
        // Smoothed: the threshold reads a mean over the query's window, not the last raw score.
        expect(reads).toMatchObject({ type: 'reduce', reducer: 'mean' });
        expect(durationMs(r.for, 'for')).toBeGreaterThanOrEqual(5 * 60_000);
      }
    }
  });
});

describe('contact points and notification policies', () => {
  const receivers = contactPoints.flatMap((c) => asList(c.receivers, 'receivers').map((r) => asObj(r, 'receiver')));

  it('define two webhook contact points with valid uids and a url', () => {
    expect(contactPoints.length).toBe(2);
    expect(new Set(contactPoints.map((c) => c.name)).size).toBe(2);
    expect(new Set(receivers.map((r) => r.uid)).size).toBe(receivers.length);
    for (const c of contactPoints) {
      expect(unknownKeys(c, ['orgId', 'name', 'receivers'])).toEqual([]);
    }
    for (const r of receivers) {
      expect(unknownKeys(r, ['uid', 'type', 'settings', 'disableResolveMessage'])).toEqual([]);
      expect(r.uid).toMatch(UID_RE);
      expect(r.type).toBe('webhook');
      const settings = asObj(r.settings, 'settings');
      // Settings are env-interpolated: a `$VAR` that is unset would leave an empty, fatal url.
      expect(String(settings.url)).not.toMatch(/\$/);
      expect(['POST', 'PUT', undefined]).toContain(settings.httpMethod);
    }
  });

  it("deliver to the demo service's alert sink inside the stack", () => {
    const services = asObj(compose.services, 'services');
    for (const r of receivers) {
      const url = new URL(String(asObj(r.settings, 'settings').url));
      expect(Object.keys(services)).toContain(url.hostname);
      expect(url.pathname).toMatch(/^\/alerts\/[a-z]+$/);
    }
  });

  it('route by severity to the matching contact point from a root that carries no matchers', () => {
    expect(policies).toHaveLength(1);
    const root = policies[0];
    const names = contactPoints.map((c) => c.name);
    expect(names).toContain(root.receiver);
    expect(root.matchers ?? root.object_matchers).toBeUndefined();
    const routes = asList(root.routes, 'routes').map((r) => asObj(r, 'route'));
    const walk = (route: Obj): void => {
      expect(unknownKeys(route, [...ROUTE_KEYS, 'orgId'])).toEqual([]);
      if (route.receiver !== undefined) {
        expect(names).toContain(route.receiver);
      }
      for (const m of asList(route.object_matchers ?? [], 'object_matchers') as string[][]) {
        expect(m).toHaveLength(3);
        expect(['=', '!=', '=~', '!~']).toContain(m[1]);
      }
      for (const key of ['group_wait', 'group_interval', 'repeat_interval']) {
        if (route[key] !== undefined) {
          durationMs(route[key], key);
        }
      }
      asList(route.routes ?? [], 'routes').forEach((r) => walk(asObj(r, 'route')));
    };
    walk(root);
    // Each severity the rules set reaches the contact point named after it (first matching route).
    for (const severity of new Set(rules.map((r) => String(asObj(r.labels, 'labels').severity)))) {
      const route = routes.find((r) =>
        (asList(r.object_matchers ?? [], 'm') as string[][]).some(
          ([label, op, value]) => label === 'severity' && op === '=' && value === severity
        )
      );
      expect(route).toBeDefined();
      expect(String(route!.receiver).toLowerCase()).toContain(severity);
    }
  });
});

describe('provisioning directory', () => {
  it('is mounted where the Grafana image reads provisioning', () => {
    expect(hostPath(grafana, provisioningMount)).toBe(PROVISIONING);
  });
});
