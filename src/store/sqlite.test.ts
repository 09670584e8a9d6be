import * as fs from 'fs';
import * as path from 'path';
import { DatabaseSync } from 'node:sqlite';
import { SchemaTooNewError } from './errors';
import { MIGRATIONS, type Migration } from './schema';
import { checkStorePath, SqliteModelStore } from './sqlite';
import { expectStoreError, tempDir, trainTestModel } from './testing';

let dir: string;
let cleanup: () => void;
let store: SqliteModelStore;
let file: string;

// The ModelStore contract (versions, pins, list, corrupt versions, the cache, two stores on one
// database) is tests/store/conformance.ts, run on SQLite by tests/store/sqlite.contract.test.ts.
// What is here is SQLite's own: the file, WAL, its lock, its migrations.

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, 'vigil', 'models.db');
  store = SqliteModelStore.open(file);
});

afterEach(() => {
  store.closeSync();
  cleanup();
});

describe('open', () => {
  test('creates the directory, the schema and switches to WAL', () => {
    expect(fs.existsSync(file)).toBe(true);
    expect(store.journalMode).toBe('wal');
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    const db = new DatabaseSync(file);
    expect(db.prepare('SELECT version FROM vigil_schema').get()).toEqual({ version: MIGRATIONS.length });
    db.close();
  });

  test('refuses a database from a newer schema, clearly, and leaves it untouched', async () => {
    await store.saveVersion('k', trainTestModel());
    store.closeSync();
    const db = new DatabaseSync(file);
    db.exec('UPDATE vigil_schema SET version = 99');
    db.close();
    const before = fs.readFileSync(file);
    let err: unknown;
    try {
      SqliteModelStore.open(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect((err as SchemaTooNewError).message).toContain(file);
    expect((err as SchemaTooNewError).message).toMatch(/schema version 99.*up to 1.*upgrade Vigil/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    store = SqliteModelStore.open(file, { migrations: [...MIGRATIONS, ...extraMigrations(98)] });
    expect((await store.latest('k'))?.info.version).toBe(1);
  });

  test('migrates an older schema forward, keeping the stored versions', async () => {
    await store.saveVersion('k', trainTestModel());
    store.closeSync();
    const [addNote] = extraMigrations(1);
    store = SqliteModelStore.open(file, { migrations: [...MIGRATIONS, addNote] });
    expect(store.schemaVersion).toBe(2);
    expect((await store.latest('k'))?.info.version).toBe(1);
    store.closeSync();
    const db = new DatabaseSync(file);
    expect(db.prepare('SELECT version FROM vigil_schema').get()).toEqual({ version: 2 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('model_keys') WHERE name = 'note'").get()).toEqual({
      n: 1,
    });
    db.close();
    // The older code now refuses the migrated file.
    expect(() => SqliteModelStore.open(file)).toThrow(SchemaTooNewError);
    store = SqliteModelStore.open(file, { migrations: [...MIGRATIONS, addNote] });
  });

  test('a failing migration leaves the database at its old version', async () => {
    await store.saveVersion('k', trainTestModel());
    store.closeSync();
    const broken: Migration = {
      version: 2,
      description: 'fails half way',
      up(db) {
        db.exec('ALTER TABLE model_keys ADD COLUMN note TEXT');
        throw new Error('boom');
      },
    };
    expect(() => SqliteModelStore.open(file, { migrations: [...MIGRATIONS, broken] })).toThrow(/boom/);
    store = SqliteModelStore.open(file);
    expect(store.schemaVersion).toBe(1);
    const db = new DatabaseSync(file);
    expect(db.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('model_keys') WHERE name = 'note'").get()).toEqual({
      n: 0,
    });
    db.close();
  });

  test('a file that is not SQLite gets a clear message', () => {
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'this is not a database, just some text that is long enough '.repeat(20));
    expect(() => SqliteModelStore.open(junk)).toThrow(/junk\.db is not a Vigil model store \(not a SQLite database\)/);
  });

  test('a directory that cannot be created gets a clear message', () => {
    const blocker = path.join(dir, 'blocker');
    fs.writeFileSync(blocker, 'a file where a directory should be');
    const bad = path.join(blocker, 'vigil', 'models.db');
    expect(() => SqliteModelStore.open(bad)).toThrow(/cannot create its directory .*blocker\/vigil/);
    expect(checkStorePath(bad)).toEqual({ ok: false, message: expect.stringMatching(/cannot create its directory/) });
  });
});

describe('locks', () => {
  test('a writer blocked past the busy timeout gets a clear "locked" error', async () => {
    const holder = new DatabaseSync(file);
    const other = SqliteModelStore.open(file, { busyTimeoutMs: 50 });
    try {
      holder.exec('BEGIN IMMEDIATE');
      const check = await other.checkWritable();
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/models\.db is locked by another connection or process \(waited 50 ms/);
      await expectStoreError(other.saveVersion('k', trainTestModel()), 'busy', /locked/);
      // Readers are not blocked by a writer in WAL mode.
      expect(await other.history('k')).toEqual([]);
      holder.exec('ROLLBACK');
      expect(await other.saveVersion('k', trainTestModel())).toBe(1);
    } finally {
      other.closeSync();
      holder.close();
    }
  });
});

describe('checkWritable', () => {
  test('ok for a healthy store; the probe leaves no row behind', async () => {
    expect(await store.checkWritable()).toEqual({
      ok: true,
      message: `model store ${file} is writable (schema version 1, journal wal)`,
    });
    const db = new DatabaseSync(file);
    expect(db.prepare('SELECT COUNT(*) AS n FROM vigil_probe').get()).toEqual({ n: 0 });
    db.close();
    expect(checkStorePath(file).ok).toBe(true);
  });

  test('a deleted database file is reported', async () => {
    fs.rmSync(path.dirname(file), { recursive: true });
    const check = await store.checkWritable();
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/models\.db no longer exists .*restart the plugin/);
  });
});

/** Trivial migrations after version 1 for the migration tests. */
function extraMigrations(count: number): Migration[] {
  return Array.from({ length: count }, (_, i) => ({
    version: MIGRATIONS.length + 1 + i,
    description: `test migration ${i}`,
    up(db: DatabaseSync) {
      if (i === 0) {
        db.exec('ALTER TABLE model_keys ADD COLUMN note TEXT');
      }
    },
  }));
}
