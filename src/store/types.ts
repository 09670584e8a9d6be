import type { Model, SerializedModel } from '../model';
import type { CorruptModelError } from './errors';
import type { SeriesKeyParts } from './seriesKey';
import type { ModelSummary, ModelVersion } from '../query/api';

/** What a training adds to a version beyond the model itself. */
export interface SaveMeta {
  /** Fit statistics (residual spread, chosen kind, fit duration, ...): any JSON object. */
  fitStats?: Readonly<Record<string, unknown>>;
  /** Descriptive parts of the key (expression, labels, ...) kept with the key for listing. */
  parts?: SeriesKeyParts;
  /** Creation time, epoch ms; defaults to now. */
  createdAtMs?: number;
}

/**
 * One stored version without its model: what history and inspection show. The resource API answers
 * with it as is, so its shape is the wire contract's (src/query/api.ts).
 */
export type VersionInfo = ModelVersion;

/** A stored version loaded back into a model through src/model's loadModel(). */
export interface LoadedVersion {
  info: VersionInfo;
  model: Model;
}

/** What `activeLoadable` returns: the model to score with and, if it is not the active one, why. */
export interface LoadableVersion extends LoadedVersion {
  /** Newer-or-active versions skipped because they do not load, newest first. Empty when the active one loaded. */
  skipped: CorruptModelError[];
  /** Set when a fallback happened: says which version is used instead of which, and why. */
  note?: string;
}

/** One key in `list()`, as the resource API lists it (src/query/api.ts). */
export type KeySummary = ModelSummary;

export interface ListOptions {
  /** Only keys starting with this (see `datasourcePrefix`, `queryPrefix`). */
  prefix?: string;
  /** Page size, 1..10000; default 100. */
  limit?: number;
  offset?: number;
}

export interface ListPage {
  items: KeySummary[];
  /** Keys matching the prefix in total, for paging. */
  total: number;
}

/** Result of a write probe for CheckHealth. */
export interface WritableCheck {
  ok: boolean;
  message: string;
}

/**
 * Where trained models live. Versions are immutable; a key's active version is its pin, else its
 * latest. Methods are async so a networked store (PostgreSQL, for Grafana HA) can implement the
 * same interface; the embedded SQLite store answers synchronously underneath.
 *
 * Lookups of a missing key or version resolve to `undefined`; mutations of a missing key or
 * version reject with a StoreError of code `not_found`. A version whose stored model does not load
 * rejects with a CorruptModelError naming key and version.
 */
export interface ModelStore {
  /** Stores a new immutable version (1, 2, 3, ... per key) and returns its number. */
  saveVersion(key: string, model: Model | SerializedModel, meta?: SaveMeta): Promise<number>;
  latest(key: string): Promise<LoadedVersion | undefined>;
  get(key: string, version: number): Promise<LoadedVersion | undefined>;
  /** The pinned version, else the latest. */
  active(key: string): Promise<LoadedVersion | undefined>;
  /** The active version if it loads, else the newest version that does, saying so in `note`. */
  activeLoadable(key: string): Promise<LoadableVersion | undefined>;
  /** Metadata of one version, without loading its model. */
  info(key: string, version: number): Promise<VersionInfo | undefined>;
  /** The stored model JSON text, exactly as saved (for export and inspection). */
  rawModel(key: string, version: number): Promise<string | undefined>;
  pin(key: string, version: number): Promise<void>;
  unpin(key: string): Promise<void>;
  /** Pins the newest version older than the active one and returns it. */
  rollback(key: string): Promise<number>;
  list(options?: ListOptions): Promise<ListPage>;
  /** Every version of a key, newest first. Empty for an unknown key. */
  history(key: string): Promise<VersionInfo[]>;
  /** Removes the key and all its versions; returns how many versions were removed (0 if none). */
  deleteKey(key: string): Promise<number>;
  /** Keeps the newest `keepLast` versions and the pinned one; returns the removed version numbers. */
  prune(key: string, keepLast: number): Promise<number[]>;
  /** Writes and rolls back a probe row: can this store take a new version right now? */
  checkWritable(): Promise<WritableCheck>;
  close(): Promise<void>;
}
