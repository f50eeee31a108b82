"""The scheduler inside this process (embedded mode), on either engine: it takes the lead, plans a job for
a new schedule from its bus event, re-plans when told the schedule changed, fires it once, and a second
in-process scheduler stands by until the first stops."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from autogpt_app.bus import get_bus
from autogpt_app.db import session_scope
from autogpt_app.executions.models import GraphExecution
from autogpt_app.scheduling import SCHEDULE_CHANGED, SCHEDULER_CHANNEL, service
from autogpt_app.scheduling.models import Schedule
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from tests.scheduling.test_service import make_graph, make_user
from workers.scheduler import JOB_PREFIX, InProcessScheduler


async def _until(condition, within: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _runs() -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(GraphExecution))).scalar_one())


async def test_in_process_scheduler_plans_from_bus_events_and_fires_once(monkeypatch):
    monkeypatch.setenv("SCHEDULER_LEASE_SECONDS", "2")
    monkeypatch.setenv("SCHEDULER_HEARTBEAT_SECONDS", "0.2")
    monkeypatch.setenv("SCHEDULER_RESYNC_SECONDS", "3600")  # only bus events may plan here
    get_settings.cache_clear()
    first = second = None
    try:
        first = InProcessScheduler().start()
        await _until(lambda: first.keeper.is_leader, what="the first scheduler to lead")
        second = InProcessScheduler().start()
        await asyncio.sleep(0.5)
        assert not second.keeper.is_leader

        user = await make_user()
        graph = await make_graph(user)
        async with session_scope() as s:
            made = await service.create_schedule(
                s, user, graph_id=graph.id, name="Yearly", cron="0 0 1 1 *", timezone="UTC", inputs={"topic": "x"}
            )
        job_id = JOB_PREFIX + made.id
        await _until(lambda: first.scheduler.get_job(job_id) is not None, what="a job planned from the bus event")
        assert first.scheduler.get_job(job_id).next_run_time == made.next_run_at
        assert second.scheduler.get_job(job_id) is None

        # Make it due now and say so, as a service would after a change: it fires once.
        async with session_scope() as s:
            await s.execute(
                update(Schedule).where(Schedule.id == made.id).values(next_run_at=utcnow() - timedelta(seconds=1))
            )
        await get_bus().publish(SCHEDULER_CHANNEL, SCHEDULE_CHANGED, {"action": "updated", "schedule_ids": [made.id]})
        await _until(lambda: _runs(), what="the firing")
        await _until(
            lambda: (j := first.scheduler.get_job(job_id)) is not None and j.next_run_time > utcnow(),
            what="the job to be re-planned for next year",
        )
        await asyncio.sleep(0.5)
        assert await _runs() == 1

        # Pausing removes the job; the leader stopping hands the lead to the standby at once.
        async with session_scope() as s:
            await service.pause_schedule(s, user, made.id)
        await _until(lambda: first.scheduler.get_job(job_id) is None, what="the paused schedule's job to go")
        first.stop()
        first = None
        await _until(lambda: second.keeper.is_leader, within=5, what="the standby to lead")
    finally:
        for scheduler in (first, second):
            if scheduler is not None:
                scheduler.stop()
        monkeypatch.undo()
        get_settings.cache_clear()
