/**
 * The model store: immutable model versions per series key, pins, metadata. Node only.
 */
export type {
  KeySummary,
  ListOptions,
  ListPage,
  LoadableVersion,
  LoadedVersion,
  ModelStore,
  SaveMeta,
  VersionInfo,
  WritableCheck,
} from './types';
export { CorruptModelError, SchemaTooNewError, StoreError, type StoreErrorCode } from './errors';
export {
  canonicalJSON,
  canonicalLabels,
  datasourcePrefix,
  queryPrefix,
  seriesKey,
  type SeriesKeyParts,
} from './seriesKey';
export { DEFAULT_STORE_FILE, resolveStorePath } from './path';
export { SCHEMA_VERSION, type Migration } from './schema';
export { SqliteModelStore, checkStorePath, type SqliteStoreOptions } from './sqlite';
