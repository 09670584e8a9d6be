import React from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { configure, render, screen } from '@testing-library/react';
import { FakeVigilBackend } from '../testing/fakeBackend';
import { stubCanvasText } from '../testing/canvas';
import App from './App';

// Lazy-loaded pages render slowly on a loaded 2-core CI machine: wait for them, do not time out.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 20_000 });
beforeAll(stubCanvasText);

// Grafana's services do not exist outside Grafana: the data source list has one Vigil data source,
// its picker is a stand-in, and requests go to the fake mockBackend.
const mockBackend = new FakeVigilBackend();
mockBackend.addModel('node_load1', { instance: 'host-1' }, 'seasonal', 3);
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend.srv(),
  getDataSourceSrv: () => ({
    getList: () => [{ uid: 'vigil-1', name: 'Vigil', type: 'vigil-anomaly-datasource' }],
  }),
  DataSourcePicker: ({ current }: { current: string | null }) => <div>picked {current ?? 'nothing'}</div>,
}));

function Location() {
  return <div data-testid="location">{useLocation().search}</div>;
}

describe('App', () => {
  const props = {
    basename: 'a/vigil-anomaly-app',
    meta: { id: 'vigil-anomaly-app', name: 'Vigil', type: PluginType.app, enabled: true, jsonData: {} },
    query: {},
    path: '',
    onNavChanged: jest.fn(),
  } as unknown as AppRootProps;

  it('shows the Models page by default, on the first Vigil data source, remembered in the URL', async () => {
    render(
      <MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <App {...props} />
        <Location />
      </MemoryRouter>
    );
    // Pages are lazy loaded.
    expect(await screen.findByText('node_load1')).toBeInTheDocument();
    expect(screen.getByText('picked vigil-1')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('?ds=vigil-1');
    expect(mockBackend.calls[0].url).toBe('/api/datasources/uid/vigil-1/resources/models');
  });

  it('routes to the Backtest page on the data source the URL names', async () => {
    render(
      <MemoryRouter
        initialEntries={['/backtest?ds=other-vigil']}
        future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
      >
        <App {...props} />
      </MemoryRouter>
    );
    expect(await screen.findByText('Run backtest')).toBeInTheDocument();
    expect(screen.getByText('picked other-vigil')).toBeInTheDocument();
  });
});
