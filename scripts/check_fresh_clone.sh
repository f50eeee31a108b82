#!/usr/bin/env bash
# Prove the README's run command works on a fresh machine: clone the committed code into a new
# folder, run `scripts/run.sh` there (a new virtual environment with requirements.txt only, bun,
# migrations, `reflex run --env prod`) with a newcomer's bare environment, wait for /ping, then use
# the app (scripts/fresh_clone_smoke.py: sign up, run a seed agent, open / and /marketplace in
# Chromium with no console errors) and stop it. Prints the time from clone to a served page.
#
# pip's and bun's download caches are reused, as they would be on a second try; nothing of this
# checkout's .venv, .tools, .web or data/ is. Uncommitted changes are not part of the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DRIVER_PY=${DRIVER_PY:-$ROOT/.venv/bin/python}   # has playwright (requirements-dev.txt); the app does not
READY_TIMEOUT=${READY_TIMEOUT:-600}

[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] \
  && echo "note: uncommitted changes are not part of the clone being checked" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/autogpt-fresh-XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$("$DRIVER_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start=$(date +%s)
echo "==> fresh clone into $tmp/app"
git clone --quiet --no-hardlinks "$ROOT" "$tmp/app"

echo "==> scripts/run.sh (requirements.txt only, port $port)"
# A newcomer's shell: the machine's own variables (proxy, certificates, package mirrors) stay, but
# nothing of this checkout's virtual environment or of the app's settings leaks in.
unset_args=()
for var in VIRTUAL_ENV PYTHONPATH PYTHONHOME REFLEX_USE_SYSTEM_BUN $("$DRIVER_PY" -c \
    'from autogpt_app.settings import Settings; print(" ".join(n.upper() for n in Settings.model_fields))'); do
  unset_args+=(-u "$var")
done
# APP_URL: the one setting a person serving on another port sets (CORS and the socket accept only its origin).
setsid env "${unset_args[@]}" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin APP_URL="http://127.0.0.1:$port" \
  bash -c 'cd "$1" && exec scripts/run.sh --frontend-port "$2" --backend-port "$2"' _ "$tmp/app" "$port" \
  >"$tmp/run.log" 2>&1 &
pid=$!

served=""
for _ in $(seq 1 "$READY_TIMEOUT"); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "scripts/run.sh exited early:" >&2; tail -n 60 "$tmp/run.log" >&2; exit 1
  fi
  if curl -fsS "http://127.0.0.1:$port/ping" 2>/dev/null | grep -q pong \
     && curl -fsS -o /dev/null "http://127.0.0.1:$port/"; then
    served=$(date +%s); break
  fi
  sleep 1
done
if [ -z "$served" ]; then
  echo "the app did not serve / within ${READY_TIMEOUT}s:" >&2; tail -n 60 "$tmp/run.log" >&2; exit 1
fi
echo "    clone to a served page: $((served - start)) s"

# Nothing the app needs may be missing from its own environment: it has no test tools at all.
if "$tmp/app/.venv/bin/python" -c 'import playwright' 2>/dev/null; then
  echo "the clean environment has playwright: it was not made from requirements.txt alone" >&2; exit 1
fi

echo "==> using the app as a newcomer would"
if ! "$DRIVER_PY" scripts/fresh_clone_smoke.py "http://127.0.0.1:$port"; then
  echo "--- app log (last lines)" >&2; tail -n 60 "$tmp/run.log" >&2; exit 1
fi
if grep -q "Traceback" "$tmp/run.log"; then
  echo "the app logged a traceback:" >&2; grep -n -A20 "Traceback" "$tmp/run.log" | head -n 60 >&2; exit 1
fi
echo "==> fresh clone check passed"
