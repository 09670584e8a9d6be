#!/usr/bin/env bash
# Runs the isolation forest benchmark from the repo root: bundles bench.ts with esbuild (Node
# cannot run this TypeScript on its own) and runs it. Creates the Python venv on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The Node 24 that `npm ci` installs, not whatever node is first on PATH (Node 20 is past its end of life).
export PATH="$PWD/node_modules/.bin:$PATH"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q -r bench/requirements.txt
fi
out="${TMPDIR:-/tmp}/vigil-iforest-bench.js"
npx esbuild bench/iforest/bench.ts --bundle --platform=node --outfile="$out" --log-level=warning
node "$out"
