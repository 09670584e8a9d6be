import * as path from 'path';

/** File name of the embedded store under the data directory. */
export const DEFAULT_STORE_FILE = path.join('vigil', 'models.db');

/**
 * Where the embedded model store lives. Grafana tells a backend plugin its data directory in
 * GF_PATHS_DATA; without it (a standalone run) the current directory stands in.
 *
 * - no configured path: `<data dir>/vigil/models.db`;
 * - an absolute configured path: used as is;
 * - a relative configured path: resolved against the data directory;
 * - `:memory:`: a private in-memory database (tests, dry runs).
 */
export function resolveStorePath(
  configured?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd()
): string {
  const trimmed = configured?.trim() ?? '';
  if (trimmed === ':memory:') {
    return trimmed;
  }
  const dataDir = path.resolve(cwd, env.GF_PATHS_DATA?.trim() || '.');
  return path.resolve(dataDir, trimmed === '' ? DEFAULT_STORE_FILE : trimmed);
}
