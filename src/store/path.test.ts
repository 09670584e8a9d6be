import * as path from 'path';
import { resolveStorePath } from './path';

describe('resolveStorePath', () => {
  test('defaults to vigil/models.db under GF_PATHS_DATA', () => {
    expect(resolveStorePath(undefined, { GF_PATHS_DATA: '/var/lib/grafana' }, '/x')).toBe(
      '/var/lib/grafana/vigil/models.db'
    );
    expect(resolveStorePath('', { GF_PATHS_DATA: '/var/lib/grafana' }, '/x')).toBe('/var/lib/grafana/vigil/models.db');
  });

  test('without GF_PATHS_DATA uses the current directory', () => {
    expect(resolveStorePath(undefined, {}, '/srv/app')).toBe(path.join('/srv/app', 'vigil', 'models.db'));
    expect(resolveStorePath(undefined, { GF_PATHS_DATA: '  ' }, '/srv/app')).toBe('/srv/app/vigil/models.db');
  });

  test('a configured path is absolute as given, or relative to the data directory', () => {
    const env = { GF_PATHS_DATA: '/var/lib/grafana' };
    expect(resolveStorePath('/data/m.db', env, '/x')).toBe('/data/m.db');
    expect(resolveStorePath('stores/m.db', env, '/x')).toBe('/var/lib/grafana/stores/m.db');
    expect(resolveStorePath(':memory:', env, '/x')).toBe(':memory:');
    expect(resolveStorePath(undefined, { GF_PATHS_DATA: 'data' }, '/srv')).toBe('/srv/data/vigil/models.db');
  });
});
