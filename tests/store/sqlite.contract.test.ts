import * as path from 'path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteModelStore, type ModelStore } from '../../src/store';
import { tempDir } from '../../src/store/testing';
import { describeModelStoreContract } from './conformance';

// The shared ModelStore contract on the embedded store; SQLite-only behaviour (files, WAL, locks,
// crashes, migrations) is in src/store/sqlite.test.ts and tests/store/processes.test.ts.
describeModelStoreContract({
  name: 'SQLite',
  async setup() {
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'vigil', 'models.db');
    const opened: ModelStore[] = [];
    const store = SqliteModelStore.open(file);
    opened.push(store);
    return {
      store,
      async open(options = {}) {
        const s = SqliteModelStore.open(file, options);
        opened.push(s);
        return s;
      },
      async tamper(key, version, text) {
        const db = new DatabaseSync(file);
        db.prepare('UPDATE model_versions SET model = ? WHERE key = ? AND version = ?').run(text, key, version);
        db.close();
      },
      async cleanup() {
        await Promise.all(opened.map((s) => s.close()));
        cleanup();
      },
    };
  },
});
