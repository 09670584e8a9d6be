// Zips dist/ as Grafana installs a plugin: one top folder named by the plugin id.
//
//   node scripts/package-plugin.mjs                  out/vigil-anomaly-app-<version>.zip (every platform)
//   node scripts/package-plugin.mjs --per-platform   also out/vigil-anomaly-app-<version>.<os>_<arch>.zip,
//                                                    each with only that platform's executable (~1/4 the size)
//
// Run after `npm run build` and `node scripts/build-backend.mjs --all`. Needs the `zip` command
// (Info-ZIP keeps the exec bits Grafana needs on the executables).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(root, 'out');
if (!existsSync(path.join(dist, 'plugin.json'))) {
  console.error('dist/plugin.json is missing: run `npm run build` first');
  process.exit(1);
}
const { id, info } = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
const version = info?.version ?? JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const executables = readdirSync(path.join(dist, 'datasource')).filter((f) =>
  /^gpx_vigil_[a-z]+_[a-z0-9]+(\.exe)?$/.test(f)
);
if (executables.length === 0) {
  console.error('no backend executable in dist/datasource: run `node scripts/build-backend.mjs --all` first');
  process.exit(1);
}
mkdirSync(out, { recursive: true });

zip(`${id}-${version}.zip`, () => true);
if (process.argv.includes('--per-platform')) {
  for (const exe of executables) {
    const platform = exe.replace(/^gpx_vigil_/, '').replace(/\.exe$/, ''); // linux_amd64
    // Keep this platform's files (launcher, .sea, glibc_<platform>/) and everything not per platform.
    zip(`${id}-${version}.${platform}.zip`, (rel) => {
      const own = /(?:^|\/)(?:gpx_vigil|glibc)_([a-z]+_[a-z0-9]+)/.exec(rel);
      return !own || own[1] === platform;
    });
  }
}

/** Copies the kept files of dist/ under a folder named `id`, then zips that folder. */
function zip(name, keep) {
  const stage = mkdtempSync(path.join(out, '.stage-'));
  try {
    cpSync(dist, path.join(stage, id), {
      recursive: true,
      filter: (src) => keep(path.relative(dist, src).split(path.sep).join('/')),
    });
    const file = path.join(out, name);
    rmSync(file, { force: true });
    execFileSync('zip', ['-q', '-r', '-X', file, id], { cwd: stage, stdio: 'inherit' });
    console.log(`package: ${path.relative(root, file)} (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB)`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
