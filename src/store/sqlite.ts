import * as fs from 'fs';
import * as path from 'path';
import { DatabaseSync, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import type { Model, SerializedModel } from '../model';
import { CorruptModelError, SchemaTooNewError, StoreError, type StoreErrorCode } from './errors';
import type { ModelCache } from './modelCache';
import { MIGRATIONS, type Migration } from './schema';
import type {
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
import {
  checkKeepLast,
  checkKey,
  checkListOptions,
  checkVersion,
  decodeModel,
  fallbackNote,
  INFO_COLUMNS,
  noneLoads,
  prepareVersion,
  toInfo,
  toInfoOrCorrupt,
  toKeySummary,
  headOf,
  type Head,
} from './versionRow';

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's write lock before failing, ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * `normal` (default): in WAL mode a crash of the process never loses a committed version and a
   * power cut may lose the last commits but never corrupts earlier ones. `full`: fsync every commit.
   */
  synchronous?: 'normal' | 'full';
  /** Page cache size in KiB (SQLite's default is 2000). Writes larger than the cache spill to the WAL before commit. */
  cacheSizeKiB?: number;
  /** Refuse stored models that do not load back through loadModel() at save time. Default true. */
  verifyOnSave?: boolean;
  /** Schema migrations to apply, oldest first. Only tests pass anything but the default. */
  migrations?: readonly Migration[];
  /**
   * Keeps loaded models in memory (shared by the stores of a process, bounded there). A hit still
   * reads the row's metadata and compares its identity (rowid, creation time, text length,
   * fingerprint), so a version replaced on disk is loaded again.
   */
  modelCache?: ModelCache;
  /** Fault injection for crash tests: called inside the save transaction, after the version row is written. */
  onSaveInTransaction?: (key: string, version: number) => void;
}

let storeCount = 0;

type Row = Record<string, SQLOutputValue>;

/**
 * The embedded model store: one SQLite file (Node's built-in node:sqlite, no native addon) in WAL
 * mode, so several connections - the plugin's query path, its scheduled trainer, a second Grafana
 * process on the same disk - read while one writes. Every mutation is one transaction: a crash
 * mid-write leaves the earlier versions exactly as they were.
 */
export class SqliteModelStore implements ModelStore {
  readonly path: string;
  readonly schemaVersion: number;
  /** `wal`, or `memory` for an in-memory database. */
  readonly journalMode: string;
  private readonly db: DatabaseSync;
  private readonly opts: Required<Pick<SqliteStoreOptions, 'busyTimeoutMs' | 'verifyOnSave'>> & SqliteStoreOptions;
  private readonly statements = new Map<string, StatementSync>();
  private readonly inode: number | undefined;
  /** This store's entries in the shared model cache (a path would not do: ':memory:' stores differ). */
  private readonly cacheScope = `store-${++storeCount}`;
  private closed = false;

  private constructor(
    db: DatabaseSync,
    file: string,
    schemaVersion: number,
    journalMode: string,
    opts: SqliteModelStore['opts']
  ) {
    this.db = db;
    this.path = file;
    this.schemaVersion = schemaVersion;
    this.journalMode = journalMode;
    this.opts = opts;
    this.inode = file === ':memory:' ? undefined : statInode(file);
  }

  /**
   * Opens (creating if needed, with its directory) the store at `file`, switches it to WAL, and
   * migrates its schema forward. Refuses, without touching it, a database from a newer schema.
   * Fails with a StoreError whose message says what to fix (permissions, locked, not a database).
   */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteModelStore {
    const opts = { busyTimeoutMs: 5000, verifyOnSave: true, ...options };
    if (typeof file !== 'string' || file.trim() === '') {
      throw new StoreError('invalid_argument', 'model store path must be a non-empty string');
    }
    if (!Number.isInteger(opts.busyTimeoutMs) || opts.busyTimeoutMs < 0) {
      throw new StoreError('invalid_argument', 'model store busyTimeoutMs must be an integer >= 0');
    }
    const memory = file === ':memory:';
    const resolved = memory ? file : path.resolve(file);
    if (!memory) {
      const dir = path.dirname(resolved);
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new StoreError(
          'cannot_open',
          `model store ${resolved}: cannot create its directory ${dir} (${(e as Error).message}); ` +
            `create it, or configure a model store path the Grafana user can write`,
          { cause: e }
        );
      }
    }
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(resolved, { timeout: opts.busyTimeoutMs, enableForeignKeyConstraints: true });
    } catch (e) {
      throw sqliteError(e, resolved, 'open', opts.busyTimeoutMs);
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${opts.busyTimeoutMs}`);
      const mode = db.prepare('PRAGMA journal_mode = WAL').get() as Row | undefined;
      const journalMode = String(mode?.journal_mode ?? '');
      db.exec(`PRAGMA synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      if (opts.cacheSizeKiB !== undefined) {
        if (!Number.isInteger(opts.cacheSizeKiB) || opts.cacheSizeKiB <= 0) {
          throw new StoreError('invalid_argument', 'model store cacheSizeKiB must be a positive integer');
        }
        db.exec(`PRAGMA cache_size = -${opts.cacheSizeKiB}`);
      }
      const schemaVersion = migrate(db, resolved, opts.migrations ?? MIGRATIONS);
      return new SqliteModelStore(db, resolved, schemaVersion, journalMode, opts);
    } catch (e) {
      db.close();
      throw e instanceof StoreError ? e : sqliteError(e, resolved, 'open', opts.busyTimeoutMs);
    }
  }

  async saveVersion(key: string, model: Model | SerializedModel, meta: SaveMeta = {}): Promise<number> {
    return this.guard('write', () => this.saveSync(key, model, meta));
  }

  async latest(key: string): Promise<LoadedVersion | undefined> {
    return this.guard('read', () => {
      const head = this.head(key);
      return head ? this.load(key, head.latest) : undefined;
    });
  }

  async get(key: string, version: number): Promise<LoadedVersion | undefined> {
    return this.guard('read', () => {
      checkVersion(version);
      return this.load(checkKey(key), version);
    });
  }

  async active(key: string): Promise<LoadedVersion | undefined> {
    return this.guard('read', () => {
      const head = this.head(key);
      return head ? this.load(key, head.active) : undefined;
    });
  }

  async activeLoadable(key: string): Promise<LoadableVersion | undefined> {
    return this.guard('read', () => {
      const head = this.head(key);
      if (!head) {
        return undefined;
      }
      const skipped: CorruptModelError[] = [];
      const order = [head.active, ...this.versions(key).filter((v) => v !== head.active)];
      for (const version of order) {
        try {
          // Read in the same guard as `head`: no write can come between on this connection.
          const loaded = this.load(key, version, head);
          if (!loaded) {
            continue; // deleted between the two reads
          }
          if (skipped.length === 0) {
            return { ...loaded, skipped };
          }
          return { ...loaded, skipped, note: fallbackNote(key, head, version, skipped) };
        } catch (e) {
          if (!(e instanceof CorruptModelError)) {
            throw e;
          }
          skipped.push(e);
        }
      }
      throw noneLoads(key, skipped);
    });
  }

  async info(key: string, version: number): Promise<VersionInfo | undefined> {
    return this.guard('read', () => {
      checkVersion(version);
      const head = this.head(key);
      const row = this.stmt(`SELECT ${INFO_COLUMNS} FROM model_versions WHERE key = ? AND version = ?`).get(
        key,
        version
      ) as Row | undefined;
      return row && head ? toInfo(row, head) : undefined;
    });
  }

  async rawModel(key: string, version: number): Promise<string | undefined> {
    return this.guard('read', () => {
      checkVersion(version);
      const row = this.stmt('SELECT model FROM model_versions WHERE key = ? AND version = ?').get(
        checkKey(key),
        version
      ) as Row | undefined;
      return row ? String(row.model) : undefined;
    });
  }

  async pin(key: string, version: number): Promise<void> {
    this.guard('write', () => {
      checkVersion(version);
      this.transaction(() => {
        if (!this.stmt('SELECT 1 AS x FROM model_versions WHERE key = ? AND version = ?').get(checkKey(key), version)) {
          throw new StoreError('not_found', `model ${key} has no version ${version} to pin`);
        }
        this.stmt('UPDATE model_keys SET pinned_version = ? WHERE key = ?').run(version, key);
      });
    });
  }

  async unpin(key: string): Promise<void> {
    this.guard('write', () => {
      const changes = this.stmt('UPDATE model_keys SET pinned_version = NULL WHERE key = ?').run(checkKey(key));
      if (Number(changes.changes) === 0) {
        throw new StoreError('not_found', `no stored model ${key}`);
      }
    });
  }

  async rollback(key: string): Promise<number> {
    return this.guard('write', () =>
      this.transaction(() => {
        const head = this.head(key);
        if (!head) {
          throw new StoreError('not_found', `no stored model ${key}`);
        }
        const row = this.stmt('SELECT MAX(version) AS v FROM model_versions WHERE key = ? AND version < ?').get(
          key,
          head.active
        ) as Row;
        if (row.v === null) {
          throw new StoreError(
            'not_found',
            `model ${key} has no version before version ${head.active} to roll back to`
          );
        }
        const previous = Number(row.v);
        this.stmt('UPDATE model_keys SET pinned_version = ? WHERE key = ?').run(previous, key);
        return previous;
      })
    );
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    return this.guard('read', () => {
      const { prefix, limit, offset } = checkListOptions(options);
      // The range lets SQLite seek the primary key index; substr makes the match exact.
      const where = `key >= :p AND key < :p || char(1114111) AND substr(key, 1, length(:p)) = :p`;
      const total = Number(
        (this.stmt(`SELECT COUNT(*) AS n FROM model_keys WHERE ${where}`).get({ p: prefix }) as Row).n
      );
      const rows = this.stmt(
        `WITH k AS (
           SELECT key, pinned_version, parts,
             (SELECT MAX(version) FROM model_versions v WHERE v.key = model_keys.key) AS latest,
             (SELECT COUNT(*) FROM model_versions v WHERE v.key = model_keys.key) AS n
           FROM model_keys WHERE ${where}
           ORDER BY key LIMIT :limit OFFSET :offset)
         SELECT k.key, k.pinned_version, k.parts, k.latest, k.n, a.kind, l.created_at AS last_trained
         FROM k
         JOIN model_versions a ON a.key = k.key AND a.version = COALESCE(k.pinned_version, k.latest)
         JOIN model_versions l ON l.key = k.key AND l.version = k.latest
         ORDER BY k.key`
      ).all({ p: prefix, limit, offset });
      const items: KeySummary[] = rows.map(toKeySummary);
      return { items, total };
    });
  }

  async history(key: string): Promise<VersionInfo[]> {
    return this.guard('read', () => {
      const head = this.head(key);
      if (!head) {
        return [];
      }
      const rows = this.stmt(`SELECT ${INFO_COLUMNS} FROM model_versions WHERE key = ? ORDER BY version DESC`).all(key);
      return rows.map((r) => toInfo(r, head));
    });
  }

  async deleteKey(key: string): Promise<number> {
    return this.guard('write', () =>
      this.transaction(() => {
        const removed = this.stmt('DELETE FROM model_versions WHERE key = ?').run(checkKey(key));
        this.stmt('DELETE FROM model_keys WHERE key = ?').run(key);
        this.opts.modelCache?.deleteKey(this.cacheScope, key);
        return Number(removed.changes);
      })
    );
  }

  async prune(key: string, keepLast: number): Promise<number[]> {
    return this.guard('write', () => {
      checkKeepLast(keepLast);
      return this.transaction(() => {
        const head = this.head(key);
        if (!head) {
          return [];
        }
        const doomed = this.versions(key)
          .slice(keepLast)
          .filter((v) => v !== head.pinned);
        const del = this.stmt('DELETE FROM model_versions WHERE key = ? AND version = ?');
        for (const v of doomed) {
          del.run(key, v);
          this.opts.modelCache?.delete(this.cacheScope, key, v);
        }
        return doomed.reverse();
      });
    });
  }

  async checkWritable(): Promise<WritableCheck> {
    return this.checkWritableSync();
  }

  /** The synchronous body of checkWritable (SQLite answers synchronously). */
  checkWritableSync(): WritableCheck {
    if (this.closed) {
      return { ok: false, message: `model store ${this.path} is closed` };
    }
    if (this.path !== ':memory:') {
      const dir = path.dirname(this.path);
      const inode = statInode(this.path);
      if (inode === undefined) {
        return {
          ok: false,
          message: `model store file ${this.path} no longer exists (deleted while open?): restart the plugin to recreate it`,
        };
      }
      if (inode !== this.inode) {
        return {
          ok: false,
          message: `model store file ${this.path} was replaced while open: restart the plugin to use the new file`,
        };
      }
      for (const [target, what] of [
        [dir, 'directory'],
        [this.path, 'file'],
      ] as const) {
        try {
          fs.accessSync(target, fs.constants.W_OK);
        } catch (e) {
          return {
            ok: false,
            message: `model store ${what} ${target} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the Grafana user write access to it`,
          };
        }
      }
    }
    try {
      this.transaction(() => {
        this.stmt('INSERT INTO vigil_probe (at) VALUES (?)').run(Date.now());
        throw new ProbeRollback();
      });
    } catch (e) {
      if (!(e instanceof ProbeRollback)) {
        const err = e instanceof StoreError ? e : sqliteError(e, this.path, 'write', this.opts.busyTimeoutMs);
        return { ok: false, message: err.message };
      }
    }
    return {
      ok: true,
      message: `model store ${this.path} is writable (schema version ${this.schemaVersion}, journal ${this.journalMode})`,
    };
  }

  async close(): Promise<void> {
    this.closeSync();
  }

  /** Closes the database; further calls fail with code `closed`. Safe to call twice. */
  closeSync(): void {
    if (!this.closed) {
      this.closed = true;
      this.opts.modelCache?.deleteScope(this.cacheScope);
      this.statements.clear();
      this.db.close();
    }
  }

  // --- internals -------------------------------------------------------------------------------

  private saveSync(key: string, model: Model | SerializedModel, meta: SaveMeta): number {
    const { header, text, fitText, createdAt, parts, byteSize } = prepareVersion(
      key,
      model,
      meta,
      this.opts.verifyOnSave
    );
    return this.transaction(() => {
      const existing = this.stmt('SELECT last_version FROM model_keys WHERE key = ?').get(key) as Row | undefined;
      if (!existing) {
        this.stmt('INSERT INTO model_keys (key, last_version, parts, created_at) VALUES (?, 0, ?, ?)').run(
          key,
          parts,
          createdAt
        );
      } else if (parts !== null) {
        this.stmt('UPDATE model_keys SET parts = ? WHERE key = ?').run(parts, key);
      }
      const version = Number(existing?.last_version ?? 0) + 1;
      this.stmt(
        `INSERT INTO model_versions (key, version, created_at, kind, format_version, library_version, options,
           training_from, training_to, training_points, training_step, fingerprint, fit_stats, byte_size, model)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      ).run(
        key,
        version,
        createdAt,
        header.kind,
        header.formatVersion,
        header.libraryVersion,
        JSON.stringify(header.options),
        header.training.fromMs,
        header.training.toMs,
        header.training.points,
        header.training.stepMs,
        header.training.fingerprint,
        fitText,
        byteSize,
        text
      );
      this.stmt('UPDATE model_keys SET last_version = ? WHERE key = ?').run(version, key);
      this.opts.onSaveInTransaction?.(key, version);
      return version;
    });
  }

  /** Loads one version through loadModel(); undefined if absent, CorruptModelError if it does not load. */
  private load(key: string, version: number, knownHead?: Head): LoadedVersion | undefined {
    const cache = this.opts.modelCache;
    // A cache hit reads the row's metadata and identity only, not its text (55 KB for an `auto`
    // model at 60 s): octet_length() is read from the record header.
    const row = this.stmt(
      `SELECT ${INFO_COLUMNS}, rowid AS row_id, octet_length(model) AS model_bytes${cache ? '' : ', model'}
       FROM model_versions WHERE key = ? AND version = ?`
    ).get(key, version) as Row | undefined;
    const head = knownHead ?? this.head(key);
    if (!row || !head) {
      return undefined;
    }
    const info = toInfoOrCorrupt(key, version, row, head);
    const cached = cache?.get(this.cacheScope, key, version, rowIdentity(row));
    if (cached) {
      return { info, model: cached };
    }
    // Text and identity from one statement, so the cached identity is that of the parsed text.
    const full = cache
      ? (this.stmt(
          'SELECT rowid AS row_id, created_at, octet_length(model) AS model_bytes, fingerprint, model FROM model_versions WHERE key = ? AND version = ?'
        ).get(key, version) as Row | undefined)
      : row;
    if (!full) {
      return undefined;
    }
    const identity = rowIdentity(full);
    const model = decodeModel(key, version, info, String(full.model));
    cache?.set(this.cacheScope, key, version, identity, info.byteSize, model);
    return { info, model };
  }

  private head(key: string): Head | undefined {
    const row = this.stmt(
      `SELECT k.pinned_version AS pinned, (SELECT MAX(version) FROM model_versions v WHERE v.key = k.key) AS latest
       FROM model_keys k WHERE k.key = ?`
    ).get(checkKey(key)) as Row | undefined;
    return headOf(row);
  }

  /** Version numbers of a key, newest first. */
  private versions(key: string): number[] {
    return this.stmt('SELECT version FROM model_versions WHERE key = ? ORDER BY version DESC')
      .all(key)
      .map((r) => Number(r.version));
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** BEGIN IMMEDIATE takes the write lock up front, so version numbering never races another connection. */
  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.db.isTransaction) {
        this.db.exec('ROLLBACK');
      }
      throw e;
    }
  }

  /** Runs `fn` on an open store, turning raw SQLite failures into StoreErrors that say what to fix. */
  private guard<T>(op: 'read' | 'write', fn: () => T): T {
    if (this.closed) {
      throw new StoreError('closed', `model store ${this.path} is closed`);
    }
    try {
      return fn();
    } catch (e) {
      if (e instanceof StoreError) {
        throw e;
      }
      throw sqliteError(e, this.path, op, this.opts.busyTimeoutMs);
    }
  }
}

/**
 * What changes when a version row is replaced: version rows are only ever inserted and deleted by
 * the store, so a row with the same rowid, creation time, text length and training fingerprint is
 * the row that was loaded. (An edit of the text in place that keeps its byte length, which only a
 * hand-edited database can do, is not seen until the entry leaves the cache.)
 */
function rowIdentity(row: Row): string {
  return `${String(row.row_id)}:${String(row.created_at)}:${String(row.model_bytes)}:${String(row.fingerprint)}`;
}

/** Opens `file`, probes it for writes and closes it: the health check for a store that is not open. */
export function checkStorePath(file: string, options: SqliteStoreOptions = {}): WritableCheck {
  let store: SqliteModelStore | undefined;
  try {
    store = SqliteModelStore.open(file, options);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  try {
    return store.checkWritableSync();
  } finally {
    store.closeSync();
  }
}

class ProbeRollback extends Error {}

// --- schema ----------------------------------------------------------------------------------------

function migrate(db: DatabaseSync, file: string, migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`schema migrations must be numbered 1, 2, 3, ...; found ${m.version} at position ${i + 1}`);
    }
  });
  const supported = migrations.length;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS vigil_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, migrated_at INTEGER NOT NULL)'
    );
    const row = db.prepare('SELECT version FROM vigil_schema WHERE id = 1').get() as Row | undefined;
    const found = row ? Number(row.version) : 0;
    if (found > supported) {
      db.exec('ROLLBACK');
      throw new SchemaTooNewError(file, found, supported);
    }
    for (const m of migrations.slice(found)) {
      m.up(db);
    }
    if (found < supported) {
      db.prepare(
        'INSERT INTO vigil_schema (id, version, migrated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, migrated_at = excluded.migrated_at'
      ).run(supported, Date.now());
    }
    db.exec('COMMIT');
    return supported;
  } catch (e) {
    if (db.isTransaction) {
      db.exec('ROLLBACK');
    }
    throw e;
  }
}

// --- files ---------------------------------------------------------------------------------------

function statInode(file: string): number | undefined {
  try {
    return fs.statSync(file).ino;
  } catch {
    return undefined;
  }
}

// --- SQLite failures -------------------------------------------------------------------------------

// Primary result codes (https://sqlite.org/rescode.html).
const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** Maps a node:sqlite error to a StoreError whose message names the file and the fix. */
export function sqliteError(
  e: unknown,
  file: string,
  op: 'open' | 'read' | 'write',
  busyTimeoutMs: number
): StoreError {
  const err = e as { errcode?: unknown; errstr?: unknown; message?: unknown };
  const detail = String(err?.message ?? e);
  if (typeof err?.errcode !== 'number') {
    return new StoreError('storage', `model store ${file}: ${detail}`, { cause: e });
  }
  const dir = path.dirname(file);
  const make = (code: StoreErrorCode, message: string) =>
    new StoreError(code, `${message} (SQLite: ${detail})`, { cause: e });
  switch (err.errcode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make(
        'busy',
        `model store ${file} is locked by another connection or process (waited ${busyTimeoutMs} ms for its write lock)`
      );
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return make(
        'not_writable',
        `model store ${file} is read-only: the Grafana user needs write access to the file and to its directory ${dir} (SQLite keeps -wal and -shm files beside it)`
      );
    case SQLITE_CANTOPEN:
      return make(
        'not_writable',
        `cannot open model store ${file}: check that ${dir} exists and that the Grafana user can read and write it`
      );
    case SQLITE_NOTADB:
      return make(
        'cannot_open',
        `${file} is not a Vigil model store (not a SQLite database): move it aside or configure another model store path`
      );
    case SQLITE_CORRUPT:
      return make(
        'storage',
        `model store database ${file} is damaged: restore it from a backup or move it aside to start empty`
      );
    case SQLITE_FULL:
      return make('not_writable', `model store ${file}: the disk is full`);
    case SQLITE_IOERR:
      return make('storage', `model store ${file}: I/O error during ${op}`);
    default:
      return make(op === 'write' ? 'not_writable' : 'storage', `model store ${file}: ${op} failed`);
  }
}
