// Turns what went wrong in a query into a DataResponse: an HTTP-like status, the message, and who is
// at fault (errorSource): Prometheus and the user's query are 'downstream', our own bugs 'plugin'.

import { PrometheusError } from '../../prometheus/decode';
import type { QueryError } from '../../query/validate';
import { StoreError } from '../../store';
import type { DataResponse } from '../protocol/messages';
import { BacktestLimitError } from './replay';
import { ResponseLimitError } from './responseBudget';
import { SettingsError } from './settings';

/** The status for a Prometheus failure: 400 for a bad query, 502/503/504 when Prometheus is unavailable. */
export function prometheusStatus(err: PrometheusError): number {
  switch (err.errorType) {
    case 'bad_data':
    case 'limit':
      return 400;
    case 'execution':
      return err.status && err.status >= 400 ? err.status : 422;
    case 'timeout':
      return 504;
    case 'unavailable':
      return 503;
    case 'network':
    case 'decode':
      return 502;
    case 'canceled':
      return 499;
    default:
      return err.status && err.status >= 400 && err.status < 600 ? err.status : 502;
  }
}

const LIMIT_HINT =
  ' (an admin can change this limit in the data source settings: maxSeriesPerQuery, maxPointsPerQuery)';

export function validationResponse(errors: QueryError[]): DataResponse {
  const text = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
  return { status: 400, error: `invalid query: ${text}`, errorSource: 'plugin' };
}

export function errorResponse(err: unknown): DataResponse {
  if (err instanceof PrometheusError) {
    const hint =
      err.errorType === 'limit' && /^too many (series|points: the query returns)/.test(err.message) ? LIMIT_HINT : '';
    return { status: prometheusStatus(err), error: err.message + hint, errorSource: err.source };
  }
  if (err instanceof SettingsError || err instanceof BacktestLimitError || err instanceof ResponseLimitError) {
    return { status: 400, error: err.message, errorSource: 'plugin' };
  }
  if (err instanceof StoreError) {
    return { status: 500, error: `model store: ${err.message}`, errorSource: 'plugin' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, error: `internal error: ${message}`, errorSource: 'plugin' };
}
