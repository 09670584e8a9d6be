#!/usr/bin/env bash
# Seasonal + ETS benchmark: bundles bench.ts with esbuild and runs it with node, then the
# statsmodels peer (bench/.venv; created here if missing) and @bsull/augurs MSTL.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The Node 24 that `npm ci` installs, not whatever node is first on PATH (Node 20 is past its end of life).
export PATH="$PWD/node_modules/.bin:$PATH"
if [ ! -x bench/.venv/bin/python ] && [ "${SKIP_PEER:-0}" != 1 ]; then
  python3 -m venv bench/.venv
fi
if [ "${SKIP_PEER:-0}" != 1 ]; then
  bench/.venv/bin/python -c 'import statsmodels' 2>/dev/null || bench/.venv/bin/pip install -q statsmodels
fi
npx esbuild bench/seasonal/bench.ts --bundle --platform=node --outfile=/tmp/vigil-seasonal-bench.js --log-level=warning
node /tmp/vigil-seasonal-bench.js
