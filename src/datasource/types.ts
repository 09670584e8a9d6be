import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// Placeholder query model: the real schema (types, defaults, validation, migration) lives in src/query.
export interface VigilQuery extends DataQuery {
  /** PromQL expression whose series are scored. */
  expr: string;
  /** Model kind or stored model id; empty means the data source default. */
  model?: string;
}

export const DEFAULT_QUERY: Partial<VigilQuery> = {
  expr: '',
};

/** Options stored in the data source instance's jsonData (visible to the browser). */
export interface VigilDataSourceOptions extends DataSourceJsonData {
  prometheusUrl?: string;
}

/** Options stored in secureJsonData: only the backend ever sees them decrypted. */
export interface VigilSecureJsonData {
  prometheusPassword?: string;
}
