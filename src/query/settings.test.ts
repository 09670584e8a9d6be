import { customHeaders, parseRetrainEvery } from './settings';
import type { VigilJsonData, VigilSecureJsonData } from './types';

describe('customHeaders', () => {
  it('pairs numbered names with their secure values in order', () => {
    const jsonData: VigilJsonData = {
      httpHeaderName2: 'X-Org',
      httpHeaderName1: ' X-Scope ',
      httpHeaderName3: ' ',
      prometheusUrl: 'http://p',
    };
    const secure: VigilSecureJsonData = { httpHeaderValue1: 'tenant-a', httpHeaderValue3: 'ignored' };
    expect(customHeaders(jsonData, secure)).toEqual([
      ['X-Scope', 'tenant-a'],
      ['X-Org', ''],
    ]);
  });

  it('handles missing settings', () => {
    expect(customHeaders(undefined, undefined)).toEqual([]);
  });
});

describe('parseRetrainEvery', () => {
  it('defaults to 6h (the refit schedule detection is measured with) when unset or blank; 0 and off turn it off', () => {
    expect(parseRetrainEvery(undefined)).toEqual({ ok: true, ms: 6 * 3_600_000 });
    expect(parseRetrainEvery('  ')).toEqual({ ok: true, ms: 6 * 3_600_000 });
    for (const off of ['0', 'off', 'OFF', '0s']) {
      expect(parseRetrainEvery(off)).toEqual({ ok: true, ms: 0 });
    }
    expect(parseRetrainEvery('6h')).toEqual({ ok: true, ms: 6 * 3_600_000 });
  });

  it('says what to write instead of a bad value', () => {
    const bad = parseRetrainEvery('daily');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/retrainEvery: invalid duration "daily".*"off"/);
    const num = parseRetrainEvery(3600);
    expect(!num.ok && num.error).toMatch(/a duration such as 24h/);
  });
});
