"""Two real scheduler processes (``python -m workers.scheduler``) on PostgreSQL polling one feed: only
the leader looks, the posts present at the first look start nothing, three new posts start exactly
three runs, and after the leader is killed the standby takes over and starts the next three once.

The harness (start, stop, wait for a log line) is the scheduler leader test's.
"""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from tests.fakes.web_services import serving
from tests.triggers.poll_factories import (
    RSS_TYPE,
    deliveries,
    make_graph,
    make_trigger,
    make_user,
    post,
    rss,
    runs,
    trigger_row,
)
from tests.workers.test_scheduler_leader import LEADER, STANDBY, TAKEOVER_LIMIT, _start, _stop, _text, _wait_for_line

STARTED_LINE = "started execution"


async def _until(condition, what: str, logs, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.2)
    tails = "\n".join(_text(log)[-2000:] for log in logs)
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


async def test_two_scheduler_processes_start_each_new_post_once(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OUTBOUND_ALLOW_LOOPBACK", "true")  # the feed is served on this machine
    monkeypatch.setenv("TRIGGER_POLL_TICK_SECONDS", "0.5")
    with serving(monkeypatch) as web:
        user = await make_user()
        graph = await make_graph(user)
        url = web.page("blog.rss", rss([post(1), post(2)]), RSS_TYPE)
        trigger = await make_trigger(user, graph, "feed", {"url": url}, poll_interval_seconds=1)

        async def primed() -> bool:
            return bool((await trigger_row(trigger.id)).state.get("primed"))

        async def runs_at_least(count: int) -> bool:
            return len(await runs(graph.id)) >= count

        first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
        logs = [first_log, second_log]
        first = _start(first_log)
        second = None
        try:
            await _wait_for_line(first_log, LEADER, 60)
            second = _start(second_log)
            await _wait_for_line(second_log, STANDBY, 60)
            await _until(primed, "the first look", logs)
            assert await runs(graph.id) == []

            web.page("blog.rss", rss([post(n) for n in range(1, 6)]), RSS_TYPE)
            await _until(lambda: runs_at_least(3), "three runs", logs)
            await asyncio.sleep(3)  # several more looks: a duplicate would show up by now
            assert [r.inputs for r in await runs(graph.id)] == [{"topic": f"Post number {n}"} for n in (3, 4, 5)]
            assert STARTED_LINE not in _text(second_log), "the standby polled while the leader was alive"

            _stop(first, signal.SIGKILL)
            await _wait_for_line(second_log, LEADER, TAKEOVER_LIMIT)
            web.page("blog.rss", rss([post(n) for n in range(1, 9)]), RSS_TYPE)
            await _until(lambda: runs_at_least(6), "three more runs from the new leader", logs)
            await asyncio.sleep(3)
            topics = [r.inputs["topic"] for r in await runs(graph.id)]
            assert topics == [f"Post number {n}" for n in range(3, 9)]
            assert [d.status for d in await deliveries(trigger.id)] == ["started"] * 6
            assert _stop(second) == 0, _text(second_log)[-3000:]
        finally:
            _stop(first, signal.SIGKILL)
            if second is not None:
                _stop(second, signal.SIGKILL)
