import React from 'react';
import { configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeVigilBackend, FAKE_UID } from '../../components/testing/fakeBackend';
import { stubCanvasText } from '../../components/testing/canvas';
import { backendSrvTransport, makeResources } from '../../components/resources';
import { ModelsView } from './ModelsView';

jest.setTimeout(30_000);
beforeAll(stubCanvasText);
// Rendering @grafana/ui in jsdom on a busy 2-core machine can take seconds: wait, do not flake.
configure({ asyncUtilTimeout: 10_000 });

function setup(tweak: (b: FakeVigilBackend) => void = () => {}) {
  const backend = new FakeVigilBackend();
  const api = backend.addModel('rate(http_requests_total[5m])', { job: 'api', instance: 'a:9100' }, 'seasonal', 2);
  const worker = backend.addModel('process_resident_memory_bytes', { job: 'worker' }, 'ets', 1);
  tweak(backend);
  const resources = makeResources(backendSrvTransport(FAKE_UID, backend.srv));
  render(<ModelsView resources={resources} pollMs={5} />);
  return { backend, api, worker, user: userEvent.setup({ skipHover: true }) };
}

const row = (text: RegExp) => screen.getByText(text).closest('tr') as HTMLElement;

async function expand(text: RegExp, user: ReturnType<typeof userEvent.setup>) {
  await user.click(within(row(text)).getByLabelText(/toggle row expanded/i));
  return screen.findByText(/versions?; active/);
}

describe('ModelsView', () => {
  it('lists every model with its series, kind and versions, and filters by search', async () => {
    const { user } = setup();
    expect(await screen.findByText('rate(http_requests_total[5m])')).toBeInTheDocument();
    expect(screen.getByText('{instance="a:9100", job="api"}')).toBeInTheDocument();
    expect(within(row(/http_requests_total/)).getByText('seasonal')).toBeInTheDocument();
    expect(within(row(/http_requests_total/)).getByText('2 (latest v2)')).toBeInTheDocument();
    expect(within(row(/resident_memory/)).getByText('ets')).toBeInTheDocument();
    expect(screen.getByText('2 models')).toBeInTheDocument();

    await user.type(screen.getByPlaceholderText(/search/i), 'worker');
    expect(screen.queryByText('rate(http_requests_total[5m])')).not.toBeInTheDocument();
    expect(screen.getByText('process_resident_memory_bytes')).toBeInTheDocument();
    expect(screen.getByText('1 of 2 models')).toBeInTheDocument();
  });

  it('expands a row into its version history, newest first', async () => {
    const { user } = setup();
    await screen.findByText('rate(http_requests_total[5m])');
    expect(await expand(/http_requests_total/, user)).toHaveTextContent('2 versions; active v2 (latest)');
    const history = document.querySelectorAll('table')[1] as HTMLElement;
    const versions = within(history)
      .getAllByText(/^v\d+$/)
      .map((e) => e.textContent);
    expect(versions).toEqual(['v2', 'v1']);
    expect(within(history).getAllByText('fitMs: 12.5')).toHaveLength(2);
    expect(within(history).getByText('reason: fit 2')).toBeInTheDocument();
    expect(screen.getAllByText('4.0 KiB').length).toBe(1);
  });

  it('pins, rolls back, unpins and deletes through the right routes', async () => {
    const { backend, api, user } = setup();
    await screen.findByText('rate(http_requests_total[5m])');
    await expand(/http_requests_total/, user);
    const enc = `models/${encodeURIComponent(api)}`;

    await user.click(screen.getByLabelText('Pin version 1'));
    await screen.findByText('2 versions; active v1 (pinned)');
    expect(backend.calls).toContainEqual(
      expect.objectContaining({ method: 'POST', path: `${enc}/pin`, body: { version: 1 } })
    );
    expect(await within(row(/http_requests_total/)).findByText('pinned v1')).toBeInTheDocument();

    await user.click(screen.getByText('Unpin'));
    await screen.findByText('2 versions; active v2 (latest)');
    expect(backend.calls).toContainEqual(expect.objectContaining({ method: 'POST', path: `${enc}/unpin` }));

    await user.click(screen.getByText('Roll back'));
    await screen.findByText('2 versions; active v1 (pinned)');
    expect(backend.calls).toContainEqual(expect.objectContaining({ method: 'POST', path: `${enc}/rollback` }));

    await user.click(screen.getByLabelText(/delete rate\(http_requests_total/i));
    const dialog = (await screen.findByText(/delete every version of/i)).closest('[role="dialog"]') as HTMLElement;
    expect(backend.calls.some((c) => c.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByText('Delete'));
    await waitFor(() => expect(screen.queryByText('rate(http_requests_total[5m])')).not.toBeInTheDocument());
    expect(backend.calls).toContainEqual(expect.objectContaining({ method: 'DELETE', path: enc }));
    expect(screen.getByText('1 models')).toBeInTheDocument();
  });

  it('retrains with a progress bar showing each stage until the new version is saved', async () => {
    const { backend, worker, user } = setup((b) => (b.trainingSteps = 0));
    await screen.findByText('process_resident_memory_bytes');
    await user.click(screen.getByLabelText(/retrain process_resident_memory_bytes/i));
    expect(await screen.findByText('0% queued')).toBeInTheDocument();

    backend.trainingSteps = 1;
    expect(await screen.findByText('25% fetching 28d from Prometheus')).toBeInTheDocument();
    const bar = screen.getByLabelText('fetching 28d from Prometheus');
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByLabelText(/retrain process_resident_memory_bytes/i)).toHaveAttribute('aria-disabled', 'true');

    backend.trainingSteps = 1;
    expect(await screen.findByText('70% fitting seasonal')).toBeInTheDocument();

    backend.trainingSteps = Infinity;
    expect(await screen.findByText('trained v2', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByText(/fitting seasonal/)).not.toBeInTheDocument();
    expect(await within(row(/resident_memory/)).findByText('2 (latest v2)')).toBeInTheDocument();
    expect(backend.calls).toContainEqual(
      expect.objectContaining({ method: 'POST', path: `models/${encodeURIComponent(worker)}/train` })
    );
    expect(backend.calls.filter((c) => c.path === 'jobs/job-1').length).toBeGreaterThanOrEqual(3);
  });

  it('shows why a training failed', async () => {
    const { user } = setup((b) => (b.failTraining = 'Prometheus answered 503: service unavailable'));
    await screen.findByText('process_resident_memory_bytes');
    await user.click(screen.getByLabelText(/retrain process_resident_memory_bytes/i));
    expect(await screen.findByText('Training failed')).toBeInTheDocument();
    expect(screen.getByText('Prometheus answered 503: service unavailable')).toBeInTheDocument();
    expect(screen.getByText('training failed')).toBeInTheDocument();
  });

  it("shows the backend's message when a Viewer tries to change a model", async () => {
    const { user } = setup((b) => (b.role = 'Viewer'));
    await screen.findByText('process_resident_memory_bytes');
    await user.click(screen.getByLabelText(/retrain process_resident_memory_bytes/i));
    const alert = (await screen.findByText('Could not retrain')).closest('[role="alert"]');
    expect(alert).toHaveTextContent('Could not retrain');
    expect(alert).toHaveTextContent('train needs the Editor or Admin role; user viewer has role Viewer (HTTP 403)');

    await expand(/resident_memory/, user);
    // Only one version: nothing earlier to roll back to, so the button is disabled rather than failing.
    expect(screen.getByText('Roll back').closest('button')).toHaveAttribute('aria-disabled', 'true');
  });
});
