"""Polling as a whole: failures are counted and told once, a success resets them, a paused or not yet
due trigger is not looked at, overlapping looks start each item's run once (the claimed look, then
the item insert), and the scheduler inside this process (embedded mode) polls a feed by itself."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from autogpt_app.db import session_scope
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers import feeds
from autogpt_app.triggers.models import Trigger
from autogpt_app.triggers.polling import FAILED, LOOKED, STOPPED, TAKEN, poll_due, poll_trigger, record_look
from tests.fakes.web_services import serving
from tests.triggers.poll_factories import (
    RSS_TYPE,
    deliveries,
    items_seen,
    make_due,
    make_graph,
    make_trigger,
    make_user,
    notifications,
    post,
    rss,
    runs,
    trigger_row,
)
from workers.scheduler import InProcessScheduler

BROKEN = "The feed at 127.0.0.1 answered with HTTP 500."


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch):
    with serving(monkeypatch) as fake:
        yield fake


async def primed_feed(web, posts=(1, 2), **fields):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("blog.rss", rss([post(n) for n in posts]), RSS_TYPE)
    trigger = await make_trigger(user, graph, "feed", {"url": url}, **fields)
    await poll_due()
    assert (await trigger_row(trigger.id)).state["primed"]
    return user, graph, trigger


async def look_again(trigger_id: str):
    await make_due(trigger_id)
    return await poll_due()


async def test_three_failures_in_a_row_notify_once_and_a_success_resets_the_count(web):
    user, _graph, trigger = await primed_feed(web)
    web.fail("/pages/blog.rss", 500, b"oops", times=4)

    for _ in range(3):
        (look,) = await look_again(trigger.id)
        assert (look.outcome, look.error) == (FAILED, BROKEN)
    (notice,) = await notifications(user.id)
    assert notice.title == "Trigger “My feed” keeps failing"
    assert BROKEN in notice.body and notice.link == f"/library/triggers/{trigger.id}"

    await look_again(trigger.id)  # a fourth failure tells nothing new
    assert len(await notifications(user.id)) == 1
    assert (await trigger_row(trigger.id)).failure_count == 4

    (good,) = await look_again(trigger.id)
    assert good.outcome == LOOKED
    row = await trigger_row(trigger.id)
    assert (row.failure_count, row.last_error) == (0, None)

    web.fail("/pages/blog.rss", 500, b"oops", times=2)
    await look_again(trigger.id)
    await look_again(trigger.id)
    assert len(await notifications(user.id)) == 1  # two in a row after the success: not yet
    assert [d.status for d in await deliveries(trigger.id)] == ["failed"] * 6


async def test_a_paused_or_not_yet_due_trigger_is_not_looked_at(web):
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("blog.rss", rss([post(1)]), RSS_TYPE)
    await make_trigger(user, graph, "feed", {"url": url}, is_active=False)
    await make_trigger(user, graph, "feed", {"url": url}, next_poll_at=utcnow() + timedelta(minutes=5))

    assert await poll_due() == []
    assert web.requests == []


async def test_a_look_claims_the_next_one_after_its_interval(web):
    _user, _graph, trigger = await primed_feed(web, poll_interval_seconds=600)
    row = await trigger_row(trigger.id)
    assert timedelta(seconds=590) < row.next_poll_at - utcnow() <= timedelta(seconds=600)
    assert await poll_due() == []  # not due again yet


async def test_two_schedulers_looking_at_once_start_each_new_post_once(web):
    _user, graph, trigger = await primed_feed(web)
    web.page("blog.rss", rss([post(n) for n in range(1, 6)]), RSS_TYPE)
    await make_due(trigger.id)

    first, second = await asyncio.gather(poll_due(), poll_due())

    outcomes = sorted(r.outcome for r in first + second)
    assert outcomes in ([LOOKED, TAKEN], [LOOKED])
    assert len(await runs(graph.id)) == 3
    assert [d.status for d in await deliveries(trigger.id)] == ["started"] * 3


async def test_overlapping_looks_past_the_claim_still_start_each_post_once(web):
    """Two looks both past their claim (a leader that stalled while another took over): the item
    insert decides, so each post's run starts once."""
    _user, graph, trigger = await primed_feed(web)
    web.page("blog.rss", rss([post(n) for n in range(1, 6)]), RSS_TYPE)
    row = await trigger_row(trigger.id)
    found = await feeds.look(row.config, row.state)

    async def record():
        async with session_scope() as s:
            return await record_look(s, await s.get(Trigger, trigger.id), found, now=utcnow())

    results = await asyncio.gather(record(), record())

    assert sorted(len(r.execution_ids) for r in results) == [0, 3]
    assert len(await runs(graph.id)) == 3 and await items_seen(trigger.id) == 5


async def test_a_run_that_cannot_start_is_a_failed_delivery_and_the_post_is_not_retried(web):
    _user, graph, trigger = await primed_feed(web, input_mapping={"topic": "$.no_such_field"})
    web.page("blog.rss", rss([post(1), post(2), post(3)]), RSS_TYPE)

    (look,) = await look_again(trigger.id)

    assert look.execution_ids == [] and await runs(graph.id) == []
    (delivery,) = await deliveries(trigger.id)
    assert delivery.status == "failed" and "topic" in (delivery.error or "")
    assert delivery.summary == "Post number 3"
    await look_again(trigger.id)
    assert len(await deliveries(trigger.id)) == 1


async def test_the_in_process_scheduler_polls_a_feed_by_itself(web, monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "scheduler_lease_seconds", 2.0)
    monkeypatch.setattr(settings, "scheduler_heartbeat_seconds", 0.2)
    monkeypatch.setattr(settings, "trigger_poll_tick_seconds", 0.3)
    user = await make_user()
    graph = await make_graph(user)
    url = web.page("blog.rss", rss([post(1)]), RSS_TYPE)
    trigger = await make_trigger(user, graph, "feed", {"url": url}, poll_interval_seconds=1)
    scheduler = InProcessScheduler().start()
    try:
        await until(lambda: primed(trigger.id), "the first look")
        web.page("blog.rss", rss([post(1), post(2)]), RSS_TYPE)
        await until(lambda: started(graph.id, 1), "the run for the new post")
        await asyncio.sleep(1.5)  # another look or two: nothing more
        assert [r.inputs for r in await runs(graph.id)] == [{"topic": "Post number 2"}]
    finally:
        scheduler.stop()


async def primed(trigger_id: str) -> bool:
    return bool((await trigger_row(trigger_id)).state.get("primed"))


async def started(graph_id: str, count: int) -> bool:
    return len(await runs(graph_id)) >= count


async def until(condition, what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_the_leader_plans_the_poll_tick_and_drops_it_when_it_steps_down():
    from workers.scheduler import TRIGGER_POLL_JOB, ScheduleKeeper, build_scheduler

    scheduler = build_scheduler(background=True)
    scheduler.start(paused=True)
    try:
        keeper = ScheduleKeeper(scheduler)
        keeper._plan_housekeeping_jobs()
        tick = scheduler.get_job(TRIGGER_POLL_JOB)
        assert tick.trigger.interval == timedelta(seconds=15) and tick.func == keeper._poll_triggers
        keeper._demoted()
        assert scheduler.get_job(TRIGGER_POLL_JOB) is None
    finally:
        scheduler.shutdown(wait=False)


async def test_a_trigger_paused_while_its_feed_is_read_starts_nothing(web, monkeypatch):
    _user, graph, trigger = await primed_feed(web)
    web.page("blog.rss", rss([post(n) for n in range(1, 4)]), RSS_TYPE)
    real_look = feeds.look

    async def paused_meanwhile(config, state):
        async with session_scope() as s:  # the owner pauses it while the feed is on its way
            (await s.get(Trigger, trigger.id)).is_active = False
        return await real_look(config, state)

    monkeypatch.setattr(feeds, "look", paused_meanwhile)
    await make_due(trigger.id)
    async with session_scope() as s:
        due = (await s.get(Trigger, trigger.id)).next_poll_at
    look = await poll_trigger(trigger.id, due)

    assert look.outcome == STOPPED
    assert await runs(graph.id) == [] and await deliveries(trigger.id) == []
