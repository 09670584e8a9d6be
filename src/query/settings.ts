/**
 * Helpers over the data source settings (types.ts) that the backend and the ConfigEditor share.
 */
import type { VigilJsonData, VigilSecureJsonData } from './types';

const HEADER_NAME = /^httpHeaderName(\d+)$/;

/**
 * The custom headers to send to Prometheus, in their configured order: jsonData.httpHeaderNameN
 * paired with secureJsonData.httpHeaderValueN. Blank names are skipped; a name without a stored
 * value is sent with an empty value (as Grafana does).
 */
export function customHeaders(
  jsonData: VigilJsonData | undefined,
  secure: VigilSecureJsonData | undefined
): Array<[name: string, value: string]> {
  const found: Array<[index: number, name: string, value: string]> = [];
  for (const [key, name] of Object.entries(jsonData ?? {})) {
    const m = HEADER_NAME.exec(key);
    if (m && typeof name === 'string' && name.trim() !== '') {
      const value = secure?.[`httpHeaderValue${m[1]}` as `httpHeaderValue${number}`];
      found.push([Number(m[1]), name.trim(), typeof value === 'string' ? value : '']);
    }
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, name, value]) => [name, value]);
}
