#!/usr/bin/env bash
# Idempotent set-up: virtual environment, pinned requirements, bun (from the npm registry),
# data directory and database migrations. Fast when everything is already in place.
#
#   scripts/setup.sh          runtime requirements
#   scripts/setup.sh --dev    runtime + test requirements
set -euo pipefail
cd "$(dirname "$0")/.."

reqs=requirements.txt
[ "${1:-}" = "--dev" ] && reqs=requirements-dev.txt
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi

# Re-install only when the requirement files changed.
stamp=.venv/.installed-$(basename "$reqs" .txt)
want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing $reqs"
  # (this machine's pip config names optional local mirrors; their "ignored" notes are noise)
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$reqs" 2>&1 \
    | { grep -v "^WARNING: Location .* is ignored" || true; }
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "pip install failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi

# Reflex's own installer downloads bun from the internet; the npm package ships it too.
if [ ! -x .tools/node_modules/.bin/bun ]; then
  echo "==> installing bun into .tools/"
  npm install --silent --no-audit --no-fund --prefix .tools bun@1.4.4 >/dev/null
fi

mkdir -p data
echo "==> migrating the database"
.venv/bin/python -m autogpt_app.cli prestart
