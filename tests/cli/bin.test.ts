import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The packaged `vigil` bin, built the way `npm install` builds it, run as a user runs it.
const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'vigil.js');

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], { cwd: root });
});

function vigil(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

describe('vigil bin', () => {
  it('writes the demo report', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-demo-')), 'demo.html');
    const r = vigil(['demo', '--output', out, '--days', '10']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('process_resident_memory_bytes');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('exits non-zero with usage on no arguments', () => {
    const r = vigil([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/usage: vigil/);
  });

  it('refuses a Node older than 22 with a clear message, not a missing-module stack', () => {
    // The launcher's own check, run as an old Node would run it (its version faked before the bin loads).
    const fake =
      "Object.defineProperty(process, 'version', { value: 'v20.1.0' });" +
      "Object.defineProperty(process.versions, 'node', { value: '20.1.0' });" +
      `process.argv = [process.argv[0], ${JSON.stringify(bin)}, '--help'];` +
      `require(${JSON.stringify(bin)});`;
    const r = spawnSync(process.execPath, ['-e', fake], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vigil: needs Node\.js 22 or newer, this is v20\.1\.0\./);
    expect(r.stderr).not.toMatch(/\n\s+at |ERR_UNKNOWN_BUILTIN_MODULE/);
  });

  it('scores the NAB corpus and prints the three profiles', () => {
    const corpus = process.env.VIGIL_NAB_DIR ?? path.resolve(root, '../shared/data/nab-dev');
    const r = vigil(['eval', '--corpus', corpus, '--model', 'zscore', '--json']);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { files: number; profiles: Record<string, { normalised: number }> };
    expect(result.files).toBe(28);
    expect(Object.keys(result.profiles).sort()).toEqual(['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
    for (const p of Object.values(result.profiles)) {
      expect(p.normalised).toBeGreaterThan(-100);
      expect(p.normalised).toBeLessThanOrEqual(100);
    }
  });
});
