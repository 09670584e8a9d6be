import React from 'react';
import { configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { dateTime, makeTimeRange } from '@grafana/data';
import { FakeVigilBackend, FAKE_UID, T0 } from '../../components/testing/fakeBackend';
import { stubCanvasText } from '../../components/testing/canvas';
import { backendSrvTransport, makeResources } from '../../components/resources';
import type { BacktestAnswer, BacktestRequest } from '../../query/api';
import { BacktestView } from './BacktestView';

jest.setTimeout(30_000);
beforeAll(stubCanvasText);
// Rendering @grafana/ui in jsdom on a busy 2-core machine can take seconds: wait, do not flake.
configure({ asyncUtilTimeout: 10_000 });

const DAY = 86_400_000;
const FROM = T0;
const TO = T0 + 14 * DAY;

function setup(tweak: (b: FakeVigilBackend) => void = () => {}, expr = 'rate(http_requests_total[5m])') {
  const backend = new FakeVigilBackend();
  tweak(backend);
  const resources = makeResources(backendSrvTransport(FAKE_UID, backend.srv));
  // Keep the answers the page received, to compare what it draws against them.
  const answers: BacktestAnswer[] = [];
  const backtest = resources.backtest;
  resources.backtest = async (req) => {
    const a = await backtest(req);
    answers.push(a);
    return a;
  };
  render(
    <BacktestView
      resources={resources}
      initialForm={{ expr }}
      initialRange={makeTimeRange(dateTime(FROM), dateTime(TO))}
      timeZone="utc"
    />
  );
  return { backend, answers };
}

const run = () => fireEvent.click(screen.getByText('Run backtest'));
const requests = (b: FakeVigilBackend) =>
  b.calls.filter((c) => c.path === 'backtest').map((c) => c.body as BacktestRequest);

describe('BacktestView', () => {
  it('runs the backtest and draws a chart per series with its alerts, and the per-week summary', async () => {
    const { backend, answers } = setup();
    run();
    expect(await screen.findByText('Would-be alerts')).toBeInTheDocument();

    const [req] = requests(backend);
    expect(req).toMatchObject({
      fromMs: FROM,
      toMs: TO,
      smoothing: '5m',
      query: {
        expr: 'rate(http_requests_total[5m])',
        model: 'auto',
        for: '5m',
        thresholds: [
          { severity: 'warning', score: 1 },
          { severity: 'critical', score: 2 },
        ],
      },
    });

    const answer = answers[0];
    for (const s of answer.series) {
      const chart = screen.getByLabelText(`${s.name}: value with its expected band, and the anomaly score`);
      const regions = chart.querySelectorAll('[data-testid="alert-region"]');
      expect(regions).toHaveLength(answer.alerts.filter((a) => a.series === s.name).length);
      expect(chart.querySelectorAll('[data-testid="threshold"]')).toHaveLength(2);
      expect(chart.querySelector('[data-testid="band"]')?.getAttribute('d')).toMatch(/^M.*Z$/);
      // The gap in the value (a null sample) lifts the pen: more than one subpath.
      expect(chart.querySelector('[data-testid="value"]')?.getAttribute('d')?.match(/M/g)?.length).toBeGreaterThan(1);
    }
    expect(answer.alerts.length).toBeGreaterThan(0);

    const summary = screen.getByLabelText('Alert summary');
    for (const s of answer.summary) {
      const row = within(summary).getByText(`score > ${s.score} for 5m`).closest('tr') as HTMLElement;
      expect(row).toHaveTextContent(
        `${s.severity}score > ${s.score} for 5m${s.alerts}${Number(s.alertsPerWeek.toFixed(2))}`
      );
    }
    const bars = [...summary.querySelectorAll('[data-testid="week-bar"]')];
    expect(bars).toHaveLength(2 * 2); // two weeks × two severities
    for (const s of answer.summary) {
      const perWeek = bars.filter((b) => b.getAttribute('data-severity') === s.severity);
      expect(perWeek.reduce((n, b) => n + Number(b.getAttribute('data-count')), 0)).toBe(s.alerts);
    }
    expect(screen.getByText('worker: warming up for the first 2h')).toBeInTheDocument();
  });

  it('sends the thresholds, for and smoothing the user sets, and shows fewer alerts above the scores', async () => {
    const { backend, answers } = setup();
    fireEvent.change(screen.getByLabelText(/^warning threshold/i), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText(/^critical threshold/i), { target: { value: '6' } });
    fireEvent.change(screen.getByLabelText(/^for/i), { target: { value: '15m' } });
    fireEvent.change(screen.getByLabelText(/^smoothing/i), { target: { value: '10m' } });
    run();
    await screen.findByText('Would-be alerts');
    expect(requests(backend)[0]).toMatchObject({
      smoothing: '10m',
      query: { for: '15m', thresholds: [{ score: 5 }, { score: 6 }] },
    });
    // The fake's scores never pass 3: no alert at these thresholds, and no region drawn.
    expect(answers[0].alerts).toHaveLength(0);
    expect(document.querySelectorAll('[data-testid="alert-region"]')).toHaveLength(0);
    expect(screen.getAllByText('0 warning')).toHaveLength(2);
  });

  it('shows problems at the field and sends nothing', async () => {
    const { backend } = setup(() => {}, '');
    fireEvent.change(screen.getByLabelText(/^smoothing/i), { target: { value: '5x' } });
    run();
    expect(await screen.findByText(/enter a PromQL expression/)).toBeInTheDocument();
    expect(screen.getByText(/invalid duration "5x"/)).toBeInTheDocument();
    expect(requests(backend)).toHaveLength(0);
  });

  it("shows the backend's message when the backtest fails", async () => {
    setup((b) => (b.failBacktest = [400, 'bad_data: 1:6: parse error: unclosed left parenthesis']));
    run();
    expect(await screen.findByText('The backtest failed')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText(/unclosed left parenthesis \(HTTP 400\)/)).toBeInTheDocument());
  });
});
