import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import type { Model, SerializedModel } from '../model';
import { CorruptModelError, StoreError } from './errors';
import type { ModelCache } from './modelCache';
import { parsePostgresUrl } from './postgresConfig';
import { pgError, type PgTarget, type PgTimeouts } from './postgresErrors';
import { migratePg, PG_MIGRATIONS, type PgMigration } from './postgresSchema';
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

export interface PostgresStoreOptions {
  /** The password (the data source's secure field); wins over one written in the URL. */
  password?: string;
  /** Connections per store (per Grafana instance). Default 10. */
  poolSize?: number;
  /** How long to wait for a connection, ms. Default 10,000. */
  connectTimeoutMs?: number;
  /** PostgreSQL's statement_timeout, which also bounds a wait for another instance's row lock, ms. Default 30,000. */
  statementTimeoutMs?: number;
  /** Refuse stored models that do not load back through loadModel() at save time. Default true. */
  verifyOnSave?: boolean;
  /** Schema migrations to apply, oldest first. Only tests pass anything but the default. */
  migrations?: readonly PgMigration[];
  /**
   * Keeps loaded models in memory. A hit still reads the row's metadata and compares its identity
   * (id, xmin, creation time, text length, fingerprint): a row another instance deleted and wrote
   * again, or rewrote in place, has another id or xmin and is loaded again.
   */
  modelCache?: ModelCache;
}

type Row = QueryResultRow;
type Which = { version: number } | 'latest' | 'active';

let storeCount = 0;

const V_INFO = INFO_COLUMNS.split(',')
  .map((c) => `v.${c.trim()}`)
  .join(', ');
const IDENTITY = `v.id AS row_id, v.xmin::text AS row_x, octet_length(v.model) AS model_bytes`;

/**
 * The model store on PostgreSQL, for Grafana HA: every Grafana instance opens its own
 * PostgresModelStore on the same database and sees the others' versions at once. Same contract as
 * SqliteModelStore (tests/store/conformance.ts proves both). Version numbers come from an
 * upsert of the key's row that increments its last number under the row's lock, so two instances
 * saving one key wait on each other for that row and never get the same number.
 *
 * The schema is created or migrated on first use, not in the constructor, so the backend can hand
 * out the store synchronously; until PostgreSQL answers, every call fails with a StoreError that
 * says what to fix, and the next call tries again.
 */
export class PostgresModelStore implements ModelStore {
  /** postgres://user@host:port/database: what messages show (never the password). */
  readonly path: string;
  private readonly target: PgTarget;
  private readonly pool: Pool;
  private readonly timeouts: PgTimeouts;
  private readonly opts: PostgresStoreOptions & { verifyOnSave: boolean };
  private readonly cacheScope = `pg-store-${++storeCount}`;
  private ready: Promise<number> | undefined;
  private schema = 0;
  private serverVersion = '';
  private closed = false;

  private constructor(url: string, options: PostgresStoreOptions) {
    const conn = parsePostgresUrl(url, options.password);
    this.target = conn.target;
    this.path = conn.target.display;
    this.opts = { verifyOnSave: true, ...options };
    this.timeouts = {
      connectTimeoutMs: positive(options.connectTimeoutMs ?? 10_000, 'connectTimeoutMs'),
      statementTimeoutMs: positive(options.statementTimeoutMs ?? 30_000, 'statementTimeoutMs'),
    };
    this.pool = new Pool({
      connectionString: conn.connectionString,
      max: positive(options.poolSize ?? 10, 'poolSize'),
      connectionTimeoutMillis: this.timeouts.connectTimeoutMs,
      statement_timeout: this.timeouts.statementTimeoutMs,
      // The client-side bound for a server that stops answering without closing the socket.
      query_timeout: this.timeouts.statementTimeoutMs + 5_000,
      idle_in_transaction_session_timeout: this.timeouts.statementTimeoutMs + 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'vigil',
    });
    // An idle connection the server drops (restart, failover) emits here; unhandled it would crash
    // the backend. The pool discards that connection and the next query opens a new one.
    this.pool.on('error', () => undefined);
  }

  /** The store, connecting and migrating on its first call (what the backend uses). */
  static create(url: string, options: PostgresStoreOptions = {}): PostgresModelStore {
    return new PostgresModelStore(url, options);
  }

  /** Connects and migrates now; rejects with a StoreError saying what to fix (or SchemaTooNewError). */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresModelStore> {
    const store = new PostgresModelStore(url, options);
    try {
      await store.whenReady();
      return store;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /** The schema version, once connected. */
  get schemaVersion(): number {
    return this.schema;
  }

  async saveVersion(key: string, model: Model | SerializedModel, meta: SaveMeta = {}): Promise<number> {
    const v = prepareVersion(checkPgKey(key), model, meta, this.opts.verifyOnSave);
    return this.transaction('write', async (c) => {
      const head = await c.query(
        `INSERT INTO vigil_model_keys (key, last_version, parts, created_at) VALUES ($1, 1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET last_version = vigil_model_keys.last_version + 1,
           parts = COALESCE(EXCLUDED.parts, vigil_model_keys.parts)
         RETURNING last_version`,
        [key, v.parts, v.createdAt]
      );
      const version = Number(head.rows[0].last_version);
      await c.query(
        `INSERT INTO vigil_model_versions (key, version, created_at, kind, format_version, library_version, options,
           training_from, training_to, training_points, training_step, fingerprint, fit_stats, byte_size, model)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          key,
          version,
          v.createdAt,
          v.header.kind,
          v.header.formatVersion,
          v.header.libraryVersion,
          JSON.stringify(v.header.options),
          v.header.training.fromMs,
          v.header.training.toMs,
          v.header.training.points,
          v.header.training.stepMs,
          v.header.training.fingerprint,
          v.fitText,
          v.byteSize,
          v.text,
        ]
      );
      return version;
    });
  }

  async latest(key: string): Promise<LoadedVersion | undefined> {
    return this.run('read', () => this.load(checkPgKey(key), 'latest'));
  }

  async get(key: string, version: number): Promise<LoadedVersion | undefined> {
    checkVersion(version);
    return this.run('read', () => this.load(checkPgKey(key), { version }));
  }

  async active(key: string): Promise<LoadedVersion | undefined> {
    return this.run('read', () => this.load(checkPgKey(key), 'active'));
  }

  async activeLoadable(key: string): Promise<LoadableVersion | undefined> {
    checkPgKey(key);
    return this.run('read', async () => {
      const skipped: CorruptModelError[] = [];
      let head: Head | undefined;
      try {
        const first = await this.load(key, 'active', (h) => (head = h));
        return first && { ...first, skipped };
      } catch (e) {
        if (!(e instanceof CorruptModelError) || !head) {
          throw e;
        }
        skipped.push(e);
      }
      const active = head.active;
      const others = (await this.versions(key)).filter((v) => v !== active);
      for (const version of others) {
        try {
          const loaded = await this.load(key, { version }, undefined, head);
          if (loaded) {
            return { ...loaded, skipped, note: fallbackNote(key, head, version, skipped) };
          }
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
    checkVersion(version);
    checkPgKey(key);
    return this.run('read', async () => {
      const found = await this.row(key, { version }, false);
      return found && toInfo(found.row, found.head);
    });
  }

  async rawModel(key: string, version: number): Promise<string | undefined> {
    checkVersion(version);
    checkPgKey(key);
    return this.run('read', async () => {
      const r = await this.pool.query('SELECT model FROM vigil_model_versions WHERE key = $1 AND version = $2', [
        key,
        version,
      ]);
      return r.rows.length > 0 ? String(r.rows[0].model) : undefined;
    });
  }

  async pin(key: string, version: number): Promise<void> {
    checkVersion(version);
    checkPgKey(key);
    await this.transaction('write', async (c) => {
      // Locking the key first makes the existence check see a concurrent prune's result.
      const locked = await lockKey(c, key);
      const exists = locked && (await c.query(VERSION_EXISTS, [key, version])).rows.length > 0;
      if (!exists) {
        throw new StoreError('not_found', `model ${key} has no version ${version} to pin`);
      }
      await c.query('UPDATE vigil_model_keys SET pinned_version = $2 WHERE key = $1', [key, version]);
    });
  }

  async unpin(key: string): Promise<void> {
    checkPgKey(key);
    await this.run('write', async () => {
      const r = await this.pool.query('UPDATE vigil_model_keys SET pinned_version = NULL WHERE key = $1', [key]);
      if (r.rowCount === 0) {
        throw new StoreError('not_found', `no stored model ${key}`);
      }
    });
  }

  async rollback(key: string): Promise<number> {
    checkPgKey(key);
    return this.transaction('write', async (c) => {
      const head = (await lockKey(c, key)) && (await readHead(c, key));
      if (!head) {
        throw new StoreError('not_found', `no stored model ${key}`);
      }
      const r = await c.query('SELECT MAX(version) AS v FROM vigil_model_versions WHERE key = $1 AND version < $2', [
        key,
        head.active,
      ]);
      if (r.rows[0].v === null) {
        throw new StoreError('not_found', `model ${key} has no version before version ${head.active} to roll back to`);
      }
      const previous = Number(r.rows[0].v);
      await c.query('UPDATE vigil_model_keys SET pinned_version = $2 WHERE key = $1', [key, previous]);
      return previous;
    });
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const { prefix, limit, offset } = checkListOptions(options);
    return this.run('read', async () => {
      // The lower bound lets PostgreSQL seek the key index (collation "C"); starts_with makes the match exact.
      const where = 'key >= $1 AND starts_with(key, $1)';
      const total = await this.pool.query(`SELECT COUNT(*) AS n FROM vigil_model_keys WHERE ${where}`, [prefix]);
      const rows = await this.pool.query(
        `WITH k AS (
           SELECT key, pinned_version, parts,
             (SELECT MAX(version) FROM vigil_model_versions v WHERE v.key = kk.key) AS latest,
             (SELECT COUNT(*) FROM vigil_model_versions v WHERE v.key = kk.key) AS n
           FROM vigil_model_keys kk WHERE ${where}
           ORDER BY key LIMIT $2 OFFSET $3)
         SELECT k.key, k.pinned_version, k.parts, k.latest, k.n, a.kind, l.created_at AS last_trained
         FROM k
         JOIN vigil_model_versions a ON a.key = k.key AND a.version = COALESCE(k.pinned_version, k.latest)
         JOIN vigil_model_versions l ON l.key = k.key AND l.version = k.latest
         ORDER BY k.key`,
        [prefix, limit, offset]
      );
      const items: KeySummary[] = rows.rows.map(toKeySummary);
      return { items, total: Number(total.rows[0].n) };
    });
  }

  async history(key: string): Promise<VersionInfo[]> {
    checkPgKey(key);
    return this.run('read', async () => {
      // One statement, so the pin and the versions are of one snapshot.
      const r = await this.pool.query(
        `SELECT ${V_INFO}, k.pinned_version AS pinned
         FROM vigil_model_versions v JOIN vigil_model_keys k ON k.key = v.key
         WHERE v.key = $1 ORDER BY v.version DESC`,
        [key]
      );
      if (r.rows.length === 0) {
        return [];
      }
      const latest = Number(r.rows[0].version);
      const pinned = r.rows[0].pinned === null ? null : Number(r.rows[0].pinned);
      const head = { latest, pinned, active: pinned ?? latest };
      return r.rows.map((row) => toInfo(row, head));
    });
  }

  async deleteKey(key: string): Promise<number> {
    checkPgKey(key);
    return this.transaction('write', async (c) => {
      await lockKey(c, key);
      const removed = await c.query('DELETE FROM vigil_model_versions WHERE key = $1', [key]);
      await c.query('DELETE FROM vigil_model_keys WHERE key = $1', [key]);
      this.opts.modelCache?.deleteKey(this.cacheScope, key);
      return removed.rowCount ?? 0;
    });
  }

  async prune(key: string, keepLast: number): Promise<number[]> {
    checkPgKey(key);
    checkKeepLast(keepLast);
    return this.transaction('write', async (c) => {
      const head = (await lockKey(c, key)) && (await readHead(c, key));
      if (!head) {
        return [];
      }
      const all = (await c.query(VERSIONS, [key])).rows.map((r) => Number(r.version));
      const doomed = all.slice(keepLast).filter((v) => v !== head.pinned);
      if (doomed.length > 0) {
        await c.query('DELETE FROM vigil_model_versions WHERE key = $1 AND version = ANY($2::int[])', [key, doomed]);
      }
      doomed.forEach((v) => this.opts.modelCache?.delete(this.cacheScope, key, v));
      return doomed.reverse();
    });
  }

  async checkWritable(): Promise<WritableCheck> {
    if (this.closed) {
      return { ok: false, message: `model store ${this.path} is closed` };
    }
    try {
      await this.transaction('write', async (c) => {
        await c.query('INSERT INTO vigil_probe (at) VALUES ($1)', [Date.now()]);
        throw new ProbeRollback();
      });
    } catch (e) {
      if (!(e instanceof ProbeRollback)) {
        return { ok: false, message: (e as Error).message };
      }
    }
    return {
      ok: true,
      message: `model store ${this.path} is writable (schema version ${this.schema}, PostgreSQL ${this.serverVersion})`,
    };
  }

  /** Closes the pool (waiting for queries in flight); further calls fail with code `closed`. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.opts.modelCache?.deleteScope(this.cacheScope);
    await this.pool.end().catch(() => undefined);
  }

  // --- internals -------------------------------------------------------------------------------

  /**
   * Loads one version through loadModel(): undefined if absent, CorruptModelError if it does not
   * load. `onHead` receives the key's head as soon as it is read, so activeLoadable can fall back
   * from a corrupt active version without reading the head again.
   */
  private async load(
    key: string,
    which: Which,
    onHead?: (head: Head) => void,
    knownHead?: Head
  ): Promise<LoadedVersion | undefined> {
    const cache = this.opts.modelCache;
    // With a cache, the first read takes metadata and identity only, not the model's text (55 KB
    // for an `auto` model at 60 s): octet_length() of a stored text does not decompress it.
    const found = await this.row(key, which, !cache);
    if (!found) {
      return undefined;
    }
    onHead?.(found.head);
    const head = knownHead ?? found.head;
    const version = Number(found.row.version);
    const info = toInfoOrCorrupt(key, version, found.row, head);
    const cached = cache?.get(this.cacheScope, key, version, rowIdentity(found.row));
    if (cached) {
      return { info, model: cached };
    }
    // Text and identity from one statement, so the cached identity is that of the parsed text.
    const full = cache
      ? (
          await this.pool.query({
            name: 'vigil_model_text',
            text: `SELECT v.created_at, v.fingerprint, v.model, ${IDENTITY}
             FROM vigil_model_versions v WHERE v.key = $1 AND v.version = $2`,
            values: [key, version],
          })
        ).rows[0]
      : found.row;
    if (!full) {
      return undefined;
    }
    const model = decodeModel(key, version, info, String(full.model));
    cache?.set(this.cacheScope, key, version, rowIdentity(full), info.byteSize, model);
    return { info, model };
  }

  /** A key's head and one of its version rows (metadata, identity and, if asked, the model) in one snapshot. */
  private async row(key: string, which: Which, withModel: boolean): Promise<{ head: Head; row: Row } | undefined> {
    const version = typeof which === 'object' ? which.version : null;
    const r = await this.pool.query({
      // Named: prepared once per connection. This runs once per series of every query, and parsing
      // and planning it each time cost more than executing it.
      name: withModel ? 'vigil_row_model' : 'vigil_row',
      text: `SELECT k.pinned_version AS pinned, h.latest, ${V_INFO}, ${IDENTITY}${withModel ? ', v.model' : ''}
       FROM vigil_model_keys k
       CROSS JOIN LATERAL (SELECT MAX(version) AS latest FROM vigil_model_versions WHERE key = k.key) h
       LEFT JOIN vigil_model_versions v ON v.key = k.key AND v.version = CASE
         WHEN $2::int IS NOT NULL THEN $2::int
         WHEN $3::bool THEN COALESCE(k.pinned_version, h.latest)
         ELSE h.latest END
       WHERE k.key = $1`,
      values: [key, version, which === 'active'],
    });
    const row = r.rows[0];
    if (!row || row.latest === null) {
      return undefined;
    }
    const latest = Number(row.latest);
    const pinned = row.pinned === null ? null : Number(row.pinned);
    const head = { latest, pinned, active: pinned ?? latest };
    // No such version (or, for `active`, none can be missing: a pin is never pruned).
    return row.version === null ? undefined : { head, row };
  }

  /** Version numbers of a key, newest first. */
  private async versions(key: string): Promise<number[]> {
    return (await this.pool.query(VERSIONS, [key])).rows.map((r) => Number(r.version));
  }

  private whenReady(): Promise<number> {
    if (!this.ready) {
      this.ready = this.connectAndMigrate().catch((e: unknown) => {
        // Not remembered: PostgreSQL may be up by the next call.
        this.ready = undefined;
        throw pgError(e, this.target, 'open', this.timeouts);
      });
    }
    return this.ready;
  }

  private async connectAndMigrate(): Promise<number> {
    const client = await this.pool.connect();
    try {
      const v = await client.query('SHOW server_version');
      this.serverVersion = String(v.rows[0].server_version).split(' ')[0];
      this.schema = await migratePg(client, this.path, this.opts.migrations ?? PG_MIGRATIONS);
      return this.schema;
    } finally {
      client.release();
    }
  }

  /** Runs `fn` on an open, migrated store, turning driver failures into StoreErrors that say what to fix. */
  private async run<T>(op: 'read' | 'write', fn: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new StoreError('closed', `model store ${this.path} is closed`);
    }
    await this.whenReady();
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StoreError || e instanceof ProbeRollback) {
        throw e;
      }
      throw pgError(e, this.target, op, this.timeouts);
    }
  }

  /** `fn` inside BEGIN/COMMIT on one pooled connection; any failure rolls back. */
  private async transaction<T>(op: 'read' | 'write', fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return this.run(op, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw e;
      } finally {
        // A connection that cannot even roll back is dropped rather than given to the next caller.
        client.release(broken);
      }
    });
  }
}

const VERSION_EXISTS = 'SELECT 1 FROM vigil_model_versions WHERE key = $1 AND version = $2';
const VERSIONS = 'SELECT version FROM vigil_model_versions WHERE key = $1 ORDER BY version DESC';

class ProbeRollback extends Error {}

/** Takes the key row's lock for this transaction; false when the key does not exist. */
async function lockKey(c: PoolClient, key: string): Promise<boolean> {
  return (await c.query('SELECT 1 FROM vigil_model_keys WHERE key = $1 FOR UPDATE', [key])).rows.length > 0;
}

async function readHead(c: PoolClient, key: string): Promise<Head | undefined> {
  const r = await c.query(
    `SELECT k.pinned_version AS pinned, (SELECT MAX(version) FROM vigil_model_versions v WHERE v.key = k.key) AS latest
     FROM vigil_model_keys k WHERE k.key = $1`,
    [key]
  );
  return headOf(r.rows[0]);
}

/**
 * What changes when a version row is replaced: `id` is never reused, and `xmin` (the writing
 * transaction) changes on any UPDATE of the row, so a row rewritten by another instance, or by
 * hand, has another identity.
 */
function rowIdentity(row: Row): string {
  return `${String(row.row_id)}:${String(row.row_x)}:${String(row.created_at)}:${String(row.model_bytes)}:${String(row.fingerprint)}`;
}

/** PostgreSQL text cannot hold NUL, which SQLite keys can: refuse it clearly rather than as an encoding error. */
function checkPgKey(key: string): string {
  checkKey(key);
  if (key.includes('\u0000')) {
    throw new StoreError('invalid_argument', 'model key contains a NUL character, which PostgreSQL cannot store');
  }
  return key;
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new StoreError('invalid_argument', `PostgreSQL store ${name} must be a positive integer (got ${String(n)})`);
  }
  return n;
}
