"""Two real scheduler processes on PostgreSQL: one leads, every due occurrence fires exactly once,
and when the leader is killed with SIGKILL the standby takes over within 30 seconds and keeps firing.

The clock is controlled through the table: each round sets every schedule's ``next_run_at`` a
moment into the past (a yearly cron never comes due on its own during the test), which the
leader picks up by its resync (1 s here) and fires at once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from autogpt_app.db import session_scope
from autogpt_app.executions.models import GraphExecution
from autogpt_app.scheduling import service
from autogpt_app.scheduling.models import Schedule
from autogpt_app.timeutil import utcnow
from tests.conftest import ENGINE
from tests.scheduling.test_service import make_graph, make_user

if ENGINE != "postgres":
    pytest.skip(
        "two scheduler processes sharing one database need PostgreSQL (run with TEST_DATABASE=postgres)",
        allow_module_level=True,
    )

ROOT = Path(__file__).resolve().parents[2]
SCHEDULES = 6
TAKEOVER_LIMIT = 30.0
LEADER = "is now the leader"
STANDBY = "is standing by"


def _start(log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"SCHEDULER_EXIT_AFTER", "REDIS_URL"}}
    env.update(
        PYTHONPATH=str(ROOT),
        SCHEDULER_LEASE_SECONDS="3",
        SCHEDULER_HEARTBEAT_SECONDS="0.5",
        SCHEDULER_RESYNC_SECONDS="1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "workers.scheduler"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> int | None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            return proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    return proc.returncode


def _text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


async def _wait_for_line(log: Path, text: str, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if text in _text(log):
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise AssertionError(f"{log.name} never said {text!r}:\n{_text(log)[-3000:]}")


async def _runs_per_graph() -> dict[str, int]:
    async with session_scope() as s:
        rows = await s.execute(select(GraphExecution.graph_id, func.count()).group_by(GraphExecution.graph_id))
        return dict(rows.all())


async def _round(ids: list[str], graph_ids: list[str], expected: int, logs: list[Path]) -> None:
    """Make every schedule due now; wait until each fired; check each occurrence made one run."""
    started = utcnow()
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id.in_(ids)).values(next_run_at=started - timedelta(seconds=1)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with session_scope() as s:
            fired = (
                await s.execute(
                    select(func.count()).where(
                        Schedule.id.in_(ids), Schedule.last_run_at >= started, Schedule.next_run_at > started
                    )
                )
            ).scalar_one()
        if fired == len(ids):
            break
        await asyncio.sleep(0.1)
    else:
        tails = "\n".join(_text(log)[-2000:] for log in logs)
        raise AssertionError(f"round {expected}: only {fired} of {len(ids)} schedules fired\n{tails}")
    await asyncio.sleep(1.5)  # two more resyncs: a duplicate would show up by now
    counts = await _runs_per_graph()
    assert {g: counts.get(g, 0) for g in graph_ids} == {g: expected for g in graph_ids}


async def test_one_leader_fires_each_occurrence_once_and_a_standby_takes_over(tmp_path):
    user = await make_user()
    graph_ids, ids = [], []
    for i in range(SCHEDULES):
        graph = await make_graph(user)
        async with session_scope() as s:
            made = await service.create_schedule(
                s, user, graph_id=graph.id, name=f"S{i}", cron="0 0 1 1 *", timezone="UTC", inputs={"topic": f"t{i}"}
            )
        graph_ids.append(graph.id)
        ids.append(made.id)

    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start(first_log)
    second = None
    try:
        await _wait_for_line(first_log, LEADER, 60)
        second = _start(second_log)
        await _wait_for_line(second_log, STANDBY, 60)
        logs = [first_log, second_log]

        await _round(ids, graph_ids, 1, logs)
        await _round(ids, graph_ids, 2, logs)
        assert LEADER not in _text(second_log), "the standby led while the leader was alive"
        assert "fired" not in _text(second_log), "the standby fired while the leader was alive"

        _stop(first, signal.SIGKILL)
        took = await _wait_for_line(second_log, LEADER, TAKEOVER_LIMIT)
        assert took < TAKEOVER_LIMIT

        await _round(ids, graph_ids, 3, logs)
        await _round(ids, graph_ids, 4, logs)
        assert _stop(second) == 0, _text(second_log)[-3000:]
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second, signal.SIGKILL)


async def _make_due(ids: list[str]) -> datetime:
    """Bring one-off schedules' time to a moment ago (their row, as a late-coming clock would)."""
    started = utcnow()
    due = started - timedelta(seconds=1)
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id.in_(ids)).values(run_at=due, next_run_at=due))
    return started


async def _wait_ran(ids: list[str], started: datetime, logs: list[Path]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        async with session_scope() as s:
            ran = (
                await s.execute(
                    select(func.count()).where(
                        Schedule.id.in_(ids), Schedule.last_run_at >= started, Schedule.is_active.is_(False)
                    )
                )
            ).scalar_one()
        if ran == len(ids):
            return
        await asyncio.sleep(0.1)
    tails = "\n".join(_text(log)[-2000:] for log in logs)
    raise AssertionError(f"only {ran} of {len(ids)} one-off schedules ran\n{tails}")


async def test_one_off_schedules_run_once_with_two_schedulers_and_after_the_leader_dies(tmp_path):
    user = await make_user()
    tomorrow = utcnow() + timedelta(days=1)
    batches: list[tuple[list[str], list[str]]] = []
    for batch in range(2):
        ids, graph_ids = [], []
        for i in range(3):
            graph = await make_graph(user)
            async with session_scope() as s:
                made = await service.create_schedule(
                    s, user, graph_id=graph.id, name=f"Once {batch}.{i}", run_at=tomorrow, inputs={"topic": "t"}
                )
            ids.append(made.id)
            graph_ids.append(graph.id)
        batches.append((ids, graph_ids))

    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start(first_log)
    second = None
    try:
        await _wait_for_line(first_log, LEADER, 60)
        second = _start(second_log)
        await _wait_for_line(second_log, STANDBY, 60)
        logs = [first_log, second_log]

        (ids, graph_ids), (later_ids, later_graph_ids) = batches
        await _wait_ran(ids, await _make_due(ids), logs)
        # The leader dies while the other one-offs come due: the standby leads and runs each once.
        _stop(first, signal.SIGKILL)
        started = await _make_due(later_ids)
        await _wait_for_line(second_log, LEADER, TAKEOVER_LIMIT)
        await _wait_ran(later_ids, started, logs)
        await asyncio.sleep(2.5)  # more resyncs: a second run would show up by now
        counts = await _runs_per_graph()
        assert {g: counts.get(g, 0) for g in graph_ids + later_graph_ids} == dict.fromkeys(
            graph_ids + later_graph_ids, 1
        )
        async with session_scope() as s:
            left = (await s.execute(select(func.count()).where(Schedule.next_run_at.is_not(None)))).scalar_one()
        assert left == 0
        assert _stop(second) == 0, _text(second_log)[-3000:]
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second, signal.SIGKILL)
