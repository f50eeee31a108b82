"""Scheduler benchmarks, each against a baseline measured in the same run.

Two real scheduler processes (``python -m workers.scheduler``: one leads, one stands by) on a fresh
PostgreSQL database, dropped after.

1. Firing lateness (due time → execution row created), p95, with 10 active schedules (baseline)
   and then with 10,000 active schedules (the same processes, jobs added by their resync).
   Goal: p95 <= 1 s; the ratio 10,000 / 10 is printed.
2. Listing one user's schedules (a page of 50, with words and next five runs each), p95.
   Goal: <= 100 ms.
3. Duplicate firings: executions per occurrence, counted by a tag unique to each schedule.
   Goal: zero duplicates (and none missed).

``BENCH_SMOKE=1`` runs a small size (what the test command does).

    .venv/bin/python benchmarks/scheduler.py
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
TOTAL = 1_000 if SMOKE else 10_000
BASELINE = 10
WARM = 16
USERS = 5 if SMOKE else 20
DUE = 40 if SMOKE else 200  # occurrences measured among the TOTAL active schedules
SPREAD = 8.0 if SMOKE else 20.0  # seconds over which the measured occurrences come due
LEAD = 8.0 if SMOKE else 15.0  # seconds between adding schedules and the first due time
LIST_SAMPLES = 30 if SMOKE else 100
RESYNC = "3"
PG = dict(host="127.0.0.1", port=5432, user="postgres")

_db_name = f"autogpt_bench_{secrets.token_hex(4)}"
os.environ.update(
    DATABASE_URL=f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{_db_name}",
    BROKER_URL="",
    REDIS_URL="",
    SECRET_KEY=secrets.token_urlsafe(48),
    DATA_DIR=str(Path(tempfile.gettempdir()) / _db_name),
    APP_MODE="embedded",
    SCHEDULER_RESYNC_SECONDS=RESYNC,
)
os.environ.pop("SCHEDULER_EXIT_AFTER", None)

import psycopg  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

SHORT_TEXT = "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"
FAR = datetime(2100, 1, 1, tzinfo=UTC)


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True, **PG)


def tag_graph() -> dict:
    return {
        "name": "Tagged",
        "nodes": [
            {"id": "in", "block_id": SHORT_TEXT, "input_default": {"name": "tag"}},
            {"id": "out", "block_id": OUTPUT, "input_default": {"name": "tag"}},
        ],
        "links": [{"source_id": "in", "sink_id": "out", "source_name": "result", "sink_name": "value"}],
    }


async def setup_owners() -> list[tuple[object, str]]:
    from autogpt_app.auth import service as auth
    from autogpt_app.db import session_scope
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec

    owners = []
    for i in range(USERS):
        async with session_scope() as s:
            user = await auth.signup(s, email=f"b{i}@example.com", display_name=f"B{i}", password="violet-harbour-42")
            graph = await graphs.create_graph(s, user, GraphSpec.model_validate(tag_graph()))
        owners.append((user, graph.id))
    return owners


async def add_schedules(owners, count: int, due_times: list[datetime], start: int) -> dict[str, datetime]:
    """Insert ``count`` active yearly schedules; the first ``len(due_times)`` come due at those times."""
    from autogpt_app.auth.models import new_id
    from autogpt_app.db import session_scope
    from autogpt_app.scheduling.models import Schedule

    rows, due = [], {}
    now = datetime.now(UTC)
    for n in range(count):
        user, graph_id = owners[(start + n) % len(owners)]
        sid = new_id()
        when = due_times[n] if n < len(due_times) else FAR
        if n < len(due_times):
            due[sid] = when
        rows.append(
            dict(
                id=sid,
                user_id=user.id,
                graph_id=graph_id,
                graph_version=None,
                name=f"Schedule {start + n}",
                cron="0 0 1 1 *",
                timezone="UTC",
                inputs={"tag": sid},
                credentials={},
                is_active=True,
                next_run_at=when,
                created_at=now,
                updated_at=now,
            )
        )
    async with session_scope() as s:
        for i in range(0, len(rows), 1000):
            await s.execute(insert(Schedule), rows[i : i + 1000])
    return due


async def wait_fired(due: dict[str, datetime], within: float) -> None:
    from autogpt_app.db import session_scope
    from autogpt_app.scheduling.models import Schedule

    deadline = time.monotonic() + within
    ids = list(due)
    while time.monotonic() < deadline:
        async with session_scope() as s:
            fired = (
                await s.execute(
                    select(func.count()).where(Schedule.id.in_(ids), Schedule.last_execution_id.is_not(None))
                )
            ).scalar_one()
        if fired >= len(ids):
            return
        await asyncio.sleep(0.25)
    raise RuntimeError(f"only {fired} of {len(ids)} due schedules fired in {within:.0f}s")


async def lateness(due: dict[str, datetime]) -> list[float]:
    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import GraphExecution

    tag = GraphExecution.inputs["tag"].as_string()
    async with session_scope() as s:
        rows = (
            await s.execute(select(tag, func.min(GraphExecution.created_at)).where(tag.in_(list(due))).group_by(tag))
        ).all()
    return sorted((created - due[sid]).total_seconds() for sid, created in rows)


async def duplicates() -> tuple[int, int]:
    """(occurrences with more than one execution, executions in total)."""
    from autogpt_app.db import session_scope
    from autogpt_app.executions.models import GraphExecution

    tag = GraphExecution.inputs["tag"].as_string()
    async with session_scope() as s:
        per = (await s.execute(select(tag, func.count()).group_by(tag))).all()
    return sum(1 for _, n in per if n > 1), sum(n for _, n in per)


async def listing(user) -> list[float]:
    from autogpt_app.db import session_scope
    from autogpt_app.scheduling import service

    samples = []  # the first is cold (next run times are cached per schedule afterwards)
    for _ in range(LIST_SAMPLES):
        start = time.perf_counter()
        async with session_scope() as s:
            page = await service.list_schedules(s, user, limit=50)
        samples.append((time.perf_counter() - start) * 1000)
        assert len(page) == 50 and all(len(p.next_runs) == 5 for p in page[:1])
    return sorted(samples)


def p95(values: list[float]) -> float:
    return values[max(0, int(len(values) * 0.95 + 0.5) - 1)]


def start_scheduler(log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "workers.scheduler"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def spread(count: int, lead: float, over: float) -> list[datetime]:
    first = datetime.now(UTC) + timedelta(seconds=lead)
    return [first + timedelta(seconds=over * i / max(1, count - 1)) for i in range(count)]


async def wait_leader(within: float = 60) -> None:
    from autogpt_app.db import session_scope
    from autogpt_app.scheduling import leader

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with session_scope() as s:
            held = await leader.current(s)
        if held and held[1] > datetime.now(UTC):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("no scheduler took the lead")


def main() -> None:
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{_db_name}"')
    logs = [Path(tempfile.gettempdir()) / f"{_db_name}-{n}.log" for n in ("a", "b")]
    procs: list[subprocess.Popen] = []
    loop = asyncio.new_event_loop()
    try:
        from autogpt_app.cli import run_migrations

        run_migrations()
        owners = loop.run_until_complete(setup_owners())
        procs = [start_scheduler(log) for log in logs]
        loop.run_until_complete(wait_leader())

        # Warm-up (not measured): imports, each worker thread's event loop and connection.
        warm_due = loop.run_until_complete(add_schedules(owners, WARM, spread(WARM, 3.0, 0.5), 0))
        loop.run_until_complete(wait_fired(warm_due, 60))
        # 1a. Baseline: 10 active schedules (plus the warm-up ones, due next year).
        base_due = loop.run_until_complete(add_schedules(owners, BASELINE, spread(BASELINE, 4.0, 3.0), WARM))
        loop.run_until_complete(wait_fired(base_due, 60))
        base = loop.run_until_complete(lateness(base_due))
        # 1b. The same with TOTAL active schedules (the 10 fired ones stay active, due next year).
        more = TOTAL - BASELINE - WARM
        due = loop.run_until_complete(add_schedules(owners, more, spread(DUE, LEAD, SPREAD), BASELINE + WARM))
        loop.run_until_complete(wait_fired(due, LEAD + SPREAD + 120))
        late = loop.run_until_complete(lateness(due))
        time.sleep(float(RESYNC) + 1)  # a resync later: any duplicate would exist by now
        dupes, total_runs = loop.run_until_complete(duplicates())
        listed = loop.run_until_complete(listing(owners[0][0]))
    except Exception:
        for log in logs:
            if log.exists():
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise
    finally:
        for proc in procs:
            stop(proc)
        loop.close()
        for log in logs:
            log.unlink(missing_ok=True)
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_db_name}" WITH (FORCE)')

    occurrences = len(warm_due) + len(base_due) + len(due)
    print(f"scheduler benchmarks ({'smoke' if SMOKE else 'full'} size; PostgreSQL, 2 scheduler processes)")
    print(
        f"1. firing lateness (due -> execution row) with {TOTAL:,} active schedules: "
        f"p50 {statistics.median(late) * 1000:.0f} ms, "
        f"p95 {p95(late) * 1000:.0f} ms (goal <= 1000 ms); with {BASELINE}: p95 {p95(base) * 1000:.0f} ms "
        f"-> ratio {p95(late) / max(p95(base), 1e-3):.2f}"
    )
    print(
        f"2. listing one user's schedules (page of 50 with words and next 5 runs): "
        f"p50 {statistics.median(listed):.1f} ms, "
        f"p95 {p95(listed):.1f} ms, slowest (cold) {listed[-1]:.1f} ms (goal p95 <= 100 ms)"
    )
    print(
        f"3. duplicate firings with two scheduler processes: {dupes} of {occurrences} occurrences "
        f"({total_runs} executions; goal 0 duplicates)"
    )
    problems = []
    if dupes or total_runs != occurrences:
        problems.append(f"{dupes} duplicated occurrences, {total_runs} executions for {occurrences} occurrences")
    if len(late) != len(due) or len(base) != len(base_due):
        problems.append("some occurrences produced no execution")
    if problems:
        raise SystemExit("; ".join(problems))


if __name__ == "__main__":
    main()
