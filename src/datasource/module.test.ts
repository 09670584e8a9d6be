import { plugin } from './module';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import pluginJson from './plugin.json';

describe('data source module', () => {
  it('registers the editors', () => {
    expect(plugin.components.QueryEditor).toBe(QueryEditor);
    expect(plugin.components.ConfigEditor).toBe(ConfigEditor);
  });

  it('declares a backend data source that supports alerting and annotations', () => {
    expect(pluginJson).toMatchObject({
      annotations: true,
      type: 'datasource',
      id: 'vigil-anomaly-datasource',
      backend: true,
      alerting: true,
      executable: 'gpx_vigil',
    });
  });
});
