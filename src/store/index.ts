/**
 * The model store: immutable model versions per series key, pins, metadata. Node only.
 *
 *   const store = SqliteModelStore.open(resolveStorePath(settings.storePath)); // <GF_PATHS_DATA>/vigil/models.db
 *   const key = seriesKey({ datasourceUid, expr, kind, options, labels });
 *   const version = await store.saveVersion(key, fit.model, { fitStats, parts });
 *   const use = await store.activeLoadable(key); // pinned, else latest; falls back past corrupt versions
 *   if (use?.note) frameNotice(use.note);
 *
 * `ModelStore` is the interface every face uses; `SqliteModelStore` is the embedded implementation
 * (node:sqlite, WAL, one transaction per mutation); `PostgresModelStore` (node-postgres) is the
 * store for Grafana HA, several instances on one database. Both pass tests/store/conformance.ts. Durability: with the default `synchronous: 'normal'` a killed process never loses
 * a committed version; a power cut may lose the last commits, never earlier ones (`'full'` fsyncs
 * every commit).
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
export { PostgresModelStore, type PostgresStoreOptions } from './postgres';
export { parsePostgresUrl, urlHasPassword } from './postgresConfig';
export {
  DEFAULT_MODEL_CACHE_BYTES,
  DEFAULT_MODEL_CACHE_ENTRIES,
  ModelCache,
  type ModelCacheOptions,
  type ModelCacheStats,
} from './modelCache';
