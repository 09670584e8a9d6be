// The harness page: renders the plugin's own modules (the data source's editors from its
// DataSourcePlugin, the app's root page from its AppPlugin) the way Grafana mounts them, inside
// @grafana/ui's theme, with Grafana's runtime services answered by the harness server.
//
//   /harness/config                    the data source's ConfigEditor
//   /harness/query?app=dashboard       the QueryEditor (app: dashboard, explore, unified-alerting),
//                                      with the panel data of the last run passed back as `data`
//   /a/vigil-anomaly-app/<page>        the app's root page (Models, Backtest)
import React, { useCallback, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { lastValueFrom } from 'rxjs';
import {
  CoreApp,
  createTheme,
  dateTime,
  LoadingState,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type DataSourcePluginOptionsEditorProps,
  type PanelData,
  type AppRootProps,
} from '@grafana/data';
import { Alert, GlobalStyles, ThemeContext } from '@grafana/ui';

import { plugin as appPlugin } from '../../../src/module';
import { plugin as dsPlugin } from '../../../src/datasource/module';
import { installGrafanaServices, type HarnessBoot } from './grafanaServices';

declare global {
  interface Window {
    __HARNESS__: HarnessBoot;
    /** Set by the query view after each run: what the test inspects besides the DOM. */
    __HARNESS_LAST__?: unknown;
  }
}

const boot = window.__HARNESS__;
const settings = boot.datasource as DataSourceInstanceSettings;
let api: unknown;
const datasource = () => {
  if (!api) {
    const Ctor = dsPlugin.DataSourceClass as unknown as new (s: DataSourceInstanceSettings) => unknown;
    api = new Ctor(settings);
  }
  return api;
};
installGrafanaServices(boot, datasource);
const theme = createTheme({ colors: { mode: 'dark' } });

// The query view's time range: ?from=&to= (epoch ms), by default the last 6 hours at page load.
const pageParams = new URLSearchParams(window.location.search);
const rangeTo = Number(pageParams.get('to') ?? Date.now());
const rangeFrom = Number(pageParams.get('from') ?? rangeTo - 6 * 3600_000);
const range = {
  from: dateTime(rangeFrom),
  to: dateTime(rangeTo),
  raw: { from: dateTime(rangeFrom), to: dateTime(rangeTo) },
};

function ConfigView() {
  const Editor = dsPlugin.components.ConfigEditor as unknown as React.ComponentType<
    DataSourcePluginOptionsEditorProps<Record<string, unknown>, Record<string, unknown>>
  >;
  const [options, setOptions] = useState({
    ...settings,
    jsonData: { ...settings.jsonData },
    secureJsonFields: { bearerToken: true },
    secureJsonData: {},
  } as unknown as DataSourcePluginOptionsEditorProps<Record<string, unknown>>['options']);
  return (
    <div style={{ padding: 16 }}>
      <Editor options={options} onOptionsChange={setOptions} />
      <pre id="harness-options" style={{ display: 'none' }}>
        {JSON.stringify(options)}
      </pre>
    </div>
  );
}

function QueryView() {
  const params = new URLSearchParams(window.location.search);
  const app = (params.get('app') ?? 'dashboard') as CoreApp;
  const ds = datasource() as {
    query(r: DataQueryRequest): unknown;
    getDefaultQuery?(app: CoreApp): Record<string, unknown>;
  };
  const Editor = dsPlugin.components.QueryEditor as unknown as React.ComponentType<Record<string, unknown>>;
  const initial = useMemo(() => {
    const given = params.get('query');
    return { refId: 'A', ...(ds.getDefaultQuery?.(app) ?? {}), ...(given ? JSON.parse(given) : {}) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [query, setQuery] = useState<Record<string, unknown>>(initial);
  const [data, setData] = useState<PanelData | undefined>(undefined);
  const run = useCallback(async () => {
    const request = {
      requestId: 'harness',
      interval: '1m',
      intervalMs: 60_000,
      maxDataPoints: 1000,
      range,
      scopedVars: {},
      targets: [query],
      timezone: 'utc',
      app,
      startTime: Date.now(),
    } as unknown as DataQueryRequest;
    let panel: PanelData;
    try {
      const res = (await lastValueFrom(ds.query(request) as never)) as {
        data: PanelData['series'];
        errors?: PanelData['errors'];
        error?: PanelData['error'];
      };
      panel = {
        state: res.errors?.length || res.error ? LoadingState.Error : LoadingState.Done,
        series: res.data,
        errors: res.errors ?? (res.error ? [res.error] : undefined),
        error: res.error ?? res.errors?.[0],
        timeRange: range,
      } as PanelData;
    } catch (e) {
      const message = (e as { data?: { message?: string }; message?: string }).data?.message ?? String(e);
      panel = { state: LoadingState.Error, series: [], errors: [{ message }], timeRange: range } as PanelData;
    }
    window.__HARNESS_LAST__ = {
      state: panel.state,
      errors: panel.errors?.map((e) => e.message),
      frames: panel.series.map((f) => ({ name: f.name, fields: f.fields.map((x) => x.name), length: f.length })),
    };
    setData(panel);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);
  return (
    <div style={{ padding: 16 }}>
      <Editor
        datasource={ds}
        query={query}
        onChange={setQuery}
        onRunQuery={run}
        app={app}
        data={data}
        range={range}
        queries={[query]}
      />
      {/* Grafana's query row shows the panel's query errors under the editor; so does the harness. */}
      {data?.errors?.map((e, i) => (
        <Alert key={i} severity="error" title="Query error">
          {e.message}
        </Alert>
      ))}
      <pre id="harness-query" style={{ display: 'none' }}>
        {JSON.stringify(query)}
      </pre>
      <button id="harness-run" style={{ display: 'none' }} onClick={run} />
    </div>
  );
}

function AppView() {
  const Root = appPlugin.root as unknown as React.ComponentType<AppRootProps>;
  const meta = { id: 'vigil-anomaly-app', name: 'Vigil', type: 'app', enabled: true, jsonData: {} };
  // Grafana's page chrome pads the page body; PluginPage renders only its children here.
  return (
    <div style={{ padding: 16 }}>
      <Root
        meta={meta as never}
        basename="/a/vigil-anomaly-app"
        path="/a/vigil-anomaly-app"
        query={{}}
        onNavChanged={() => undefined}
      />
    </div>
  );
}

function Harness() {
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ background: theme.colors.background.canvas, minHeight: '100vh', color: theme.colors.text.primary }}>
        <BrowserRouter>
          <Routes>
            <Route path="/harness/config" element={<ConfigView />} />
            <Route path="/harness/query" element={<QueryView />} />
            <Route path="/a/vigil-anomaly-app/*" element={<AppView />} />
          </Routes>
        </BrowserRouter>
      </div>
    </ThemeContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
