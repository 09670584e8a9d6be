import { DataSourcePlugin } from '@grafana/data';
import { DataSource } from './datasource';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { VigilDataSourceOptions, VigilQuery, VigilSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<DataSource, VigilQuery, VigilDataSourceOptions, VigilSecureJsonData>(
  DataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
