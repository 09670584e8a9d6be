/**
 * A separate Node process working on a model store, driven by tests/store/*.test.ts (bundled with
 * esbuild and run with the same Node). Every line it prints on stdout is written synchronously, so
 * the parent sees it before anything else happens in this process.
 *
 *   crash <db> <model.json>          save the model, announce "INSIDE <version> <wal bytes>" from inside
 *                                    the save transaction, then block until killed
 *   loop <db> <model.json>           save the model over and over, "SAVED <version>" after each commit
 *   writer <db> <key> <n> <seed>     print READY, wait for <db>.go, save n small models under key,
 *                                    "SAVED <version>" after each
 *   check <db>                       print checkStorePath(<db>) as JSON
 */
import * as fs from 'fs';
import { SqliteModelStore, checkStorePath } from '../../src/store';
import { trainTestModel } from '../../src/store/testing';
import type { SerializedModel } from '../../src/model';

function say(line: string): void {
  fs.writeSync(1, line + '\n');
}

function readModel(file: string): SerializedModel {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SerializedModel;
}

async function main(argv: string[]): Promise<void> {
  const [mode, db, ...rest] = argv;
  switch (mode) {
    case 'crash': {
      const model = readModel(rest[0]);
      const store = SqliteModelStore.open(db, {
        // A small page cache makes SQLite spill the uncommitted model pages into the WAL file
        // before the commit, so the crash leaves a partial transaction on disk, not just in memory.
        cacheSizeKiB: 64,
        onSaveInTransaction: (_key, version) => {
          let wal = -1;
          try {
            wal = fs.statSync(db + '-wal').size;
          } catch {}
          say(`INSIDE ${version} ${wal}`);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
          say('NOT KILLED');
        },
      });
      await store.saveVersion('big', model, { fitStats: { note: 'the partial one' } });
      say('COMMITTED');
      return;
    }
    case 'loop': {
      const model = readModel(rest[0]);
      const store = SqliteModelStore.open(db, { cacheSizeKiB: 64 });
      for (;;) {
        say(`SAVED ${await store.saveVersion('big', model)}`);
      }
    }
    case 'writer': {
      const [key, n, seed] = rest;
      const store = SqliteModelStore.open(db, { busyTimeoutMs: 20_000 });
      // Start together: wait for the parent's go file once every writer is ready.
      say('READY');
      while (!fs.existsSync(db + '.go')) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
      for (let i = 0; i < Number(n); i++) {
        say(`SAVED ${await store.saveVersion(key, trainTestModel('zscore', Number(seed) * 1000 + i, 100))}`);
      }
      store.closeSync();
      return;
    }
    case 'check':
      say(JSON.stringify(checkStorePath(db)));
      return;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  fs.writeSync(2, `child failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
