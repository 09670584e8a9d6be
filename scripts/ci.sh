#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs them all (what CI runs).
#   Debian packages: chromium (the browser identity test runs the model bundle in real Chromium),
#                    prometheus (prometheus + promtool: tests/prometheus runs a real server on backfilled data)
#                    postgresql (initdb + postgres under /usr/lib/postgresql/<version>/bin: tests/store runs a
#                    throwaway cluster for the PostgreSQL model store)
#                    openssl, apache2-utils (htpasswd): the TLS + basic auth Prometheus of tests/conformance
#                    qemu-user, libc6/libstdc++6/libgcc-s1-arm64-cross (the linux/arm64 executable bundles
#                    that glibc and runs under qemu-aarch64), busybox-static + musl (a root without glibc,
#                    as on Alpine: scripts/smoke-musl-root.sh)
#                    golang-go if no Go is installed (tests/conformance, tests/frames; their go.mod names
#                    the Go release they need, which `go` then fetches from the Go module proxy)
#   npm packages:    npm ci (also brings a Node 24 runtime that every npm script runs on)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
[ -e /bin/busybox ] || need+=(busybox-static)
[ -e /lib/ld-musl-x86_64.so.1 ] || need+=(musl)
for p in libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || need+=(golang-go)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

echo "==> npm ci"
npm ci --no-audit --no-fund
npm run test:all
