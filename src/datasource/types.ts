import type { DataSourceJsonData } from '@grafana/data';
import type { VigilJsonData, VigilQuery, VigilSecureJsonData } from '../query/types';

// The query and settings schema is src/query's (shared with the backend); these add Grafana's view.
export type { VigilQuery, VigilSecureJsonData };

/** The data source's jsonData as Grafana types it. */
export type VigilDataSourceOptions = VigilJsonData & DataSourceJsonData;

/**
 * A template variable query, Prometheus data source style: label_values(label),
 * label_values(metric, label), metrics(regex), label_names().
 */
export interface VigilVariableQuery {
  refId: string;
  query: string;
}
