import type { PoolClient } from 'pg';
import { SchemaTooNewError } from './errors';

/**
 * One forward step of the PostgreSQL store's schema (the SQLite store has its own list in
 * schema.ts: the SQL differs, the version numbers mean the same tables). Migrations run in order
 * inside one transaction, under an advisory lock, so two Grafana instances starting together
 * migrate once and a failed migration leaves the database at its old version (PostgreSQL DDL is
 * transactional). Never edit a released migration: add the next one.
 */
export interface PgMigration {
  version: number;
  description: string;
  up(client: PoolClient): Promise<void>;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'model keys, immutable model versions, write probe',
    async up(client) {
      // COLLATE "C": keys order and compare byte-wise, as in SQLite, and a prefix range can use the index.
      await client.query(`
        CREATE TABLE vigil_model_keys (
          key TEXT COLLATE "C" PRIMARY KEY,
          -- NULL: scoring uses the latest version
          pinned_version INTEGER,
          -- highest version number ever given to this key, so numbers are never reused; the row
          -- lock its increment takes is what serialises concurrent saves of one key
          last_version INTEGER NOT NULL DEFAULT 0,
          -- JSON SeriesKeyParts (data source, expression, kind, options, labels), for listing
          parts TEXT,
          created_at BIGINT NOT NULL
        );
        CREATE TABLE vigil_model_versions (
          key TEXT COLLATE "C" NOT NULL REFERENCES vigil_model_keys (key) ON DELETE CASCADE,
          version INTEGER NOT NULL CHECK (version >= 1),
          -- never reused: with xmin it is the row identity the model cache compares
          id BIGINT GENERATED ALWAYS AS IDENTITY,
          created_at BIGINT NOT NULL,
          kind TEXT NOT NULL,
          format_version INTEGER NOT NULL,
          library_version TEXT NOT NULL,
          options TEXT NOT NULL,
          training_from DOUBLE PRECISION NOT NULL,
          training_to DOUBLE PRECISION NOT NULL,
          training_points DOUBLE PRECISION NOT NULL,
          training_step DOUBLE PRECISION NOT NULL,
          fingerprint TEXT NOT NULL,
          fit_stats TEXT NOT NULL,
          byte_size INTEGER NOT NULL,
          model TEXT NOT NULL,
          PRIMARY KEY (key, version)
        );
        CREATE TABLE vigil_probe (at BIGINT NOT NULL);
      `);
    },
  },
];

/** Any fixed number: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 0x5649_4731; // "VIG1"

/**
 * Brings the schema to the newest migration and returns its version. Refuses, without changing
 * anything, a database whose schema is newer than `migrations`.
 */
export async function migratePg(
  client: PoolClient,
  where: string,
  migrations: readonly PgMigration[]
): Promise<number> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`schema migrations must be numbered 1, 2, 3, ...; found ${m.version} at position ${i + 1}`);
    }
  });
  const supported = migrations.length;
  // The common case, an up-to-date schema, writes nothing and takes no lock, so a store also opens
  // on a read-only standby (and then says it is not writable rather than failing to open).
  const current = await schemaVersion(client);
  if (current === supported) {
    return supported;
  }
  if (current > supported) {
    throw new SchemaTooNewError(where, current, supported, 'point it at another PostgreSQL database');
  }
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS vigil_schema (
         id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, migrated_at BIGINT NOT NULL)`
    );
    const row = await client.query<{ version: number }>('SELECT version FROM vigil_schema WHERE id = 1');
    const found = row.rows.length > 0 ? Number(row.rows[0].version) : 0;
    if (found > supported) {
      throw new SchemaTooNewError(where, found, supported, 'point it at another PostgreSQL database');
    }
    for (const m of migrations.slice(found)) {
      await m.up(client);
    }
    if (found < supported) {
      await client.query(
        `INSERT INTO vigil_schema (id, version, migrated_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, migrated_at = EXCLUDED.migrated_at`,
        [supported, Date.now()]
      );
    }
    await client.query('COMMIT');
    return supported;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The recorded schema version; 0 for a database Vigil has not used yet. */
async function schemaVersion(client: PoolClient): Promise<number> {
  const table = await client.query("SELECT to_regclass('vigil_schema') IS NOT NULL AS present");
  if (!table.rows[0].present) {
    return 0;
  }
  const row = await client.query<{ version: number }>('SELECT version FROM vigil_schema WHERE id = 1');
  return row.rows.length > 0 ? Number(row.rows[0].version) : 0;
}
