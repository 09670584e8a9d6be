// The backend as a process: bundled like scripts/build-backend.mjs does, started like go-plugin
// starts it (the Go host in tests/conformance does the same through the real launcher).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { portRange } from './plugin';
import { createPluginClient } from './protocol/client';

let dir: string;
let bundle: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-backend-'));
  bundle = path.join(dir, 'backend.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(env: Record<string, string>): Proc {
  // No PATH and none of our environment: as Grafana with pluginsSkipHostEnvVars.
  const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

const PLUGIN_ENV = {
  grafana_plugin_type: 'datasource',
  PLUGIN_PROTOCOL_VERSIONS: '2',
  PLUGIN_MIN_PORT: '0',
  PLUGIN_MAX_PORT: '0',
};
const HANDSHAKE = /^1\|2\|tcp\|127\.0\.0\.1:(\d+)\|grpc\n$/;

async function handshake(p: Proc): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (!p.stdout().includes('\n')) {
    if (Date.now() > deadline || p.child.exitCode !== null) {
      throw new Error(`no handshake; stderr: ${p.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = HANDSHAKE.exec(p.stdout());
  if (!m) {
    throw new Error(`bad handshake ${JSON.stringify(p.stdout())}`);
  }
  return Number(m[1]);
}

function expectJsonLogs(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const entry = JSON.parse(line);
    expect(entry['@level']).toMatch(/^(debug|info|warn|error)$/);
    expect(entry['@timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  }
}

describe('backend process', () => {
  it('refuses to run without the magic cookie: exit 1, explanation on stderr, nothing on stdout', async () => {
    const p = run({});
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stdout()).toBe('');
    expect(p.stderr()).toMatch(/This binary is a plugin/);
  });

  it('prints exactly the handshake line, serves, and exits 0 on SIGTERM', async () => {
    const p = run(PLUGIN_ENV);
    const port = await handshake(p);
    const client = createPluginClient(`127.0.0.1:${port}`);
    const res = await client.queryData({ queries: [{ refId: 'A' }] });
    // The real handlers answer (no data source settings in this request: a clear 400, not a crash).
    const a = (res.responses as Record<string, { status: number; error: string }>).A;
    expect(a.status).toBe(400);
    expect(a.error).toMatch(/no data source settings/);
    client.close();
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.stdout()).toMatch(HANDSHAKE); // the one line, nothing after it
    expectJsonLogs(p.stderr());
    expect(p.stderr()).toContain('"reason":"SIGTERM"');
  });

  it('exits 0 within 2 s after GRPCController/Shutdown', async () => {
    const p = run(PLUGIN_ENV);
    const port = await handshake(p);
    const client = createPluginClient(`127.0.0.1:${port}`);
    const stdio = client.streamStdio(); // go-plugin keeps this open: shutdown must end it
    const t0 = Date.now();
    await client.shutdown();
    const result = await p.exited;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(result).toEqual({ code: 0, signal: null });
    await stdio.ended;
    client.close();
    expectJsonLogs(p.stderr());
  });

  it('exits 0 on SIGINT', async () => {
    const p = run(PLUGIN_ENV);
    await handshake(p);
    p.child.kill('SIGINT');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });

  it('binds inside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when given', async () => {
    const p = run({ ...PLUGIN_ENV, PLUGIN_MIN_PORT: '24100', PLUGIN_MAX_PORT: '24110' });
    const port = await handshake(p);
    expect(port).toBeGreaterThanOrEqual(24100);
    expect(port).toBeLessThanOrEqual(24110);
    p.child.kill('SIGTERM');
    await p.exited;
  });
});

describe('portRange', () => {
  it('reads go-plugin’s range, 0/0 or nonsense meaning any port', () => {
    expect(portRange({ PLUGIN_MIN_PORT: '10000', PLUGIN_MAX_PORT: '25000' })).toEqual({ min: 10000, max: 25000 });
    expect(portRange({ PLUGIN_MIN_PORT: '0', PLUGIN_MAX_PORT: '0' })).toEqual({ min: 0, max: 0 });
    expect(portRange({})).toEqual({ min: 0, max: 0 });
    expect(portRange({ PLUGIN_MIN_PORT: '9', PLUGIN_MAX_PORT: '3' })).toEqual({ min: 0, max: 0 });
    expect(portRange({ PLUGIN_MIN_PORT: 'x', PLUGIN_MAX_PORT: '3' })).toEqual({ min: 0, max: 0 });
  });
});
