/**
 * The model store across real processes: a writer SIGKILLed inside its save transaction, writers
 * killed at random moments, two processes writing the same key at once, and the write probe run as
 * an unprivileged user against a read-only directory. The children are tests/store/child.ts,
 * bundled with esbuild and run by this same Node binary (Node 24: node:sqlite is built in).
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { DatabaseSync } from 'node:sqlite';
import { SqliteModelStore } from '../../src/store';
import { tempDir, trainTestModel } from '../../src/store/testing';

jest.setTimeout(60_000);

let work: { dir: string; cleanup: () => void };
let childJs: string;
let bigModelFile: string;
let bigModelText: string;

beforeAll(() => {
  work = tempDir('vigil-store-proc-');
  // Other users (the read-only test's "nobody") must reach the bundle and the node binary.
  fs.chmodSync(work.dir, 0o755);
  childJs = path.join(work.dir, 'child.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: childJs,
    logLevel: 'warning',
  });
  // A real isolation forest: a few hundred kB of JSON, many SQLite pages.
  const big = trainTestModel('iforest', 5, 20_000).toJSON();
  bigModelText = JSON.stringify(big);
  bigModelFile = path.join(work.dir, 'big.json');
  fs.writeFileSync(bigModelFile, bigModelText);
});

afterAll(() => work.cleanup());

interface Child {
  proc: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runChild(args: string[], options: { uid?: number; gid?: number; node?: string } = {}): Child {
  const { node = process.execPath, ...ids } = options;
  const proc = spawn(node, [childJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...ids });
  const lines: string[] = [];
  let err = '';
  let buf = '';
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].re.test(line)) {
          waiters[i].resolve(line);
          waiters.splice(i, 1);
        }
      }
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal }))
  );
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitFor(re) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) {
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before printing ${re}; stderr: ${err}`))
        );
      });
    },
  };
}

function integrity(file: string): unknown {
  const db = new DatabaseSync(file);
  try {
    return db.prepare('PRAGMA integrity_check').get();
  } finally {
    db.close();
  }
}

test('SIGKILL inside the save transaction leaves earlier versions intact and the partial one absent', async () => {
  const file = path.join(work.dir, 'crash', 'models.db');
  const earlier = [trainTestModel('iforest', 1, 5000), trainTestModel('zscore', 2)];
  let store = SqliteModelStore.open(file);
  for (const m of earlier) {
    await store.saveVersion('big', m);
  }
  await store.saveVersion('other', trainTestModel('ets', 3));
  store.closeSync();

  const child = runChild(['crash', file, bigModelFile]);
  const inside = await child.waitFor(/^INSIDE /);
  child.proc.kill('SIGKILL');
  expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect(child.lines).not.toContain('COMMITTED');

  const [, version, walBytes] = inside.split(' ').map(Number);
  expect(version).toBe(3);
  // The uncommitted model pages reached the WAL file before the kill: the crash left a real
  // partial transaction on disk for recovery to discard.
  expect(walBytes).toBeGreaterThan(bigModelText.length / 2);
  expect(fs.statSync(file + '-wal').size).toBeGreaterThan(bigModelText.length / 2);

  store = SqliteModelStore.open(file);
  try {
    expect(integrity(file)).toEqual({ integrity_check: 'ok' });
    expect((await store.history('big')).map((v) => v.version)).toEqual([2, 1]);
    expect(await store.get('big', 3)).toBeUndefined();
    for (const [i, m] of earlier.entries()) {
      expect(await store.rawModel('big', i + 1)).toBe(JSON.stringify(m.toJSON()));
      expect((await store.get('big', i + 1))?.model.kind).toBe(m.kind);
    }
    expect((await store.active('other'))?.model.kind).toBe('ets');
    // The store carries on: the next save takes the number the crashed one never got.
    expect(await store.saveVersion('big', JSON.parse(bigModelText))).toBe(3);
    expect(await store.rawModel('big', 3)).toBe(bigModelText);
  } finally {
    store.closeSync();
  }
});

test('writers killed at random moments never leave a partial or broken version', async () => {
  const file = path.join(work.dir, 'loop', 'models.db');
  let total = 0;
  for (let round = 0; round < 4; round++) {
    const child = runChild(['loop', file, bigModelFile]);
    await child.waitFor(/^SAVED /);
    await new Promise((r) => setTimeout(r, Math.random() * 40));
    child.proc.kill('SIGKILL');
    await child.exited;
    const committed = child.lines.filter((l) => l.startsWith('SAVED ')).map((l) => Number(l.slice(6)));

    const store = SqliteModelStore.open(file);
    try {
      const versions = (await store.history('big')).map((v) => v.version).reverse();
      // Every version the child reported committed is there; at most one more committed after
      // its last report; they are numbered 1..n without gaps; each one loads.
      expect(versions.length).toBeGreaterThanOrEqual(total + committed.length);
      expect(versions.length).toBeLessThanOrEqual(total + committed.length + 1);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
      for (const v of versions) {
        expect(await store.rawModel('big', v)).toBe(bigModelText);
      }
      expect((await store.latest('big'))?.model.kind).toBe('iforest');
      total = versions.length;
    } finally {
      store.closeSync();
    }
    expect(integrity(file)).toEqual({ integrity_check: 'ok' });
  }
});

test('two processes saving the same key at once get distinct consecutive versions', async () => {
  const file = path.join(work.dir, 'concurrent', 'models.db');
  SqliteModelStore.open(file).closeSync();
  const n = 15;
  const a = runChild(['writer', file, 'shared', String(n), '1']);
  const b = runChild(['writer', file, 'shared', String(n), '2']);
  await Promise.all([a.waitFor(/^READY$/), b.waitFor(/^READY$/)]);
  fs.writeFileSync(file + '.go', '');
  const [ea, eb] = await Promise.all([a.exited, b.exited]);
  expect([ea.code, eb.code, a.stderr() + b.stderr()]).toEqual([0, 0, '']);
  const got = (c: Child) => c.lines.filter((l) => l.startsWith('SAVED ')).map((l) => Number(l.slice(6)));
  const all = [...got(a), ...got(b)].sort((x, y) => x - y);
  expect(all).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
  const store = SqliteModelStore.open(file);
  try {
    const history = await store.history('shared');
    expect(history.length).toBe(2 * n);
    for (const v of history) {
      expect((await store.get('shared', v.version))?.model.kind).toBe('zscore');
    }
  } finally {
    store.closeSync();
  }
});

describe('write probe on a read-only directory', () => {
  // Root ignores permission bits, so as root the probe runs as "nobody" in a child process.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  let ro: string;
  let node = process.execPath;

  beforeAll(async () => {
    if (asUser.uid !== undefined && !(await canRun(node, asUser))) {
      // This Node lives where "nobody" cannot reach it (say under /root): run a copy instead.
      node = path.join(work.dir, 'node');
      fs.copyFileSync(process.execPath, node);
      fs.chmodSync(node, 0o755);
    }
    ro = path.join(work.dir, 'ro');
    const store = SqliteModelStore.open(path.join(ro, 'models.db'));
    await store.saveVersion('k', trainTestModel());
    store.closeSync();
    fs.chmodSync(path.join(ro, 'models.db'), 0o444);
    fs.chmodSync(ro, 0o555);
  });

  afterAll(() => fs.chmodSync(ro, 0o755));

  async function check(file: string): Promise<{ ok: boolean; message: string }> {
    const child = runChild(['check', file], { ...asUser, node });
    const { code } = await child.exited;
    expect([code, child.stderr()]).toEqual([0, '']);
    return JSON.parse(child.lines[0]);
  }

  test('an existing store in a read-only directory', async () => {
    const result = await check(path.join(ro, 'models.db'));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/models\.db.*(read-only|cannot open).*write/);
    expect(result.message).toContain(ro);
  });

  test('a new store whose directory cannot be created', async () => {
    const result = await check(path.join(ro, 'vigil', 'models.db'));
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(/cannot create its directory .*ro\/vigil \(EACCES.*configure a model store path/),
    });
  });

  test('the same store is writable once its user may write it', async () => {
    const db = path.join(ro, 'models.db');
    const owner = asUser.uid === undefined ? undefined : asUser;
    if (owner) {
      fs.chownSync(ro, owner.uid, owner.gid);
      fs.chownSync(db, owner.uid, owner.gid);
    }
    fs.chmodSync(ro, 0o755);
    fs.chmodSync(db, 0o644);
    try {
      expect(await check(db)).toEqual({ ok: true, message: expect.stringMatching(/is writable/) });
    } finally {
      fs.chmodSync(db, 0o444);
      fs.chmodSync(ro, 0o555);
    }
  });
});

/** Whether `node` starts as the given user. */
function canRun(node: string, ids: { uid?: number; gid?: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(node, ['-e', ''], { stdio: 'ignore', ...ids });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}
