// The glibc the Linux executables carry for musl systems (Alpine, Grafana's default image).
//
// Node's official Linux builds link against glibc (>= 2.28) and libstdc++; musl's loader cannot run
// them, the registry has no musl Node, and gcompat is a partial glibc that could not be tried here
// (no Alpine package is reachable). So the plugin ships the glibc loader and the six
// libraries Node needs (about 5 MB per architecture), taken from this build machine's Debian packages
// (libc6, libstdc++6, libgcc-s1; for arm64 their `-arm64-cross` twins), and the launcher runs the
// executable through that loader where the system is musl. No file outside the plugin directory is
// read by that path: scripts/smoke-musl-root.sh runs the whole conformance suite in a root holding
// nothing but busybox and musl.
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

/** DT_NEEDED of the official Node 24 Linux builds, plus the loader itself. */
const LIBS = ['libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'libstdc++.so.6', 'libgcc_s.so.1'];
export const LOADERS = { x86_64: 'ld-linux-x86-64.so.2', aarch64: 'ld-linux-aarch64.so.1' };
const PACKAGES = {
  x86_64: 'libc6 libstdc++6 libgcc-s1 (amd64 host) or libc6-amd64-cross libstdc++6-amd64-cross libgcc-s1-amd64-cross',
  aarch64: 'libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross',
};

/** Directories where Debian puts a triple's libraries: native multiarch first, then cross. */
function searchDirs(triple) {
  const gnu = `${triple}-linux-gnu`;
  return [`/lib/${gnu}`, `/usr/lib/${gnu}`, `/usr/${gnu}/lib`, ...(triple === 'x86_64' ? ['/lib64'] : [])];
}

/** Copies the loader and libraries for `triple` into `dest` (replacing it); returns the files. */
export function bundleGlibc(triple, dest) {
  const wanted = [LOADERS[triple], ...LIBS];
  const found = wanted.map((name) => {
    const dir = searchDirs(triple).find((d) => existsSync(path.join(d, name)) && isElfFor(path.join(d, name), triple));
    return dir ? realpathSync(path.join(dir, name)) : undefined;
  });
  const missing = wanted.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    throw new Error(
      `glibc for ${triple}: ${missing.join(', ')} not found. On Debian: apt-get install ${PACKAGES[triple]}`
    );
  }
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  wanted.forEach((name, i) => copyFileSync(found[i], path.join(dest, name)));
  return wanted;
}

/** True when `file` is an ELF shared object for `triple` (a foreign-arch file must not be bundled). */
function isElfFor(file, triple) {
  const head = readFileSync(realpathSync(file)).subarray(0, 20);
  if (head.readUInt32BE(0) !== 0x7f454c46) {
    return false;
  }
  const machine = head.readUInt16LE(18);
  return machine === { x86_64: 62, aarch64: 183 }[triple];
}
