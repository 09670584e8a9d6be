import type { DatabaseSync } from 'node:sqlite';

/**
 * One forward step of the store's schema. Migration n takes a database at schema version n-1 to n;
 * they run in order inside the transaction that opens the store, so a failed migration leaves the
 * database at its old version. Never edit a released migration: add the next one.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: DatabaseSync): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'model keys, immutable model versions, write probe',
    up(db) {
      db.exec(`
        CREATE TABLE model_keys (
          key TEXT PRIMARY KEY NOT NULL,
          -- NULL: scoring uses the latest version
          pinned_version INTEGER,
          -- highest version number ever given to this key, so numbers are never reused
          last_version INTEGER NOT NULL DEFAULT 0,
          -- JSON SeriesKeyParts (data source, expression, kind, options, labels), for listing
          parts TEXT,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE model_versions (
          key TEXT NOT NULL REFERENCES model_keys (key) ON DELETE CASCADE,
          version INTEGER NOT NULL CHECK (version >= 1),
          created_at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          format_version INTEGER NOT NULL,
          library_version TEXT NOT NULL,
          options TEXT NOT NULL,
          training_from INTEGER NOT NULL,
          training_to INTEGER NOT NULL,
          training_points INTEGER NOT NULL,
          training_step REAL NOT NULL,
          fingerprint TEXT NOT NULL,
          fit_stats TEXT NOT NULL,
          byte_size INTEGER NOT NULL,
          -- last, so reading the metadata columns never touches the model's overflow pages
          model TEXT NOT NULL,
          PRIMARY KEY (key, version)
        );
        CREATE TABLE vigil_probe (at INTEGER NOT NULL);
      `);
    },
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
