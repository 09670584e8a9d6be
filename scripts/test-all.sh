#!/usr/bin/env bash
# Everything CI checks, in order: types, lint, formatting, the plugin build (webpack), unit and
# integration tests (jest, then Go). Ends with one line "tests: N passed, N failed, N skipped"
# summing jest's and Go's counts; a step that fails outside a test runner counts as one failure.
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
step npx jest --ci --reporters=default --reporters=./scripts/jest-summary-reporter.js
# Go: our Arrow frames decoded by grafana-plugin-sdk-go and checked with dataplane/sdata (modules from
# the Go module proxy; the test bundles its fixture writer with the repository's esbuild and Node).
step bash -c 'cd tests/frames && go test -json ./... 2>&1 | node ../../scripts/go-test-summary.mjs'

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
