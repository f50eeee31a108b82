#!/usr/bin/env bash
# Set everything up (idempotent) and run the app at http://localhost:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.tools/node_modules/.bin:$PWD/.venv/bin:$PATH" REFLEX_USE_SYSTEM_BUN=1
exec reflex run --env prod "$@"
