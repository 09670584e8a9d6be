import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import { DEFAULT_QUERY, VigilDataSourceOptions, VigilQuery } from './types';

export class DataSource extends DataSourceWithBackend<VigilQuery, VigilDataSourceOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<VigilDataSourceOptions>) {
    super(instanceSettings);
  }

  override getDefaultQuery(_: CoreApp): Partial<VigilQuery> {
    return DEFAULT_QUERY;
  }

  // Queries without an expression are not sent to the backend.
  override filterQuery(query: VigilQuery): boolean {
    return !query.hide && query.expr.trim() !== '';
  }

  override applyTemplateVariables(query: VigilQuery, scopedVars: ScopedVars): VigilQuery {
    return { ...query, expr: getTemplateSrv().replace(query.expr, scopedVars) };
  }
}
