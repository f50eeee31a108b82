"""Webhook delivery benchmark, against the run-start API measured at the same moment on the same server.

A fresh database (PostgreSQL by default, dropped after; ``BENCH_DATABASE=sqlite`` for a SQLite file),
and the API served by granian as in production (one process). One person, one one-input agent, one
webhook trigger mapping ``$.name`` to that input. Then, for ``DURATION`` seconds, half of the clients
start runs through ``POST /api/v1/graphs/{id}/executions`` (the baseline) and the other half send
signed deliveries to ``POST /api/v1/hooks/{trigger id}`` (each signed anew: timestamp + HMAC of the
body). Each client sends its next request as soon as the previous one is answered.

Printed: requests/s, p50 and p95 of each, and the ratio of the p95s. Goal at full size: delivery p95
<= 3 x the run-start API's p95, and no errors (any answer but 201/202). The exit status is non-zero
when a goal is missed; ``BENCH_SMOKE=1`` runs a small size (what the test command does), where only
errors fail. The trigger's per-minute cap is raised for the run (the cap's own count still runs):
the benchmark measures the path, not the limit.

    .venv/bin/python benchmarks/webhooks.py
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
CLIENTS = 4 if SMOKE else 20  # half start runs through the API, half deliver webhooks
WARMUP = 1.0 if SMOKE else 3.0
DURATION = float(os.environ.get("BENCH_DURATION", "0")) or (4.0 if SMOKE else 20.0)
GOAL_RATIO = 3.0
ENGINE = os.environ.get("BENCH_DATABASE", "postgres")
PG = dict(host="127.0.0.1", port=5432, user="postgres")
SHORT_TEXT = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"

_name = f"autogpt_bench_{secrets.token_hex(4)}"
_tmp = Path(tempfile.mkdtemp(prefix=_name))
os.environ.update(
    DATABASE_URL=(
        f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{_name}"
        if ENGINE == "postgres"
        else f"sqlite+aiosqlite:///{_tmp / 'bench.db'}"
    ),
    BROKER_URL="",
    REDIS_URL="",
    SECRET_KEY=secrets.token_urlsafe(48),
    DATA_DIR=str(_tmp / "data"),
    APP_MODE="embedded",
)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * q) - 1))] if ordered else float("nan")


def echo_graph() -> dict:
    return {
        "name": "Echo",
        "nodes": [
            {"id": "in", "block_id": SHORT_TEXT, "input_default": {"name": "name"}},
            {"id": "out", "block_id": OUTPUT, "input_default": {"name": "echo"}},
        ],
        "links": [{"source_id": "in", "sink_id": "out", "source_name": "result", "sink_name": "value"}],
    }


async def setup() -> tuple[str, str, str, str]:
    """A person, their agent and its webhook (cap raised); returns (token, graph id, trigger id, secret)."""
    from sqlalchemy import update

    from autogpt_app.auth import service as auth
    from autogpt_app.db import session_scope
    from autogpt_app.library import service as library
    from autogpt_app.triggers import service as triggers
    from autogpt_app.triggers.models import Trigger

    async with session_scope() as s:
        user = await auth.signup(s, email="bench@example.com", display_name="Bench", password="violet-harbour-42")
        graph = await library.create_agent(s, user, echo_graph())
        hook = await triggers.create_trigger(
            s, user, kind="webhook", graph_id=graph.id, name="Bench", input_mapping={"name": "$.name"}
        )
        await s.execute(update(Trigger).where(Trigger.id == hook.id).values(config={"max_per_minute": 10**9}))
        token = auth.issue_token(user)
    return token, graph.id, hook.id, hook.secret or ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "1", "autogpt_app.api.app:build_api"]
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)


async def load(base: str, token: str, graph_id: str, trigger_id: str, secret: str) -> dict[str, list]:
    import httpx

    samples: dict[str, list] = {"api": [], "hook": [], "errors": []}
    run_url, hook_url = f"/api/v1/graphs/{graph_id}/executions", f"/api/v1/hooks/{trigger_id}"

    async def send(http: httpx.AsyncClient, kind: str, tag: str) -> tuple[bool, object]:
        """One run start (``api``) or one signed delivery (``hook``); whether it was accepted, and its status."""
        if kind == "api":
            headers = {"Authorization": f"Bearer {token}"}
            request, url, accepted = dict(json={"inputs": {"name": tag}}, headers=headers), run_url, 201
        else:
            body = json.dumps({"name": tag}).encode()
            stamp = str(int(time.time()))
            sig = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            headers = {"Content-Type": "application/json", "X-Signature-Timestamp": stamp}
            headers["X-Signature"] = f"sha256={sig}"
            request, url, accepted = dict(content=body, headers=headers), hook_url, 202
        try:
            status: object = (await http.post(url, **request)).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        return status == accepted, status

    async def client(http: httpx.AsyncClient, kind: str, n: int, start_at: float, stop_at: float) -> None:
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            began = time.monotonic()
            ok, status = await send(http, kind, f"{kind} {n}.{i}")
            ended = time.monotonic()
            if began >= start_at and ended <= stop_at:
                samples[kind].append(ended - began)
                if not ok:
                    samples["errors"].append((kind, status))

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        for kind in ("api", "hook"):  # the server's first requests import and connect: not measured
            ok, status = await send(http, kind, "warm-up")
            if not ok:
                samples["errors"].append((kind, status))
        start_at = time.monotonic() + WARMUP
        stop_at = start_at + DURATION
        kinds = ["api", "hook"] * (CLIENTS // 2)
        await asyncio.gather(*(client(http, kind, n, start_at, stop_at) for n, kind in enumerate(kinds)))
    return samples


def main() -> None:
    if ENGINE == "postgres":
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
            conn.execute(f'CREATE DATABASE "{_name}"')
    proc = None
    try:
        from autogpt_app.cli import run_migrations

        run_migrations()
        token, graph_id, trigger_id, secret = asyncio.run(setup())
        port = _free_port()
        proc = serve(port)
        samples = asyncio.run(load(f"http://127.0.0.1:{port}", token, graph_id, trigger_id, secret))
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        if ENGINE == "postgres":
            import psycopg

            with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{_name}" WITH (FORCE)')

    def line(label: str, values: list[float]) -> str:
        median = statistics.median(values) * 1000 if values else float("nan")
        return (
            f"{label:<28} {len(values) / DURATION:7.1f} req/s   p50 {median:7.1f} ms   "
            f"p95 {_percentile(values, 0.95) * 1000:7.1f} ms"
        )

    api_p95, hook_p95 = _percentile(samples["api"], 0.95), _percentile(samples["hook"], 0.95)
    ratio = hook_p95 / api_p95 if api_p95 else float("inf")
    size = "smoke" if SMOKE else "full"
    print(f"webhooks ({size}, {ENGINE}, {CLIENTS} clients, {DURATION:.0f} s)")
    print(line("run-start API (baseline)", samples["api"]))
    print(line("signed webhook deliveries", samples["hook"]))
    print(f"delivery p95 / run-start p95: {ratio:.2f} (goal <= {GOAL_RATIO:.1f})")
    print(f"errors: {len(samples['errors'])} {sorted(set(samples['errors']))[:5]}")
    failed = bool(samples["errors"]) or not samples["hook"] or not samples["api"]
    if not SMOKE and ratio > GOAL_RATIO:
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
