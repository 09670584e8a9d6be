#!/usr/bin/env bash
# `npm run screenshots`: renders the editors and app pages in real Chromium against the real backend
# (tests/harness) and copies the screenshots the README shows into docs/img/.
set -euo pipefail
cd "$(dirname "$0")/.."
npx jest tests/harness
mkdir -p docs/img
for name in backtest models query-editor query-editor-completion config-editor backtest-invalid-promql; do
  cp "tests/harness/screenshots/${name}.png" "docs/img/${name}.png"
done
echo "screenshots copied into docs/img/"
