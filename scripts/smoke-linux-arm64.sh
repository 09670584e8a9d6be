#!/usr/bin/env bash
# Runs the linux/arm64 plugin on this (x86_64) machine under qemu-user, through the glibc it bundles
# (no binfmt needed: qemu-aarch64 runs the bundled loader, which loads the single executable).
#   handshake only (default): starts it with Grafana's environment and waits for the go-plugin line
#   --conformance [go test args]: the whole tests/conformance suite against it (28 s on a quiet
#     machine; deadlines scaled by VIGIL_TIMEOUT_SCALE=6, but on a busy machine go-plugin's 2 s
#     shutdown window and a 60 s training query can still run out: read those as timing)
# Needs the Debian package qemu-user and `node scripts/build-backend.mjs --targets=linux-arm64`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-aarch64 >/dev/null || { echo "missing qemu-aarch64: apt-get install qemu-user" >&2; exit 1; }
dir=$(cd dist/datasource && pwd)
[ -x "$dir/gpx_vigil_linux_arm64.sea" ] || { echo "build it: node scripts/build-backend.mjs --targets=linux-arm64" >&2; exit 1; }
run=(qemu-aarch64 "$dir/glibc_linux_arm64/ld-linux-aarch64.so.1" --library-path "$dir/glibc_linux_arm64"
  "$dir/gpx_vigil_linux_arm64.sea")

if [ "${1:-}" = "--conformance" ]; then
  shift
  wrapper=$(mktemp /tmp/vigil-arm64-XXXXXX)
  trap 'rm -f "$wrapper"' EXIT
  printf '#!/bin/sh\nexec %s "$@"\n' "${run[*]}" >"$wrapper"
  chmod +x "$wrapper"
  VIGIL_PLUGIN_EXE="$wrapper" VIGIL_TIMEOUT_SCALE=${VIGIL_TIMEOUT_SCALE:-6} node scripts/go-test.mjs tests/conformance "$@"
  exit
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s.%N)
env -i grafana_plugin_type=datasource PLUGIN_PROTOCOL_VERSIONS=2 PLUGIN_MIN_PORT=0 PLUGIN_MAX_PORT=0 \
  "${run[@]}" >"$out" 2>/dev/null &
pid=$!
for _ in $(seq 1 1200); do # 120 s
  [ -s "$out" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
line=$(head -1 "$out")
if [[ "$line" =~ ^1\|2\|tcp\|127\.0\.0\.1:[0-9]+\|grpc$ ]]; then
  printf 'linux/arm64 under qemu: handshake "%s" after %.1f s\n' "$line" "$(awk "BEGIN{print $(date +%s.%N) - $start}")"
else
  echo "linux/arm64 under qemu: no handshake line (got: ${line:-nothing})" >&2
  exit 1
fi
