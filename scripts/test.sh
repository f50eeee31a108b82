#!/usr/bin/env bash
# Set up (idempotent) and run every check: ruff, the README's run command from a clean clone with
# runtime requirements only, the service/API suite on SQLite and on PostgreSQL, the browser suite in
# real Chromium, and the benchmarks in smoke size.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --dev
scripts/services.sh

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  echo "==> installing Debian's chromium for the browser tests"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# docker-compose validates the compose file (`config` needs no Docker engine).
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  echo "==> installing Debian's docker-compose to validate docker-compose.yml"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    docker-compose >/dev/null
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "==> the run command on a fresh clone (requirements.txt only)"
scripts/check_fresh_clone.sh

echo "==> tests on SQLite"
TEST_DATABASE=sqlite .venv/bin/pytest --ignore=tests/e2e -q -p no:cacheprovider
echo "==> tests on PostgreSQL"
TEST_DATABASE=postgres .venv/bin/pytest --ignore=tests/e2e -q -p no:cacheprovider
echo "==> browser tests (Chromium)"
.venv/bin/pytest tests/e2e --confcutdir=tests/e2e -p no:asyncio -p no:cacheprovider -q

echo "==> benchmarks (smoke size)"
for bench in benchmarks/*.py; do
  [ -e "$bench" ] || continue
  BENCH_SMOKE=1 .venv/bin/python "$bench"
done
echo "==> all checks passed"
