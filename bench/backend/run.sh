#!/usr/bin/env bash
# Backend benchmark: builds the backend bundle (dist/datasource), then runs the Go host in this
# folder, which backfills and starts Prometheus, starts the packaged plugin as Grafana does and
# times warm QueryData against the same query_range straight from Prometheus. Flags pass through:
#   bash bench/backend/run.sh -reps 20 -cpuprof /tmp/vigil-prof
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
node scripts/build-backend.mjs
cd bench/backend
go build -o ../results/vigil-bench-backend .
exec ../results/vigil-bench-backend "$@"
