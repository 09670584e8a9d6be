import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import App from './App';

// Lazy-loaded pages render slowly on a loaded 2-core CI machine: wait for them, do not time out.
jest.setTimeout(30_000);

describe('App', () => {
  const props = {
    basename: 'a/vigil-anomaly-app',
    meta: { id: 'vigil-anomaly-app', name: 'Vigil', type: PluginType.app, enabled: true, jsonData: {} },
    query: {},
    path: '',
    onNavChanged: jest.fn(),
  } as unknown as AppRootProps;

  it('shows the Models page by default', async () => {
    render(
      <MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <App {...props} />
      </MemoryRouter>
    );
    // Pages are lazy loaded.
    expect(await screen.findByText(/model registry/i, {}, { timeout: 20_000 })).toBeInTheDocument();
  });

  it('routes to the Backtest page', async () => {
    render(
      <MemoryRouter initialEntries={['/backtest']} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <App {...props} />
      </MemoryRouter>
    );
    expect(await screen.findByText(/replay a query/i, {}, { timeout: 20_000 })).toBeInTheDocument();
  });
});
