// Packages the Node backend as Node single executable applications (SEA), one per platform, beside
// the data source's plugin.json (executable "gpx_vigil"): no Node is needed where they run.
//
//   node scripts/build-backend.mjs                 this machine's platform (what the tests load)
//   node scripts/build-backend.mjs --all           every platform below
//   node scripts/build-backend.mjs --targets=linux-arm64,windows-amd64
//
// dist/datasource/
//   gpx_vigil_linux_amd64, gpx_vigil_linux_arm64    POSIX sh launchers: exec the executable below,
//                                                   through the bundled glibc on musl (Alpine)
//   gpx_vigil_linux_{amd64,arm64}.sea               the single executables (official glibc Node)
//   glibc_linux_{amd64,arm64}/                      glibc loader + libraries (scripts/sea/glibc.mjs)
//   gpx_vigil_darwin_arm64                          the single executable, ad-hoc signed (rcodesign)
//   gpx_vigil_windows_amd64.exe                     the single executable
//
// Grafana runs `gpx_vigil_<goos>_<goarch>[.exe]` and SIGKILLs its direct child, so the launcher
// `exec`s (no wrapper process left) and uses no external command (Grafana may not pass PATH).
// The blob holds only the esbuild bundle: no code cache, no snapshot, so one blob serves every
// platform of a Node version (the blob's layout is per version: scripts/sea/runtimes.mjs).
// Run after `npm run build`: webpack's clean step keeps only `*_amd64*`/`*_arm64*` files in dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleGlibc, LOADERS } from './sea/glibc.mjs';
import { adhocSign } from './sea/macho.mjs';
import { ensureRuntime, hostRuntimeFor, hostTarget, pruneCache, runtimeVersion, TARGETS } from './sea/runtimes.mjs';

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'datasource');
const work = path.join(root, 'node_modules', '.cache', 'vigil-sea', 'build');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const postject = createRequire(path.join(root, 'package.json'))('postject');

const targets = selectTargets(process.argv.slice(2));
const started = Date.now();
mkdirSync(outDir, { recursive: true });
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
pruneCache(root);

const bundle = path.join(work, 'gpx_vigil.js');
await build({
  entryPoints: [path.join(root, 'src/backend/main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  outfile: bundle,
  legalComments: 'none',
  define: { VIGIL_BACKEND_VERSION: JSON.stringify(version) },
  // pg (the PostgreSQL model store) requires the optional native binding pg-native only when asked
  // for it (require('pg').native), which Vigil never does: left out, the pure JS client is bundled.
  external: ['pg-native'],
  logLevel: 'warning',
});
rmSync(path.join(outDir, 'gpx_vigil.js'), { force: true }); // the old launcher's bundle
rmSync(path.join(outDir, 'gpx_vigil.js.map'), { force: true });

const blobs = new Map(); // Node version -> blob path
for (const target of targets) {
  const name = `gpx_vigil_${target.goos}_${target.goarch}`;
  const runtime = ensureRuntime(root, target.runtime, target.bin);
  const blob = blobFor(runtimeVersion(target.runtime));
  const sea = path.join(outDir, target.glibc ? `${name}.sea` : `${name}${target.exe ?? ''}`);
  rmSync(sea, { force: true });
  copyFileSync(runtime, sea);
  chmodSync(sea, 0o755);
  await postject.inject(sea, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: SEA_FUSE,
    ...(target.macho ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  let note = '';
  if (target.macho) {
    note = adhocSign(sea) ? ', ad-hoc signed' : ', NOT signed';
  }
  if (target.glibc) {
    const libs = `glibc_${target.goos}_${target.goarch}`;
    bundleGlibc(target.glibc, path.join(outDir, libs));
    writeLauncher(path.join(outDir, name), target, path.basename(sea), libs);
    note = `, launcher + ${libs}/`;
  }
  console.log(`backend: ${path.relative(root, sea)} (${mib(sea)} MiB${note})`);
}
console.log(`backend: ${targets.length} executable(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

function selectTargets(args) {
  if (args.includes('--all')) {
    return TARGETS;
  }
  const list = args.find((a) => a.startsWith('--targets='));
  if (list) {
    return list
      .slice('--targets='.length)
      .split(',')
      .map((id) => {
        const t = TARGETS.find((x) => `${x.goos}-${x.goarch}` === id);
        if (!t) {
          console.error(`unknown target ${id}; known: ${TARGETS.map((x) => `${x.goos}-${x.goarch}`).join(', ')}`);
          process.exit(2);
        }
        return t;
      });
  }
  const host = hostTarget();
  if (!host) {
    console.error(`no target for this machine (${process.platform}/${process.arch}); use --targets=`);
    process.exit(2);
  }
  return [host];
}

/** The SEA blob for Node `nodeVersion`, written once by a runtime of that version on this machine. */
function blobFor(nodeVersion) {
  if (!blobs.has(nodeVersion)) {
    const { runtime, bin } = hostRuntimeFor(nodeVersion);
    const node = ensureRuntime(root, runtime, bin);
    const blob = path.join(work, `sea-${nodeVersion}.blob`);
    const config = path.join(work, `sea-${nodeVersion}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        useCodeCache: false, // code cache and snapshot are per platform; the blob must not be
        useSnapshot: false,
      })
    );
    execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
    blobs.set(nodeVersion, blob);
  }
  return blobs.get(nodeVersion);
}

/**
 * Runs the glibc executable directly, or through the bundled glibc loader where musl is the system
 * libc. musl is detected by its loader, not by the absence of a glibc one: Alpine images may carry a
 * partial glibc (a loader without libstdc++) that Node cannot use.
 */
function writeLauncher(file, target, sea, libs) {
  const musl = `/lib/ld-musl-${target.glibc}.so.1`;
  writeFileSync(
    file,
    `#!/bin/sh
# Vigil backend launcher (generated by scripts/build-backend.mjs). exec: Grafana signals this process.
here="\${0%/*}"
[ "$here" = "$0" ] && here=.
if [ -e ${musl} ]; then
  exec "$here/${libs}/${LOADERS[target.glibc]}" --library-path "$here/${libs}" "$here/${sea}" "$@"
fi
exec "$here/${sea}" "$@"
`
  );
  chmodSync(file, 0o755);
}

function mib(file) {
  return (statSync(file).size / 2 ** 20).toFixed(1);
}
