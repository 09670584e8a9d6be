import { customHeaders } from './settings';
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
