import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { getDetector, resolveOptions, type DetectorKind, type Model } from '../model';
import { StoreError } from './errors';

/** A deterministic test series: a slow sine with a seeded wobble, one point a minute. */
export function testSeries(n: number, seed = 1): { t: Float64Array; v: Float64Array } {
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t[i] = 1_700_000_000_000 + i * 60_000;
    v[i] = 10 + seed + Math.sin(i / 50) + s / 2 ** 32;
  }
  return { t, v };
}

/** A real trained model (not a stub), different per seed. */
export function trainTestModel(kind: DetectorKind = 'zscore', seed = 1, n = 500): Model {
  return getDetector(kind).fit(testSeries(n, seed), resolveOptions({ seed }));
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'vigil-store-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** For tests: the promise rejects with a StoreError of this code whose message matches. */
export async function expectStoreError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  expect((err as StoreError).message).toMatch(message);
}
