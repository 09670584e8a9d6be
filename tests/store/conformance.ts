import { allocScoreBuffers } from '../../src/model';
import { CorruptModelError, ModelCache, type ModelStore } from '../../src/store';
import { expectStoreError, testSeries, trainTestModel } from '../../src/store/testing';

/**
 * The ModelStore contract (src/store/types.ts), as one set of assertions every implementation
 * must pass: tests/store/sqlite.contract.test.ts runs it on SQLite, tests/store/postgres.test.ts
 * on a real PostgreSQL. What is specific to one store (files, WAL, connections, schema surgery)
 * is tested beside it, not here.
 */
export interface StoreUnderTest {
  store: ModelStore;
  /** Another store object on the same database, as another process or Grafana instance opens it. */
  open(options?: { modelCache?: ModelCache }): Promise<ModelStore>;
  /** Rewrites a stored model's text behind the stores' back, as a disk fault or a bad tool would. */
  tamper(key: string, version: number, text: string): Promise<void>;
  /** Closes every store opened and removes the database. */
  cleanup(): Promise<void>;
}

export interface StoreHarness {
  name: string;
  setup(): Promise<StoreUnderTest>;
}

export function describeModelStoreContract(harness: StoreHarness): void {
  describe(`ModelStore contract: ${harness.name}`, () => {
    let t: StoreUnderTest;
    let store: ModelStore;

    beforeEach(async () => {
      t = await harness.setup();
      store = t.store;
    });

    afterEach(async () => {
      await t.cleanup();
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

      test('keys are stored verbatim: unicode, quotes, backslashes and LIKE wildcards', async () => {
        const keys = ['u/é€😀', 'u/q"\'\\', 'u/50%_off', 'u/' + 'x'.repeat(4000)];
        for (const [i, k] of keys.entries()) {
          await store.saveVersion(k, trainTestModel('zscore', i + 1));
        }
        for (const k of keys) {
          expect((await store.latest(k))?.info.key).toBe(k);
        }
        expect((await store.list({ prefix: 'u/50%' })).items.map((i) => i.key)).toEqual(['u/50%_off']);
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

      test('orders keys byte-wise, whatever the database collation', async () => {
        for (const [i, k] of ['b', 'B', 'a', '_', 'é', 'A'].entries()) {
          await store.saveVersion(k, trainTestModel('zscore', i + 1));
        }
        expect((await store.list()).items.map((i) => i.key)).toEqual(['A', 'B', '_', 'a', 'b', 'é']);
      });

      test('keeps the key parts given at save time, and a later save without parts keeps them', async () => {
        const parts = { datasourceUid: 'u', expr: 'up', kind: 'auto', options: { seed: 1 }, labels: { job: 'x' } };
        await store.saveVersion('u/k', trainTestModel(), { parts });
        await store.saveVersion('u/k', trainTestModel('zscore', 2));
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
        await t.tamper('k', 3, '{"kind": "zscore", truncat');
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
        await t.tamper('k', 2, JSON.stringify({ ...json, formatVersion: 999 }));
        await expect(store.get('k', 2)).rejects.toThrow(
          /stored model k version 2 is corrupt: the model library refuses it: .*format version 999/
        );
        await t.tamper('k', 1, JSON.stringify({ ...json, training: { ...json.training, fingerprint: 'ffff' } }));
        await expect(store.get('k', 1)).rejects.toThrow(/version 1 is corrupt: the row's training fingerprint/);
      });

      test('activeLoadable falls back to the newest version that loads, and says so', async () => {
        const ok = await store.activeLoadable('k');
        expect(ok?.info.version).toBe(3);
        expect(ok?.skipped).toEqual([]);
        expect(ok?.note).toBeUndefined();

        await t.tamper('k', 3, 'not json');
        const fb = (await store.activeLoadable('k'))!;
        expect(fb.info.version).toBe(2);
        expect(fb.info.active).toBe(false);
        expect(fb.model.kind).toBe('zscore');
        expect(fb.skipped.map((e) => e.version)).toEqual([3]);
        expect(fb.note).toMatch(
          /model k: using version 2, the newest that loads, instead of the latest version 3; corrupt/
        );

        // A corrupt pin falls back to the newest loadable version, which may be newer than the pin.
        await t.tamper('k', 1, '[]');
        await store.pin('k', 1);
        const fromPin = (await store.activeLoadable('k'))!;
        expect(fromPin.info.version).toBe(2);
        expect(fromPin.skipped.map((e) => e.version)).toEqual([1, 3]);
        expect(fromPin.note).toMatch(/instead of the pinned version 1/);

        await t.tamper('k', 2, '{}');
        const err = await store.activeLoadable('k').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CorruptModelError);
        expect((err as Error).message).toMatch(
          /version 1 is corrupt: .*none of the key's other 2 version\(s\) loads either/
        );
      });
    });

    describe('model cache', () => {
      test('a warm load answers from memory; a row rewritten behind the store is loaded again', async () => {
        const cache = new ModelCache();
        const cached = await t.open({ modelCache: cache });
        await cached.saveVersion('k', trainTestModel('zscore', 1));
        const first = (await cached.latest('k'))!.model;
        expect((await cached.activeLoadable('k'))!.model).toBe(first);
        expect(cache.stats()).toMatchObject({ entries: 1, hits: 1 });

        const json = JSON.parse((await cached.rawModel('k', 1))!);
        await t.tamper('k', 1, JSON.stringify({ ...json, formatVersion: 999 }));
        await expect(cached.latest('k')).rejects.toThrow(/version 1 is corrupt/);
      });

      test('a key another instance deleted and trained again is not answered from memory', async () => {
        const cached = await t.open({ modelCache: new ModelCache() });
        const other = await t.open();
        await cached.saveVersion('k', trainTestModel('zscore', 1));
        const old = (await cached.latest('k'))!;
        expect(await other.deleteKey('k')).toBe(1);
        expect(await other.saveVersion('k', trainTestModel('zscore', 2))).toBe(1);
        const now = (await cached.latest('k'))!;
        expect(now.info.version).toBe(1);
        expect(now.model).not.toBe(old.model);
        expect(now.model.training.fingerprint).toBe(trainTestModel('zscore', 2).training.fingerprint);
      });

      test('prune and deleteKey drop the cached versions', async () => {
        const cache = new ModelCache();
        const cached = await t.open({ modelCache: cache });
        for (let i = 1; i <= 3; i++) {
          await cached.saveVersion('k', trainTestModel('zscore', i));
          await cached.latest('k');
        }
        expect(cache.stats().entries).toBe(3);
        await cached.prune('k', 1);
        expect(cache.stats().entries).toBe(1);
        await cached.deleteKey('k');
        expect(cache.stats().entries).toBe(0);
      });
    });

    describe('two stores on one database', () => {
      test('read each other and number versions without clashing', async () => {
        const other = await t.open();
        expect(await store.saveVersion('k', trainTestModel('zscore', 1))).toBe(1);
        expect((await other.latest('k'))?.info.version).toBe(1);
        expect(await other.saveVersion('k', trainTestModel('zscore', 2))).toBe(2);
        expect(await store.saveVersion('k', trainTestModel('zscore', 3))).toBe(3);
        await other.pin('k', 1);
        expect((await store.active('k'))?.info.version).toBe(1);
        expect((await store.history('k')).map((v) => v.version)).toEqual([3, 2, 1]);
        expect((await other.checkWritable()).ok).toBe(true);
      });

      test('saving one key concurrently from both gives distinct consecutive numbers and loses no write', async () => {
        const other = await t.open();
        const models = Array.from({ length: 16 }, (_, i) => trainTestModel('zscore', i + 1));
        const saved = await Promise.all(models.map((m, i) => (i % 2 === 0 ? store : other).saveVersion('k', m)));
        expect([...saved].sort((a, b) => a - b)).toEqual(models.map((_, i) => i + 1));
        // Each number holds the model that was saved under it.
        for (const [i, m] of models.entries()) {
          const got = await other.get('k', saved[i]);
          expect(got?.model.training.fingerprint).toBe(m.training.fingerprint);
        }
        expect((await store.history('k')).length).toBe(16);
      });
    });

    describe('checkWritable and close', () => {
      test('ok for a healthy store', async () => {
        const check = await store.checkWritable();
        expect(check.ok).toBe(true);
        expect(check.message).toMatch(/is writable \(schema version 1/);
        // The probe is rolled back: nothing of it shows as a model.
        expect((await store.list()).total).toBe(0);
      });

      test('a closed store says so, and its methods fail with code closed', async () => {
        await store.close();
        expect(await store.checkWritable()).toEqual({ ok: false, message: expect.stringMatching(/is closed/) });
        await expectStoreError(store.latest('k'), 'closed', /is closed/);
        await expectStoreError(store.saveVersion('k', trainTestModel()), 'closed', /is closed/);
        await store.close(); // twice is fine
      });
    });
  });
}
