#!/usr/bin/env bash
# Everything CI checks, in order: types, lint, formatting, the plugin build (webpack), the backend
# single executables for every platform (after webpack: its clean step would delete them), unit and
# integration tests (jest), and the Go tests: the conformance host that loads the packaged backend
# as Grafana does (tests/conformance) and Grafana's frame decoder on our Arrow frames (tests/frames);
# then the conformance suite again in a root without glibc (Alpine's case) and the linux/arm64
# executable's handshake under qemu.
# Ends with one line "tests: N passed, N failed, N skipped" summing every runner; a step that
# fails outside a test runner counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
summary=$(mktemp)
export VIGIL_TEST_SUMMARY="$summary"
status=0

step() {
  echo "==> $*"
  "$@" || status=1
}

step npm run --silent typecheck
step npm run --silent lint
step npm run --silent format:check
step npm run --silent build
step npx --no-install node scripts/build-backend.mjs --all
step npx jest --ci --reporters=default --reporters=./scripts/jest-summary-reporter.js
step npx --no-install node scripts/go-test.mjs tests/frames
step npx --no-install node scripts/go-test.mjs tests/conformance
step bash scripts/smoke-musl-root.sh
step bash scripts/smoke-linux-arm64.sh

passed=0 failed=0 skipped=0
while read -r p f s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done <"$summary"
rm -f "$summary"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a step failed outside any test runner (types, lint, format, build)
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
