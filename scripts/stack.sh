#!/usr/bin/env bash
# `npm run stack`: builds what docker-compose.yml mounts and starts the stack in the foreground.
#   dist/                   the plugin (webpack), with the backend as a single executable (glibc,
#                           linux/amd64) that needs no Node inside the Grafana image
#   dist-cli/ + bin/        the `vigil` CLI the demo service and the history backfill run
# Extra arguments go to `docker compose up` (e.g. `npm run stack -- -d`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! docker compose version >/dev/null 2>&1; then
  echo 'npm run stack needs Docker with the compose plugin (`docker compose version` failed)' >&2
  exit 1
fi
npm run --silent build
node scripts/build-backend.mjs
npm run --silent build:cli
exec docker compose up "$@"
