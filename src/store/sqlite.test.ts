import * as fs from 'fs';
import * as path from 'path';
import { DatabaseSync } from 'node:sqlite';
import { allocScoreBuffers } from '../model';
import { CorruptModelError, SchemaTooNewError, StoreError } from './errors';
import { MIGRATIONS, type Migration } from './schema';
import { checkStorePath, SqliteModelStore } from './sqlite';
import { tempDir, testSeries, trainTestModel } from './testing';

let dir: string;
let cleanup: () => void;
let store: SqliteModelStore;
let file: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  file = path.join(dir, 'vigil', 'models.db');
  store = SqliteModelStore.open(file);
});

afterEach(() => {
  store.closeSync();
  cleanup();
});

/** Rewrites a stored model's JSON behind the store's back, as a disk fault or a bad tool would. */
function tamper(key: string, version: number, model: string) {
  const db = new DatabaseSync(file);
  db.prepare('UPDATE model_versions SET model = ? WHERE key = ? AND version = ?').run(model, key, version);
  db.close();
}

async function expectStoreError(p: Promise<unknown>, code: string, message: RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  expect((err as StoreError).message).toMatch(message);
}

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

describe('versions', () => {
  test('increment per key from 1 and record the metadata', async () => {
    const a1 = trainTestModel('zscore', 1);
    expect(await store.saveVersion('a', a1, { fitStats: { residualMad: 0.5 }, createdAtMs: 1000 })).toBe(1);
    expect(await store.saveVersion('a', trainTestModel('ets', 2), { createdAtMs: 2000 })).toBe(2);
    expect(await store.saveVersion('b', trainTestModel('zscore', 3))).toBe(1);
    expect(await store.saveVersion('a', trainTestModel('zscore', 4), { createdAtMs: 3000 })).toBe(3);

    const info = await store.info('a', 1);
    const json = a1.toJSON();
    expect(info).toEqual({
      key: 'a',
      version: 1,
      createdAtMs: 1000,
      kind: 'zscore',
      formatVersion: json.formatVersion,
      libraryVersion: json.libraryVersion,
      options: json.options,
      training: {
        fromMs: json.training.fromMs,
        toMs: json.training.toMs,
        points: json.training.points,
        stepMs: json.training.stepMs,
      },
      fingerprint: json.training.fingerprint,
      fitStats: { residualMad: 0.5 },
      byteSize: Buffer.byteLength(JSON.stringify(json)),
      pinned: false,
      active: false,
    });
    expect(await store.rawModel('a', 1)).toBe(JSON.stringify(json));
    expect((await store.latest('a'))?.info.version).toBe(3);
    expect((await store.get('a', 2))?.info.kind).toBe('ets');
    expect((await store.history('a')).map((v) => [v.version, v.active])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
  });

  test('a loaded version scores exactly like the model that was saved', async () => {
    const model = trainTestModel('seasonal', 7, 3000);
    await store.saveVersion('s', model);
    const loaded = (await store.latest('s'))!.model;
    const series = testSeries(400, 9);
    const want = allocScoreBuffers(400);
    const got = allocScoreBuffers(400);
    model.score(series, want);
    loaded.score(series, got);
    expect(Array.from(got.score)).toEqual(Array.from(want.score));
    expect(Array.from(got.upper)).toEqual(Array.from(want.upper));
  });

  test('accepts a serialised model as well as a Model', async () => {
    await store.saveVersion('j', trainTestModel().toJSON());
    expect((await store.latest('j'))?.model.kind).toBe('zscore');
  });

  test('unknown keys and versions are undefined; bad arguments are refused', async () => {
    expect(await store.latest('nope')).toBeUndefined();
    expect(await store.active('nope')).toBeUndefined();
    expect(await store.activeLoadable('nope')).toBeUndefined();
    expect(await store.history('nope')).toEqual([]);
    await store.saveVersion('a', trainTestModel());
    expect(await store.get('a', 2)).toBeUndefined();
    expect(await store.info('a', 2)).toBeUndefined();
    expect(await store.rawModel('a', 2)).toBeUndefined();
    await expectStoreError(store.get('a', 0), 'invalid_argument', /version must be an integer >= 1/);
    await expectStoreError(store.get('', 1), 'invalid_argument', /key must be a non-empty string/);
    await expectStoreError(store.list({ limit: 0 }), 'invalid_argument', /limit must be an integer/);
  });

  test('refuses models that are not models, or would not load back', async () => {
    await expectStoreError(
      store.saveVersion('x', { kind: 'nonsense' } as never),
      'invalid_argument',
      /not a serialised model: kind "nonsense"/
    );
    const json = trainTestModel().toJSON();
    // NaN has no JSON form: JSON.stringify would silently write null, which load() refuses.
    const broken = { ...json, sigmaFloor: NaN };
    await expectStoreError(store.saveVersion('x', broken), 'invalid_argument', /does not load back/);
    await expectStoreError(
      store.saveVersion('x', trainTestModel(), { fitStats: { n: BigInt(1) } }),
      'invalid_argument',
      /fitStats .* cannot be serialised/
    );
    expect(await store.history('x')).toEqual([]);
    expect((await store.list()).total).toBe(0);
  });

  test('numbers are never reused after pruning', async () => {
    for (let i = 1; i <= 4; i++) {
      await store.saveVersion('k', trainTestModel('zscore', i));
    }
    await store.prune('k', 1);
    expect(await store.saveVersion('k', trainTestModel())).toBe(5);
  });
});

describe('pins and rollback', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 3; i++) {
      await store.saveVersion('k', trainTestModel('zscore', i));
    }
  });

  test('active is the pin, else the latest', async () => {
    expect((await store.active('k'))?.info.version).toBe(3);
    await store.pin('k', 2);
    const active = (await store.active('k'))!.info;
    expect([active.version, active.pinned, active.active]).toEqual([2, true, true]);
    expect((await store.latest('k'))?.info.version).toBe(3);
    // A new training does not move a pin.
    await store.saveVersion('k', trainTestModel('zscore', 4));
    expect((await store.active('k'))?.info.version).toBe(2);
    await store.unpin('k');
    expect((await store.active('k'))?.info.version).toBe(4);
  });

  test('pin of a missing version or key is not_found', async () => {
    await expectStoreError(store.pin('k', 9), 'not_found', /model k has no version 9/);
    await expectStoreError(store.pin('other', 1), 'not_found', /model other has no version 1/);
    await expectStoreError(store.unpin('other'), 'not_found', /no stored model other/);
  });

  test('rollback pins the version before the active one, step by step', async () => {
    expect(await store.rollback('k')).toBe(2);
    expect((await store.active('k'))?.info.version).toBe(2);
    expect(await store.rollback('k')).toBe(1);
    await expectStoreError(store.rollback('k'), 'not_found', /no version before version 1/);
    expect((await store.active('k'))?.info.version).toBe(1);
    await expectStoreError(store.rollback('missing'), 'not_found', /no stored model missing/);
  });

  test('rollback skips pruned versions', async () => {
    await store.saveVersion('k', trainTestModel('zscore', 4));
    await store.pin('k', 1);
    await store.prune('k', 1); // keeps 4 (newest) and 1 (pinned)
    await store.unpin('k');
    expect(await store.rollback('k')).toBe(1);
  });

  test('prune keeps the newest versions and the pin', async () => {
    await store.saveVersion('k', trainTestModel('zscore', 4));
    await store.saveVersion('k', trainTestModel('zscore', 5));
    await store.pin('k', 1);
    expect(await store.prune('k', 2)).toEqual([2, 3]);
    expect((await store.history('k')).map((v) => v.version)).toEqual([5, 4, 1]);
    expect((await store.active('k'))?.info.version).toBe(1);
    expect(await store.prune('k', 2)).toEqual([]);
    expect(await store.prune('missing', 2)).toEqual([]);
    await expectStoreError(store.prune('k', 0), 'invalid_argument', /keepLast must be an integer >= 1.*deleteKey/);
  });

  test('deleteKey removes every version and the pin', async () => {
    await store.pin('k', 1);
    expect(await store.deleteKey('k')).toBe(3);
    expect(await store.active('k')).toBeUndefined();
    expect(await store.history('k')).toEqual([]);
    expect(await store.deleteKey('k')).toBe(0);
    // A new model under the same key starts afresh.
    expect(await store.saveVersion('k', trainTestModel())).toBe(1);
    expect((await store.active('k'))?.info.pinned).toBe(false);
  });
});

describe('list', () => {
  test('pages keys by prefix with their active version, count, kind and last training', async () => {
    await store.saveVersion('ds1/q1/zscore/o/{a="1"}', trainTestModel('zscore', 1), { createdAtMs: 10 });
    await store.saveVersion('ds1/q1/zscore/o/{a="1"}', trainTestModel('ets', 2), { createdAtMs: 20 });
    await store.saveVersion('ds1/q2/zscore/o/{a="2"}', trainTestModel('zscore', 3), { createdAtMs: 30 });
    await store.saveVersion('ds2/q1/zscore/o/{a="3"}', trainTestModel('zscore', 4), { createdAtMs: 40 });
    await store.pin('ds1/q1/zscore/o/{a="1"}', 1);

    const all = await store.list();
    expect(all.total).toBe(3);
    expect(all.items[0]).toEqual({
      key: 'ds1/q1/zscore/o/{a="1"}',
      activeVersion: 1,
      latestVersion: 2,
      pinnedVersion: 1,
      versionCount: 2,
      kind: 'zscore', // of the active (pinned) version, not the latest (ets)
      lastTrainedMs: 20,
      parts: null,
    });
    const ds1 = await store.list({ prefix: 'ds1/' });
    expect(ds1.total).toBe(2);
    expect(ds1.items.map((i) => i.key)).toEqual(['ds1/q1/zscore/o/{a="1"}', 'ds1/q2/zscore/o/{a="2"}']);
    const page2 = await store.list({ prefix: 'ds1/', limit: 1, offset: 1 });
    expect(page2).toEqual({ total: 2, items: [expect.objectContaining({ key: 'ds1/q2/zscore/o/{a="2"}' })] });
    expect((await store.list({ prefix: 'ds3/' })).total).toBe(0);
    // Prefixes are literal: no LIKE or GLOB wildcards.
    expect((await store.list({ prefix: 'ds_' })).total).toBe(0);
    expect((await store.list({ prefix: 'ds%' })).total).toBe(0);
  });

  test('keeps the key parts given at save time', async () => {
    const parts = { datasourceUid: 'u', expr: 'up', kind: 'auto', options: { seed: 1 }, labels: { job: 'x' } };
    await store.saveVersion('u/k', trainTestModel(), { parts });
    expect((await store.list()).items[0].parts).toEqual(parts);
  });
});

describe('corrupt models', () => {
  beforeEach(async () => {
    for (let i = 1; i <= 3; i++) {
      await store.saveVersion('k', trainTestModel('zscore', i));
    }
  });

  test('bad JSON is a CorruptModelError naming key and version; other versions still load', async () => {
    tamper('k', 3, '{"kind": "zscore", truncat');
    const err = await store.latest('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptModelError);
    expect(err).toMatchObject({ key: 'k', version: 3, code: 'corrupt_model' });
    expect((err as Error).message).toMatch(/stored model k version 3 is corrupt: the model is not valid JSON/);
    expect((await store.get('k', 2))?.model.kind).toBe('zscore');
    expect((await store.get('k', 1))?.model.kind).toBe('zscore');
    // Metadata stays readable: history shows the corrupt version so a user can delete or roll back.
    expect((await store.history('k')).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  test('a model the library refuses is corrupt too', async () => {
    const json = JSON.parse((await store.rawModel('k', 2))!);
    tamper('k', 2, JSON.stringify({ ...json, formatVersion: 999 }));
    await expect(store.get('k', 2)).rejects.toThrow(
      /stored model k version 2 is corrupt: the model library refuses it: .*format version 999/
    );
    tamper('k', 1, JSON.stringify({ ...json, training: { ...json.training, fingerprint: 'ffff' } }));
    await expect(store.get('k', 1)).rejects.toThrow(/version 1 is corrupt: the row's training fingerprint/);
  });

  test('activeLoadable falls back to the newest version that loads, and says so', async () => {
    const ok = await store.activeLoadable('k');
    expect(ok?.info.version).toBe(3);
    expect(ok?.skipped).toEqual([]);
    expect(ok?.note).toBeUndefined();

    tamper('k', 3, 'not json');
    const fb = (await store.activeLoadable('k'))!;
    expect(fb.info.version).toBe(2);
    expect(fb.model.kind).toBe('zscore');
    expect(fb.skipped.map((e) => e.version)).toEqual([3]);
    expect(fb.note).toMatch(
      /model k: using version 2, the newest that loads, instead of the latest version 3; corrupt/
    );

    // A corrupt pin falls back to the newest loadable version, which may be newer than the pin.
    tamper('k', 1, '[]');
    await store.pin('k', 1);
    const fromPin = (await store.activeLoadable('k'))!;
    expect(fromPin.info.version).toBe(2);
    expect(fromPin.skipped.map((e) => e.version)).toEqual([1, 3]);
    expect(fromPin.note).toMatch(/instead of the pinned version 1/);

    tamper('k', 2, '{}');
    const err = await store.activeLoadable('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptModelError);
    expect((err as Error).message).toMatch(
      /version 1 is corrupt: .*none of the key's other 2 version\(s\) loads either/
    );
  });
});

describe('concurrency', () => {
  test('two stores on the same file read each other and number versions without clashing', async () => {
    const other = SqliteModelStore.open(file);
    try {
      expect(await store.saveVersion('k', trainTestModel('zscore', 1))).toBe(1);
      expect((await other.latest('k'))?.info.version).toBe(1);
      expect(await other.saveVersion('k', trainTestModel('zscore', 2))).toBe(2);
      expect(await store.saveVersion('k', trainTestModel('zscore', 3))).toBe(3);
      await other.pin('k', 1);
      expect((await store.active('k'))?.info.version).toBe(1);
      expect((await store.history('k')).map((v) => v.version)).toEqual([3, 2, 1]);
      expect((await other.checkWritable()).ok).toBe(true);
    } finally {
      other.closeSync();
    }
  });

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

  test('a closed store says so, and its methods fail with code closed', async () => {
    await store.close();
    expect(await store.checkWritable()).toEqual({ ok: false, message: expect.stringMatching(/is closed/) });
    await expectStoreError(store.latest('k'), 'closed', /is closed/);
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
