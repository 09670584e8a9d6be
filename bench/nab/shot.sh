#!/usr/bin/env bash
# bench/nab/shot.sh MODEL [FILTER]: backtest the NAB split with MODEL and screenshot the report.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx esbuild bench/nab/plot.ts --bundle --platform=node --outfile=/tmp/nabplot.js --log-level=error
html=$(node /tmp/nabplot.js "$1" "/tmp/nab-$1.html" "${2:-}")
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --screenshot="/tmp/nab-$1.png" \
  --window-size=1400,${HEIGHT:-3000} "file://$html" 2>/dev/null
echo "/tmp/nab-$1.png"
