"""Login timing: an unknown e-mail, and a disabled account's right password, must cost as much as a wrong
password (no account probing, no password oracle).

Prints the median latency of ``POST /api/v1/auth/token`` for a wrong password (the baseline),
an unknown e-mail, a correct password, and a disabled account's right and wrong passwords (both
answered 401 "Incorrect e-mail or password."), and the ratio of each to the baseline, measured
in the same run on a temporary SQLite database. ``BENCH_SMOKE=1`` runs a few rounds only.

    .venv/bin/python benchmarks/bench_login_timing.py
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_tmp = Path(tempfile.mkdtemp(prefix="bench-login-"))
os.environ.update(
    DATABASE_URL=f"sqlite+aiosqlite:///{_tmp / 'bench.db'}",
    DATA_DIR=str(_tmp),
    SECRET_KEY=secrets.token_urlsafe(48),
    APP_MODE="embedded",
    # Throttling would turn repeated failures into 429s; this measures the password check.
    LOGIN_MAX_FAILURES="100000",
    LOGIN_MAX_FAILURES_PER_ADDRESS="100000",
)

import httpx  # noqa: E402
from sqlalchemy import update  # noqa: E402

from autogpt_app.api.app import build_api  # noqa: E402
from autogpt_app.auth.models import User  # noqa: E402
from autogpt_app.cli import run_migrations  # noqa: E402
from autogpt_app.db import session_scope  # noqa: E402

PASSWORD = "violet-harbour-42"


async def _median_ms(client: httpx.AsyncClient, rounds: int, email_fn, password: str, expect: int) -> float:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        r = await client.post("/api/v1/auth/token", json={"email": email_fn(i), "password": password})
        samples.append((time.perf_counter() - start) * 1000)
        assert r.status_code == expect, r.text
    return statistics.median(samples)


async def main() -> None:
    rounds = 3 if os.environ.get("BENCH_SMOKE") else 25
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        r = await client.post(
            "/api/v1/auth/signup", json={"email": "ada@example.com", "display_name": "Ada", "password": PASSWORD}
        )
        assert r.status_code == 201, r.text
        await _median_ms(client, 2, lambda i: f"warm{i}@example.com", PASSWORD, 401)  # warm-up
        wrong = await _median_ms(client, rounds, lambda i: "ada@example.com", "wrong-password-1", 401)
        unknown = await _median_ms(client, rounds, lambda i: f"ghost{i}@example.com", PASSWORD, 401)
        right = await _median_ms(client, rounds, lambda i: "ada@example.com", PASSWORD, 200)
        async with session_scope() as s:
            await s.execute(update(User).where(User.email == "ada@example.com").values(is_disabled=True))
        disabled_right = await _median_ms(client, rounds, lambda i: "ada@example.com", PASSWORD, 401)
        disabled_wrong = await _median_ms(client, rounds, lambda i: "ada@example.com", "wrong-password-1", 401)
    print(f"login timing, {rounds} rounds each, median ms (baseline: wrong password)")
    print(f"  wrong password : {wrong:8.1f} ms  ratio 1.00")
    print(f"  unknown e-mail : {unknown:8.1f} ms  ratio {unknown / wrong:.2f}")
    print(f"  right password : {right:8.1f} ms  ratio {right / wrong:.2f}")
    print(f"  disabled, right: {disabled_right:8.1f} ms  ratio {disabled_right / wrong:.2f}")
    print(f"  disabled, wrong: {disabled_wrong:8.1f} ms  ratio {disabled_wrong / wrong:.2f}")


if __name__ == "__main__":
    run_migrations(os.environ["DATABASE_URL"])
    asyncio.run(main())
