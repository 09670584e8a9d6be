import { execFile } from 'node:child_process';
import { startServerProcess } from '../support/serverProcess';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../prometheus/server';

/**
 * A real, throwaway PostgreSQL for tests: initdb into a temp directory, `postgres` on a free
 * 127.0.0.1 port (and a unix socket in the same directory), password auth over TCP so the tests
 * can also see a wrong password refused. PostgreSQL refuses to run as root: as root, the directory
 * is given to `nobody` and the binaries run as that user through setpriv (exec'd, so the child we
 * hold is the postmaster itself and our signals reach it).
 *
 *   const pg = await startPostgres();
 *   const url = await pg.createDatabase('t1'); // postgres://vigil@127.0.0.1:<port>/t1
 *   ... PostgresModelStore.open(url, { password: pg.password }) ...
 *   await pg.stop();
 */
export interface RunningPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  version: string;
  /** The URL of a database, without the password (as the data source stores it). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser on a database (tampering, schema surgery, holding locks). */
  connect(database: string): Promise<Client>;
  /** Fast shutdown (SIGINT, then SIGQUIT after 5 s) and removes the cluster. Idempotent. */
  stop(): Promise<void>;
  log(): string;
}

/** $VIGIL_POSTGRES_BIN (a directory), else the newest /usr/lib/postgresql/<version>/bin (Debian). */
export function postgresBinDir(): string {
  if (process.env.VIGIL_POSTGRES_BIN) {
    return process.env.VIGIL_POSTGRES_BIN;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return path.join(root, versions[0] ?? '<version>', 'bin');
}

/** Throws a clear error when the binaries are missing (tests must fail, not skip). */
export function requirePostgresBinaries(): string {
  const dir = postgresBinDir();
  const missing = ['initdb', 'postgres'].map((b) => path.join(dir, b)).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(
      `PostgreSQL store tests need ${missing.join(' and ')}: install the Debian package ` +
        '(apt-get install -y postgresql; scripts/ci.sh does it) or set VIGIL_POSTGRES_BIN to the directory of initdb and postgres'
    );
  }
  return dir;
}

const NOBODY = 65534;

export async function startPostgres(options: { readyTimeoutMs?: number } = {}): Promise<RunningPostgres> {
  const bin = requirePostgresBinaries();
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-pg-'));
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', cmd, ...args]]
      : [cmd, args];
  const user = 'vigil';
  const password = `pw-${process.pid}-${Date.now()}`;
  const data = path.join(dir, 'data');
  try {
    if (asRoot) {
      chownSync(dir, NOBODY, NOBODY);
    }
    chmodSync(dir, 0o700);
    const pwfile = path.join(dir, 'pwfile');
    await writeFile(pwfile, password + '\n');
    if (asRoot) {
      chownSync(pwfile, NOBODY, NOBODY);
    }
    const [initdb, initArgs] = wrap(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      user,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await run(initdb, initArgs, dir);
    const version = (await run(path.join(bin, 'postgres'), ['--version'], dir)).trim().split(' ').pop() ?? 'unknown';
    let lastError: unknown;
    // A free port can be taken between the probe and the bind: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        return await launch({ bin, dir, data, port, user, password, version, wrap, options });
      } catch (e) {
        lastError = e;
        if (!/already in use/.test(String(e))) {
          break;
        }
      }
    }
    throw lastError;
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

interface LaunchArgs {
  bin: string;
  dir: string;
  data: string;
  port: number;
  user: string;
  password: string;
  version: string;
  wrap: (cmd: string, args: string[]) => [string, string[]];
  options: { readyTimeoutMs?: number };
}

async function launch(a: LaunchArgs): Promise<RunningPostgres> {
  const [cmd, args] = a.wrap(path.join(a.bin, 'postgres'), [
    '-D',
    a.data,
    '-p',
    String(a.port),
    '-k',
    a.dir,
    '-c',
    'listen_addresses=127.0.0.1',
    // A test cluster: durability is not under test, speed is.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'shared_buffers=32MB',
    '-c',
    'max_connections=100',
  ]);
  const {
    child,
    output,
    exitCode,
    stop: stopProcess,
  } = startServerProcess(cmd, args, {
    cwd: a.dir,
    env: { ...process.env, LC_ALL: 'C' },
  });
  // Never leave a server behind a test process that dies without calling stop().
  const onExit = () => child.kill('SIGQUIT');
  process.once('exit', onExit);
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      process.removeListener('exit', onExit);
      // SIGINT: fast shutdown (SIGTERM would wait for every client to disconnect).
      await stopProcess('SIGINT', 'SIGQUIT');
      await rm(a.dir, { recursive: true, force: true });
    }
  };
  const host = '127.0.0.1';
  const connect = async (database: string) => {
    const c = new Client({ host, port: a.port, user: a.user, password: a.password, database });
    await c.connect();
    return c;
  };

  const timeout = a.options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeout;
  while (true) {
    if (exitCode() !== undefined) {
      await stop();
      throw new Error(`postgres exited with code ${exitCode()} before it was ready:\n${output().slice(-4000)}`);
    }
    try {
      const c = await connect('postgres');
      await c.end();
      break;
    } catch {
      // not accepting connections yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`postgres was not ready within ${timeout} ms:\n${output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const url = (database: string) => `postgres://${a.user}@${host}:${a.port}/${encodeURIComponent(database)}`;
  return {
    host,
    port: a.port,
    user: a.user,
    password: a.password,
    version: a.version,
    url,
    async createDatabase(name) {
      const c = await connect('postgres');
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    connect,
    stop,
    log: output,
  };
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}
