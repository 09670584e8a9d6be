/**
 * The PostgreSQL model store against a real PostgreSQL (a throwaway cluster, tests/store/postgresServer.ts):
 * the shared ModelStore contract, then what only a networked store has: schema creation and
 * migration under concurrent starts, connection and auth failures, lock waits bounded by the
 * statement timeout, a read-only server.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { freePort } from '../prometheus/server';
import { PostgresModelStore, SchemaTooNewError, StoreError, type ModelStore } from '../../src/store';
import { parsePostgresUrl } from '../../src/store/postgresConfig';
import { PG_MIGRATIONS, type PgMigration } from '../../src/store/postgresSchema';
import { expectStoreError, trainTestModel } from '../../src/store/testing';
import { describeModelStoreContract } from './conformance';
import { startPostgres, type RunningPostgres } from './postgresServer';

jest.setTimeout(60_000);

let pg: RunningPostgres;
let dbCount = 0;

beforeAll(async () => {
  pg = await startPostgres();
});

afterAll(async () => {
  await pg?.stop();
});

async function freshDatabase(): Promise<string> {
  return pg.createDatabase(`vigil_t${++dbCount}`);
}

describeModelStoreContract({
  name: 'PostgreSQL',
  async setup() {
    const url = await freshDatabase();
    const opened: ModelStore[] = [];
    const open = async (options = {}) => {
      const s = await PostgresModelStore.open(url, { password: pg.password, ...options });
      opened.push(s);
      return s;
    };
    const store = await open();
    const db = url.slice(url.lastIndexOf('/') + 1);
    return {
      store,
      open,
      async tamper(key, version, text) {
        const c = await pg.connect(db);
        try {
          await c.query('UPDATE vigil_model_versions SET model = $1 WHERE key = $2 AND version = $3', [
            text,
            key,
            version,
          ]);
        } finally {
          await c.end();
        }
      },
      async cleanup() {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  },
});

describe('PostgreSQL store', () => {
  let url: string;
  let db: string;
  const stores: ModelStore[] = [];
  const open = async (options: Parameters<typeof PostgresModelStore.open>[1] = {}, at = url) => {
    const s = await PostgresModelStore.open(at, { password: pg.password, ...options });
    stores.push(s);
    return s;
  };
  const sql = async (text: string, params: unknown[] = [], database = db) => {
    const c = await pg.connect(database);
    try {
      return (await c.query(text, params)).rows;
    } finally {
      await c.end();
    }
  };

  beforeEach(async () => {
    url = await freshDatabase();
    db = url.slice(url.lastIndexOf('/') + 1);
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  describe('schema', () => {
    test('is created on open, with its version recorded', async () => {
      const store = await open();
      expect(store.schemaVersion).toBe(PG_MIGRATIONS.length);
      expect(await sql('SELECT version FROM vigil_schema')).toEqual([{ version: PG_MIGRATIONS.length }]);
      const tables = await sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        'vigil_model_keys',
        'vigil_model_versions',
        'vigil_probe',
        'vigil_schema',
      ]);
      expect((await store.checkWritable()).ok).toBe(true);
      expect(await sql('SELECT COUNT(*)::int AS n FROM vigil_probe')).toEqual([{ n: 0 }]);
    });

    test('instances starting together on an empty database migrate it once and all open', async () => {
      const opened = await Promise.all(Array.from({ length: 4 }, () => open()));
      expect(opened.map((s) => (s as PostgresModelStore).schemaVersion)).toEqual([1, 1, 1, 1]);
      expect(await opened[0].saveVersion('k', trainTestModel())).toBe(1);
      expect((await opened[3].latest('k'))?.info.version).toBe(1);
    });

    test('refuses a database from a newer schema, clearly, and leaves it untouched', async () => {
      const store = await open();
      await store.saveVersion('k', trainTestModel());
      await sql('UPDATE vigil_schema SET version = 99');
      const err = await PostgresModelStore.open(url, { password: pg.password }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaTooNewError);
      expect((err as Error).message).toContain(`postgres://vigil@127.0.0.1:${pg.port}/${db}`);
      expect((err as Error).message).toMatch(
        /schema version 99.*up to 1: upgrade Vigil, or point it at another PostgreSQL database/
      );
      expect(await sql('SELECT version FROM vigil_schema')).toEqual([{ version: 99 }]);
      expect(await sql('SELECT key, version FROM vigil_model_versions')).toEqual([{ key: 'k', version: 1 }]);
      // A lazily connecting store reports the same through every call and its health check.
      const lazy = PostgresModelStore.create(url, { password: pg.password });
      stores.push(lazy);
      await expectStoreError(lazy.latest('k'), 'schema_too_new', /schema version 99/);
      expect(await lazy.checkWritable()).toEqual({ ok: false, message: expect.stringMatching(/schema version 99/) });
    });

    test('migrates an older schema forward, keeping the stored versions; the older code then refuses it', async () => {
      const first = await open();
      await first.saveVersion('k', trainTestModel());
      const migrated = await open({ migrations: [...PG_MIGRATIONS, addNoteColumn] });
      expect(migrated.schemaVersion).toBe(2);
      expect((await migrated.latest('k'))?.info.version).toBe(1);
      expect(await sql("SELECT 1 AS x FROM information_schema.columns WHERE column_name = 'note'")).toEqual([{ x: 1 }]);
      await expect(PostgresModelStore.open(url, { password: pg.password })).rejects.toThrow(SchemaTooNewError);
    });

    test('a failing migration leaves the database at its old version', async () => {
      const first = await open();
      await first.saveVersion('k', trainTestModel());
      const broken: PgMigration = {
        version: 2,
        description: 'fails half way',
        async up(client) {
          await client.query('ALTER TABLE vigil_model_keys ADD COLUMN note TEXT');
          throw new Error('boom');
        },
      };
      await expect(
        PostgresModelStore.open(url, { password: pg.password, migrations: [...PG_MIGRATIONS, broken] })
      ).rejects.toThrow(/boom/);
      expect(await sql('SELECT version FROM vigil_schema')).toEqual([{ version: 1 }]);
      expect(await sql("SELECT 1 FROM information_schema.columns WHERE column_name = 'note'")).toEqual([]);
      expect((await (await open()).latest('k'))?.info.version).toBe(1);
    });
  });

  describe('connection failures say what to fix', () => {
    test('connection refused names host and port', async () => {
      const port = await freePort();
      const at = `postgres://vigil@127.0.0.1:${port}/vigil`;
      await expectStoreError(
        PostgresModelStore.open(at, { password: 'x', connectTimeoutMs: 2000 }),
        'cannot_open',
        new RegExp(`connection refused at 127\\.0\\.0\\.1:${port}: check that PostgreSQL runs and listens there`)
      );
    });

    test('a wrong password is an auth failure that points at the secure field, and is never echoed', async () => {
      const err = await PostgresModelStore.open(url, { password: 'wrong-secret-123' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('cannot_open');
      expect((err as Error).message).toMatch(
        /password authentication failed for user vigil: fix the PostgreSQL password in the data source settings/
      );
      expect((err as Error).message).not.toContain('wrong-secret-123');
    });

    test('no password where the server asks for one says where to enter it', async () => {
      await expectStoreError(
        PostgresModelStore.open(url),
        'cannot_open',
        /asks user vigil for a password and none is set: enter the PostgreSQL password in the data source settings/
      );
    });

    test('a missing database says how to create it', async () => {
      await expectStoreError(
        PostgresModelStore.open(pg.url('no_such_db'), { password: pg.password }),
        'cannot_open',
        /database no_such_db does not exist: create it \(CREATE DATABASE "no_such_db" OWNER "vigil"\)/
      );
    });

    test('a store handed out before its database exists starts working once it does', async () => {
      const lazy = PostgresModelStore.create(pg.url('late_db'), { password: pg.password });
      stores.push(lazy);
      const before = await lazy.checkWritable();
      expect(before.ok).toBe(false);
      expect(before.message).toMatch(/database late_db does not exist/);
      await pg.createDatabase('late_db');
      expect(await lazy.checkWritable()).toEqual({
        ok: true,
        message: expect.stringMatching(/late_db is writable \(schema version 1, PostgreSQL \d+/),
      });
      expect(await lazy.saveVersion('k', trainTestModel())).toBe(1);
    });

    test('a read-only server (a standby) fails the write probe and writes, and still reads', async () => {
      const store = await open();
      await store.saveVersion('k', trainTestModel());
      await store.close();
      await sql(`ALTER DATABASE "${db}" SET default_transaction_read_only = on`);
      const ro = await open();
      const check = await ro.checkWritable();
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/the server is read-only \(a standby\?\): point the PostgreSQL URL at the primary/);
      await expectStoreError(ro.saveVersion('k', trainTestModel()), 'not_writable', /read-only/);
      expect((await ro.latest('k'))?.info.version).toBe(1);
    });
  });

  describe('timeouts and locks', () => {
    test('a server that accepts but never answers is a connect timeout naming the setting', async () => {
      const sockets: Socket[] = [];
      const silent = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as AddressInfo).port;
      try {
        const started = Date.now();
        await expectStoreError(
          PostgresModelStore.open(`postgres://vigil@127.0.0.1:${port}/vigil`, { password: 'x', connectTimeoutMs: 300 }),
          'cannot_open',
          new RegExp(`no connection to 127\\.0\\.0\\.1:${port} within 300 ms`)
        );
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        sockets.forEach((s) => s.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    test('connections the server drops (restart, failover) are replaced; the process does not crash', async () => {
      const store = await open();
      await store.saveVersion('k', trainTestModel());
      const killed = await sql(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'vigil' AND datname = $1",
        [db]
      );
      expect(killed.length).toBeGreaterThan(0);
      // The pool may hand out a dead connection once; the failure says so and the next call reconnects.
      const first = await store.latest('k').catch((e: unknown) => e);
      if (first instanceof Error) {
        expect(first).toBeInstanceOf(StoreError);
        expect(first.message).toMatch(/connection to PostgreSQL was lost during read; the next request reconnects/);
      }
      expect((await store.latest('k'))?.info.version).toBe(1);
      expect(await store.saveVersion('k', trainTestModel('zscore', 2))).toBe(2);
    });

    test('a save blocked past the statement timeout by another instance is busy, then succeeds', async () => {
      const store = await open({ statementTimeoutMs: 300 });
      await store.saveVersion('k', trainTestModel());
      const holder = await pg.connect(db);
      try {
        await holder.query('BEGIN');
        await holder.query("SELECT 1 FROM vigil_model_keys WHERE key = 'k' FOR UPDATE");
        const started = Date.now();
        await expectStoreError(
          store.saveVersion('k', trainTestModel('zscore', 2)),
          'busy',
          /took longer than the statement timeout of 300 ms/
        );
        expect(Date.now() - started).toBeLessThan(5000);
        // Readers are not blocked by the lock.
        expect((await store.latest('k'))?.info.version).toBe(1);
        await holder.query('ROLLBACK');
      } finally {
        await holder.end();
      }
      expect(await store.saveVersion('k', trainTestModel('zscore', 2))).toBe(2);
    });
  });

  describe('settings', () => {
    test('the password never shows in what the store displays; one in the URL is used only when none is given', () => {
      const a = parsePostgresUrl('postgres://alice:inurl@db.example:6543/models?sslmode=require', 'secure');
      expect(a.target).toEqual({
        display: 'postgres://alice@db.example:6543/models',
        host: 'db.example',
        port: 6543,
        user: 'alice',
        database: 'models',
      });
      expect(new URL(a.connectionString).password).toBe('secure');
      expect(a.connectionString).toContain('sslmode=require');
      expect(new URL(parsePostgresUrl('postgres://alice:inurl@db/models').connectionString).password).toBe('inurl');
      expect(new URL(parsePostgresUrl('postgres://alice@db/models', 'p@ss/w:rd').connectionString).password).toBe(
        encodeURIComponent('p@ss/w:rd')
      );
      expect(() => parsePostgresUrl('mysql://db/x')).toThrow(/must start with postgres:\/\//);
      expect(() => parsePostgresUrl('')).toThrow(/no PostgreSQL URL/);
    });

    test('a key PostgreSQL cannot hold is refused clearly', async () => {
      const store = await open();
      await expectStoreError(store.saveVersion('a\u0000b', trainTestModel()), 'invalid_argument', /NUL character/);
    });
  });
});

const addNoteColumn: PgMigration = {
  version: 2,
  description: 'test: a note per key',
  async up(client) {
    await client.query('ALTER TABLE vigil_model_keys ADD COLUMN note TEXT');
  },
};
