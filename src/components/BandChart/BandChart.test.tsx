import React from 'react';
import { render, screen } from '@testing-library/react';
import { BandChart } from './BandChart';

const STEP = 60_000;
const T0 = Date.UTC(2025, 0, 6);

function series(n: number) {
  const t = Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const expected = t.map((_, i) => 50 + (i % 60));
  return {
    t,
    value: expected.map((e, i) => (i === 30 ? 500 : e)),
    expected,
    lower: expected.map((e) => e - 5),
    upper: expected.map((e) => e + 5),
    score: expected.map((_, i) => (i === 30 ? 9 : 0.3)),
  };
}

describe('BandChart', () => {
  it('draws value, band, expected and score, the thresholds, and each alert as a shaded region', () => {
    render(
      <BandChart
        title="api"
        width={600}
        series={series(120)}
        stepMs={STEP}
        thresholds={[
          { severity: 'warning', score: 1 },
          { severity: 'critical', score: 2 },
        ]}
        alerts={[
          {
            severity: 'critical',
            pendingFromMs: T0 + 25 * STEP,
            fromMs: T0 + 30 * STEP,
            toMs: T0 + 31 * STEP,
            peakScore: 9,
          },
        ]}
      />
    );
    const svg = screen.getByLabelText('api: value with its expected band, and the anomaly score');
    for (const part of ['band', 'expected', 'value', 'score']) {
      expect(svg.querySelector(`[data-testid="${part}"]`)?.getAttribute('d')).toMatch(/^M\d/);
    }
    expect(svg.querySelectorAll('[data-testid="threshold"]')).toHaveLength(2);
    expect(screen.getByText('critical > 2')).toBeInTheDocument();
    const region = svg.querySelector('[data-testid="alert-region"]')!;
    expect(region.getAttribute('data-severity')).toBe('critical');
    expect(region.querySelector('title')?.textContent).toMatch(/^critical: fired 2025-01-06 00:30.*peak score 9\.00/);
    // The firing part lies right of the pending part, both inside the plot.
    const [pending, firing] = [...region.querySelectorAll('rect')].map((r) => Number(r.getAttribute('x')));
    expect(firing).toBeGreaterThan(pending);
    expect(firing).toBeLessThan(600);
  });

  it('draws a month of minutes within the width, spikes kept', () => {
    const s = series(30 * 24 * 60);
    render(<BandChart title="long" width={800} series={s} />);
    const d = screen
      .getByLabelText(/^long:/)
      .querySelector('[data-testid="value"]')!
      .getAttribute('d')!;
    // About two points per pixel column, not 43,200.
    expect(d.split(/[ML]/).length).toBeLessThan(2 * 800 + 10);
  });

  it('renders an empty series without failing', () => {
    render(
      <BandChart
        title="none"
        width={300}
        series={{ t: [], value: [], expected: [], lower: [], upper: [], score: [] }}
      />
    );
    expect(screen.getByLabelText(/^none:/)).toBeInTheDocument();
  });
});
