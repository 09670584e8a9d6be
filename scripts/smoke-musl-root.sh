#!/usr/bin/env bash
# Runs the conformance suite (tests/conformance) against the linux/amd64 plugin inside a root that
# holds no glibc at all: busybox as /bin/sh and musl's loader, as on Alpine (Grafana's default image).
# The launcher sees /lib/ld-musl-x86_64.so.1 and runs the single executable through the glibc the
# plugin bundles. Needs root (chroot, bind mounts) and the Debian packages busybox-static and musl.
#   node scripts/build-backend.mjs && bash scripts/smoke-musl-root.sh [go test args, e.g. -run X]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "smoke-musl-root: skipped (needs root for chroot and mounts)"; exit 0; }
for f in /bin/busybox /lib/ld-musl-x86_64.so.1; do
  [ -e "$f" ] || { echo "missing $f: apt-get install busybox-static musl" >&2; exit 1; }
done

root=$(mktemp -d /tmp/vigil-muslroot-XXXXXX)
cleanup() {
  for m in proc dev tmp; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
mkdir -p "$root"/{bin,lib,proc,dev,tmp,plugin}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp -L /lib/ld-musl-x86_64.so.1 "$root/lib/"
cp -a dist/datasource/gpx_vigil_linux_amd64 dist/datasource/gpx_vigil_linux_amd64.sea \
  dist/datasource/glibc_linux_amd64 "$root/plugin/"
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount --bind /tmp "$root/tmp" # the suite's model stores live under /tmp: same paths inside

# No glibc may be reachable inside: the test is void otherwise.
if chroot "$root" /bin/sh -c '[ -e /lib64/ld-linux-x86-64.so.2 ] || [ -e /lib/x86_64-linux-gnu/libc.so.6 ]'; then
  echo "the root has a system glibc" >&2
  exit 1
fi

wrapper="$root.exe"
printf '#!/bin/sh\nexec chroot %s /plugin/gpx_vigil_linux_amd64 "$@"\n' "$root" >"$wrapper"
chmod +x "$wrapper"
trap 'rm -f "$wrapper"; cleanup' EXIT
VIGIL_PLUGIN_EXE="$wrapper" node scripts/go-test.mjs tests/conformance "$@"
