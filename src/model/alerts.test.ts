import { simulateAlerts, smoothScore } from './alerts';

const t = Float64Array.from({ length: 20 }, (_, i) => i * 60_000);

describe('alert simulation', () => {
  it('fires only after the pending period and ends when the score falls', () => {
    const s = new Float64Array(20);
    s.fill(3, 5, 12); // above threshold from 5 to 11 inclusive
    const ev = simulateAlerts(t, s, { severity: 'warning', threshold: 1, forMs: 3 * 60_000 });
    expect(ev).toHaveLength(1);
    expect(ev[0].pendingFromMs).toBe(5 * 60_000);
    expect(ev[0].fromMs).toBe(8 * 60_000);
    expect(ev[0].toMs).toBe(11 * 60_000);
  });

  it('does not page on a blip shorter than the pending period', () => {
    const s = new Float64Array(20);
    s[7] = 50;
    expect(simulateAlerts(t, s, { severity: 'warning', threshold: 1, forMs: 60_000 })).toHaveLength(0);
  });

  it('smooths causally over a trailing window', () => {
    const s = new Float64Array(20);
    s[10] = 6;
    const m = smoothScore(t, s, 3 * 60_000);
    expect(m[9]).toBe(0);
    expect(m[10]).toBeCloseTo(2);
    expect(m[12]).toBeCloseTo(2);
    expect(m[13]).toBe(0);
  });
});
