/**
 * Helpers over the data source settings (types.ts) that the backend and the ConfigEditor share.
 */
import { parseDuration } from './duration';
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

/**
 * Scheduled retraining when jsonData.retrainEvery is not set: every 6 hours, the refit schedule
 * detection quality is measured with (`vigil eval`, `vigil backtest`). Models that wait a day
 * between trainings follow a new normal late: on the NAB split `auto` scores 61.9 (standard)
 * refitted every 6 h and 41.9 refitted daily. A sweep fetches each query's window once for all
 * its series, so the cost is one range query per panel query and one fit per series.
 */
export const DEFAULT_RETRAIN_EVERY = '6h';

/**
 * jsonData.retrainEvery as milliseconds: 0 when scheduled retraining is off ("0", "0s", "off"),
 * the default (6h) when unset or blank, else the duration; an error message a user can act on
 * when it is not a duration.
 */
export function parseRetrainEvery(value: unknown): { ok: true; ms: number } | { ok: false; error: string } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { ok: true, ms: parseDuration(DEFAULT_RETRAIN_EVERY) };
  }
  if (typeof value !== 'string') {
    return { ok: false, error: `retrainEvery must be a duration such as 24h, or "off"; got ${JSON.stringify(value)}` };
  }
  const text = value.trim().toLowerCase();
  if (text === 'off' || text === '0') {
    return { ok: true, ms: 0 };
  }
  try {
    return { ok: true, ms: parseDuration(text) };
  } catch (e) {
    return { ok: false, error: `retrainEvery: ${(e as Error).message}, or "off" to turn scheduled retraining off` };
  }
}
