import React, { useState } from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CoreApp } from '@grafana/data';
import type { DataSource } from '../datasource';
import { defaultQuery } from '../../query/defaults';
import type { VigilQuery } from '../../query/types';
import { stubCanvasText } from '../../components/testing/canvas';
import { QueryEditor } from './QueryEditor';

jest.setTimeout(30_000);

// Grafana's Combobox measures option text on a canvas, sizes its virtualised option list from the
// list's clientHeight and positions the menu with IntersectionObserver; jsdom has none of them (every
// element is 0 px high, so no option would render).
beforeAll(() => {
  stubCanvasText();
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 300 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 300 });
  Object.assign(globalThis, {
    IntersectionObserver: class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  });
});

function fakeDatasource(overrides: Partial<Record<keyof DataSource, unknown>> = {}) {
  return {
    defaults: {},
    metricNames: jest.fn(async () => ['node_load1', 'node_load5', 'node_cpu_seconds_total', 'up']),
    labelNames: jest.fn(async () => ['__name__', 'instance', 'job']),
    labelValues: jest.fn(async () => ['node', 'prometheus']),
    metadata: jest.fn(async () => ({ node_load1: [{ type: 'gauge', help: '1m load average' }] })),
    ...overrides,
  } as unknown as DataSource;
}

/** The editor as Grafana hosts it: the query lives outside and comes back on every change. */
function Host({ initial, ds, app, spy }: { initial: VigilQuery; ds: DataSource; app?: CoreApp; spy: jest.Mock }) {
  const [query, setQuery] = useState(initial);
  return (
    <QueryEditor
      datasource={ds}
      query={query}
      app={app}
      onChange={(q) => {
        spy(q);
        setQuery(q);
      }}
      onRunQuery={() => undefined}
    />
  );
}

const base = (): VigilQuery => ({ ...defaultQuery('anomaly'), expr: 'up' });

describe('QueryEditor', () => {
  it('migrates an old query shape once, on load', async () => {
    const spy = jest.fn();
    const old = { refId: 'A', expr: 'up', model: 'holt-winters', sensitivity: 'high', runInBrowser: true } as unknown;
    render(<Host initial={old as VigilQuery} ds={fakeDatasource()} spy={spy} />);
    await waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
    expect(spy.mock.calls[0][0]).toMatchObject({
      schemaVersion: 1,
      queryType: 'anomaly',
      model: 'ets',
      execution: 'browser',
      options: { sensitivity: 0.75 },
    });
  });

  it('does not rewrite a current query on load', () => {
    const spy = jest.fn();
    render(<Host initial={base()} ds={fakeDatasource()} spy={spy} />);
    expect(spy).not.toHaveBeenCalled();
  });

  it('typing a metric name fetches names through the proxy and completes the choice', async () => {
    const ds = fakeDatasource();
    const spy = jest.fn();
    render(<Host initial={{ ...base(), expr: '' }} ds={ds} spy={spy} />);
    const field = screen.getByLabelText('PromQL expression');
    await userEvent.type(field, 'rate(node_lo');
    const list = await screen.findByRole('listbox', { name: 'PromQL suggestions' });
    expect(ds.metricNames).toHaveBeenCalledTimes(1);
    expect([...list.querySelectorAll('[role=option]')].map((o) => o.textContent)).toEqual([
      'node_load11m load average'.replace('1m', 'gauge · 1m'),
      'node_load5',
    ]);
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ expr: 'rate(node_load5' }));
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('inside a selector it suggests label names, then the values of that label for that metric', async () => {
    const ds = fakeDatasource();
    render(<Host initial={{ ...base(), expr: '' }} ds={ds} spy={jest.fn()} />);
    const field = screen.getByLabelText('PromQL expression');
    await userEvent.type(field, 'up{{');
    const labels = await screen.findByRole('listbox');
    expect(ds.labelNames).toHaveBeenCalledWith('up');
    // __name__ is not a label users write in a selector.
    expect(labels.textContent).toBe('instancejob');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    await userEvent.type(field, '="pro');
    const values = await screen.findByRole('listbox');
    expect(ds.labelValues).toHaveBeenCalledWith('job', 'up');
    expect(values.textContent).toBe('prometheus');
    await userEvent.keyboard('{Tab}');
    expect(field).toHaveValue('up{job="prometheus');
  });

  it('a failed suggestion fetch shows no list and is retried on the next keystroke', async () => {
    const metricNames = jest.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValue(['up']);
    render(<Host initial={{ ...base(), expr: '' }} ds={fakeDatasource({ metricNames })} spy={jest.fn()} />);
    await userEvent.type(screen.getByLabelText('PromQL expression'), 'u');
    await act(async () => undefined);
    expect(screen.queryByRole('listbox')).toBeNull();
    await userEvent.type(screen.getByLabelText('PromQL expression'), 'p');
    await act(async () => undefined);
    expect(metricNames).toHaveBeenCalledTimes(2);
  });

  it('changing the model updates the query and its description', async () => {
    const spy = jest.fn();
    render(<Host initial={base()} ds={fakeDatasource()} spy={spy} />);
    expect(screen.getByTestId('vigil-model-description')).toHaveTextContent(/seasonal and adaptive combined/);
    const select = screen.getByLabelText('Model');
    fireEvent.keyDown(select, { key: 'ArrowDown' });
    await userEvent.click(await screen.findByText('Holt-Winters (ETS)'));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ model: 'ets' }));
    expect(screen.getByTestId('vigil-model-description')).toHaveTextContent(/exponential smoothing/);
  });

  it('shows validation errors inline, at the field', async () => {
    render(
      <Host
        initial={{ ...base(), options: { ...base().options, sensitivity: 3, trainingWindow: '4 weeks' } }}
        ds={fakeDatasource()}
        spy={jest.fn()}
      />
    );
    expect(screen.getByLabelText('Sensitivity')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/sensitivity must be/i)).toBeInTheDocument();
    expect(screen.getByLabelText('Training window')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/invalid duration "4 weeks"/)).toBeInTheDocument();
    expect(screen.getByLabelText('Min abs deviation')).toHaveAttribute('aria-invalid', 'false');
  });

  it('switching outputs and execution updates the query', async () => {
    const spy = jest.fn();
    render(<Host initial={base()} ds={fakeDatasource()} spy={spy} />);
    await userEvent.click(screen.getByRole('checkbox', { name: /Anomalies/ }));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ outputs: expect.arrayContaining(['anomalies']) }));
    await userEvent.click(screen.getByText('Browser'));
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ execution: 'browser' }));
  });

  it('backtest shows thresholds, for and refitEvery', async () => {
    const spy = jest.fn();
    render(<Host initial={base()} ds={fakeDatasource()} spy={spy} />);
    await userEvent.click(screen.getByText('Backtest'));
    expect(spy).toHaveBeenLastCalledWith(
      expect.objectContaining({ queryType: 'backtest', for: expect.any(String), refitEvery: '6h' })
    );
    expect(screen.getByLabelText('Threshold 1 severity')).toHaveValue('warning');
    expect(screen.getByLabelText('Refit every')).toHaveValue('6h');
  });

  it('in the alert rule editor: no browser execution, no backtest, score output only', () => {
    const spy = jest.fn();
    render(
      <Host
        initial={{ ...base(), execution: 'browser' }}
        ds={fakeDatasource()}
        app={CoreApp.UnifiedAlerting}
        spy={spy}
      />
    );
    expect(screen.queryByText('Browser')).toBeNull();
    expect(screen.queryByText('Backtest')).toBeNull();
    expect(screen.getByRole('checkbox', { name: /Score/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /^Value/ })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: /^Value/ })).toBeDisabled();
  });
});
