import * as path from 'path';
import { DatabaseSync } from 'node:sqlite';
import { CorruptModelError } from './errors';
import { ModelCache } from './modelCache';
import { SqliteModelStore } from './sqlite';
import { tempDir, trainTestModel } from './testing';

describe('ModelCache', () => {
  const m1 = trainTestModel('zscore', 1);
  const m2 = trainTestModel('zscore', 2);

  test('answers what was set for the same scope, key, version and digest only', () => {
    const c = new ModelCache();
    c.set('s', 'k', 1, 'd1', 10, m1);
    expect(c.get('s', 'k', 1, 'd1')).toBe(m1);
    expect(c.get('s', 'k', 2, 'd1')).toBeUndefined();
    expect(c.get('other', 'k', 1, 'd1')).toBeUndefined();
    expect(c.stats()).toMatchObject({ entries: 1, bytes: 10, hits: 1, misses: 2 });
  });

  test('a different digest (the row changed on disk) drops the entry', () => {
    const c = new ModelCache();
    c.set('s', 'k', 1, 'd1', 10, m1);
    expect(c.get('s', 'k', 1, 'd2')).toBeUndefined();
    expect(c.get('s', 'k', 1, 'd1')).toBeUndefined();
    expect(c.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  test('evicts the least recently used past maxEntries', () => {
    const c = new ModelCache({ maxEntries: 2 });
    c.set('s', 'a', 1, 'd', 1, m1);
    c.set('s', 'b', 1, 'd', 1, m2);
    expect(c.get('s', 'a', 1, 'd')).toBe(m1); // a is now the most recent
    c.set('s', 'c', 1, 'd', 1, m1);
    expect(c.get('s', 'b', 1, 'd')).toBeUndefined();
    expect(c.get('s', 'a', 1, 'd')).toBe(m1);
    expect(c.get('s', 'c', 1, 'd')).toBe(m1);
    expect(c.stats()).toMatchObject({ entries: 2, evictions: 1 });
  });

  test('evicts past maxBytes, and never keeps an entry larger than the bound', () => {
    const c = new ModelCache({ maxBytes: 100 });
    c.set('s', 'a', 1, 'd', 60, m1);
    c.set('s', 'b', 1, 'd', 30, m2);
    c.set('s', 'c', 1, 'd', 30, m2);
    expect(c.get('s', 'a', 1, 'd')).toBeUndefined();
    expect(c.stats()).toMatchObject({ entries: 2, bytes: 60, evictions: 1 });
    c.set('s', 'huge', 1, 'd', 101, m1);
    expect(c.get('s', 'huge', 1, 'd')).toBeUndefined();
    expect(c.stats()).toMatchObject({ entries: 2, bytes: 60 });
  });

  test('setting a version again replaces it without counting its bytes twice', () => {
    const c = new ModelCache();
    c.set('s', 'k', 1, 'd1', 10, m1);
    c.set('s', 'k', 1, 'd2', 15, m2);
    expect(c.get('s', 'k', 1, 'd2')).toBe(m2);
    expect(c.stats()).toMatchObject({ entries: 1, bytes: 15 });
  });

  test('deleteKey drops every version of a key, delete one version, deleteScope one store', () => {
    const c = new ModelCache();
    c.set('s', 'k', 1, 'd', 1, m1);
    c.set('s', 'k', 2, 'd', 1, m2);
    c.set('s', 'j', 1, 'd', 1, m1);
    c.set('t', 'k', 1, 'd', 1, m1);
    c.delete('s', 'j', 1);
    expect(c.get('s', 'j', 1, 'd')).toBeUndefined();
    c.deleteKey('s', 'k');
    expect(c.get('s', 'k', 1, 'd')).toBeUndefined();
    expect(c.get('s', 'k', 2, 'd')).toBeUndefined();
    expect(c.get('t', 'k', 1, 'd')).toBe(m1);
    c.deleteScope('t');
    expect(c.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  test('refuses bounds that are not positive integers', () => {
    expect(() => new ModelCache({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/);
    expect(() => new ModelCache({ maxBytes: 1.5 })).toThrow(/maxBytes must be a positive integer/);
  });
});

describe('SqliteModelStore with a model cache', () => {
  let cleanup: () => void;
  let file: string;
  let cache: ModelCache;
  let store: SqliteModelStore;

  beforeEach(() => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'models.db');
    cache = new ModelCache();
    store = SqliteModelStore.open(file, { modelCache: cache });
  });

  afterEach(() => {
    store.closeSync();
    cleanup();
  });

  const fingerprint = async (key: string) => (await store.activeLoadable(key))?.model.training.fingerprint;

  test('a second load of the same version is the cached model, not a new parse', async () => {
    await store.saveVersion('k', trainTestModel('zscore', 1));
    const a = await store.activeLoadable('k');
    const b = await store.activeLoadable('k');
    expect(b?.model).toBe(a?.model);
    expect(b?.info.version).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1 });
  });

  test('a new version, a pin, an unpin and a rollback each serve the version now active', async () => {
    const models = [1, 2, 3].map((seed) => trainTestModel('zscore', seed));
    await store.saveVersion('k', models[0]);
    await store.saveVersion('k', models[1]);
    expect(await fingerprint('k')).toBe(models[1].training.fingerprint);
    await store.saveVersion('k', models[2]);
    expect(await fingerprint('k')).toBe(models[2].training.fingerprint);
    await store.pin('k', 1);
    expect(await fingerprint('k')).toBe(models[0].training.fingerprint);
    await store.unpin('k');
    expect(await fingerprint('k')).toBe(models[2].training.fingerprint);
    expect(await store.rollback('k')).toBe(2);
    expect(await fingerprint('k')).toBe(models[1].training.fingerprint);
  });

  test('a pin by another connection (another process) is seen at once', async () => {
    const models = [1, 2].map((seed) => trainTestModel('zscore', seed));
    await store.saveVersion('k', models[0]);
    await store.saveVersion('k', models[1]);
    expect(await fingerprint('k')).toBe(models[1].training.fingerprint);
    const other = SqliteModelStore.open(file);
    await other.pin('k', 1);
    other.closeSync();
    expect(await fingerprint('k')).toBe(models[0].training.fingerprint);
  });

  test('a key deleted and trained again elsewhere never answers with the old model', async () => {
    await store.saveVersion('k', trainTestModel('zscore', 1));
    await store.activeLoadable('k');
    const other = SqliteModelStore.open(file);
    await other.deleteKey('k');
    const fresh = trainTestModel('zscore', 2);
    expect(await other.saveVersion('k', fresh)).toBe(1); // the same key and version number
    other.closeSync();
    expect(await fingerprint('k')).toBe(fresh.training.fingerprint);
  });

  test('deleteKey and prune drop their entries; closing drops the whole store', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      await store.saveVersion('k', trainTestModel('zscore', seed));
      await store.get('k', seed);
    }
    await store.saveVersion('j', trainTestModel('zscore', 4));
    await store.activeLoadable('j');
    expect(cache.stats().entries).toBe(4);
    expect(await store.prune('k', 1)).toEqual([1, 2]);
    expect(cache.stats().entries).toBe(2);
    await store.deleteKey('k');
    expect(cache.stats().entries).toBe(1);
    store.closeSync();
    expect(cache.stats().entries).toBe(0);
  });

  test('a cached version corrupted on disk is still reported as corrupt', async () => {
    await store.saveVersion('k', trainTestModel('zscore', 1));
    await store.saveVersion('k', trainTestModel('zscore', 2));
    await store.activeLoadable('k');
    const db = new DatabaseSync(file);
    db.prepare('UPDATE model_versions SET model = ? WHERE key = ? AND version = 2').run('{"kind": trunc', 'k');
    db.close();
    await expect(store.latest('k')).rejects.toBeInstanceOf(CorruptModelError);
    const used = await store.activeLoadable('k');
    expect(used?.info.version).toBe(1);
    expect(used?.note).toMatch(/using version 1, the newest that loads, instead of the latest version 2/);
  });

  test('two stores sharing one cache keep their models apart (even two in-memory ones)', async () => {
    const a = SqliteModelStore.open(':memory:', { modelCache: cache });
    const b = SqliteModelStore.open(':memory:', { modelCache: cache });
    const ma = trainTestModel('zscore', 1);
    const mb = trainTestModel('zscore', 2);
    await a.saveVersion('k', ma);
    await b.saveVersion('k', mb);
    expect((await a.activeLoadable('k'))?.model.training.fingerprint).toBe(ma.training.fingerprint);
    expect((await b.activeLoadable('k'))?.model.training.fingerprint).toBe(mb.training.fingerprint);
    expect((await a.activeLoadable('k'))?.model.training.fingerprint).toBe(ma.training.fingerprint);
    a.closeSync();
    b.closeSync();
  });
});
