import { formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it('parses Prometheus forms', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('28d')).toBe(28 * 86_400_000);
    expect(parseDuration('250ms')).toBe(250);
  });
  it('rejects junk with a hint', () => {
    expect(() => parseDuration('5 minutes')).toThrow(/invalid duration/);
    expect(() => parseDuration('')).toThrow(/invalid duration/);
    expect(() => parseDuration('10')).toThrow(/30s, 5m/);
  });
  it('formats back to the same value', () => {
    for (const d of ['1w2d', '1h30m', '45s', '3d']) {
      expect(parseDuration(formatDuration(parseDuration(d)))).toBe(parseDuration(d));
    }
  });
});
