"""Schedules service: CRUD, owner isolation, bad input writes nothing, and firing under a controllable clock
(exactly once under concurrency, coalescing and grace, failures recorded and notified)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from autogpt_app.auth import service as auth_service
from autogpt_app.bus import get_bus
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.library.models import LibraryAgent
from autogpt_app.notifications.models import Notification
from autogpt_app.scheduling import SCHEDULE_CHANGED, SCHEDULER_CHANNEL, service
from autogpt_app.scheduling.firing import fire
from autogpt_app.scheduling.models import Schedule
from autogpt_app.timeutil import utcnow
from tests.executions.test_secrets import llm_graph
from tests.graphs.helpers import echo_graph, greeting_graph


async def make_user(email: str = "ada@example.com", name: str = "Ada"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name=name, password="violet-harbour-42")


async def make_graph(user, doc=None, *, in_library: bool = True):
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc or echo_graph()))
        if in_library:
            await library.add_graph(s, user, graph.id, source="created")
    return graph


async def schedule(user, graph, **fields):
    values = {
        "graph_id": graph.id,
        "name": "Morning news",
        "cron": "0 8 * * 1-5",
        "timezone": "Europe/Berlin",
        "inputs": {"topic": "news"},
        **fields,
    }
    async with session_scope() as s:
        return await service.create_schedule(s, user, **values)


async def count(model) -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def make_due(schedule_id: str, due: datetime) -> None:
    """The controllable clock: pretend the schedule's next occurrence is ``due``."""
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id == schedule_id).values(next_run_at=due))


async def fire_at(schedule_id: str, now: datetime, **kwargs):
    async with session_scope() as s:
        return await fire(s, schedule_id, now=now, **kwargs)


async def row(schedule_id: str) -> Schedule:
    async with session_scope() as s:
        return await s.get(Schedule, schedule_id)


async def test_create_list_get_update_pause_resume_delete():
    user = await make_user()
    graph = await make_graph(user)
    created = await schedule(user, graph)
    assert created.description == "At 08:00, Monday through Friday"
    assert created.is_active and created.cron == "0 8 * * 1-5" and created.timezone == "Europe/Berlin"
    assert len(created.next_runs) == 5
    assert created.next_runs[0].astimezone(UTC) == created.next_run_at > utcnow()
    assert all((r.hour, r.minute) == (8, 0) and r.weekday() < 5 for r in created.next_runs)
    assert created.inputs == {"topic": "news"} and created.credentials == {}
    assert created.last_run_at is None and created.last_status is None

    async with session_scope() as s:
        listed = await service.list_schedules(s, user)
        assert [x.id for x in listed] == [created.id]
        assert listed[0].next_runs == created.next_runs
        got = await service.get_schedule(s, user, created.id)
        assert got.name == "Morning news"
    async with session_scope() as s:
        changed = await service.update_schedule(
            s, user, created.id, name=" Evening   news ", cron="30 18 * * *", timezone="UTC", inputs={"topic": "x"}
        )
    assert changed.name == "Evening news" and changed.description == "At 18:30"
    assert changed.next_run_at.hour == 18 and changed.next_run_at.minute == 30
    assert changed.inputs == {"topic": "x"}

    async with session_scope() as s:
        paused = await service.pause_schedule(s, user, created.id)
    assert not paused.is_active and paused.next_run_at is None and paused.next_runs == []
    async with session_scope() as s:
        resumed = await service.resume_schedule(s, user, created.id)
    assert resumed.is_active and resumed.next_run_at > utcnow()
    async with session_scope() as s:
        await service.delete_schedule(s, user, created.id)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await service.get_schedule(s, user, created.id)
        assert await service.list_schedules(s, user) == []


async def test_another_users_schedule_is_not_found():
    ada = await make_user()
    bob = await make_user("bob@example.com", "Bob")
    graph = await make_graph(ada)
    mine = await schedule(ada, graph)
    for call in (
        lambda s: service.get_schedule(s, bob, mine.id),
        lambda s: service.update_schedule(s, bob, mine.id, name="Mine now"),
        lambda s: service.pause_schedule(s, bob, mine.id),
        lambda s: service.resume_schedule(s, bob, mine.id),
        lambda s: service.delete_schedule(s, bob, mine.id),
    ):
        async with session_scope() as s:
            with pytest.raises(NotFound) as err:
                await call(s)
        assert err.value.code == "schedule_not_found"
    with pytest.raises(NotFound) as err:
        await schedule(bob, graph)
    assert err.value.code == "graph_not_found"
    async with session_scope() as s:
        assert await service.list_schedules(s, bob) == []
    assert (await row(mine.id)).name == "Morning news" and (await row(mine.id)).is_active


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({"cron": "61 * * * *"}, InvalidInput, "invalid_cron"),
        ({"cron": "0 8 * *"}, InvalidInput, "invalid_cron"),
        ({"timezone": "Mars/Base"}, InvalidInput, "invalid_timezone"),
        ({"inputs": {}}, InvalidInput, "inputs_missing"),
        ({"inputs": {"topic": "x", "nope": 1}}, InvalidInput, "invalid_inputs"),
        ({"inputs": "topic"}, InvalidInput, "invalid_inputs"),
        ({"credentials": {"openai_api_key": "no-such-id"}}, InvalidInput, "invalid_credentials"),
        ({"name": "   "}, InvalidInput, "invalid_name"),
        ({"graph_version": 9}, NotFound, "graph_version_not_found"),
    ],
)
async def test_bad_input_writes_nothing(fields, error, code):
    user = await make_user()
    graph = await make_graph(user)
    with pytest.raises(error) as err:
        await schedule(user, graph, **fields)
    assert err.value.code == code
    assert err.value.message
    assert await count(Schedule) == 0


async def test_missing_credentials_and_archived_agents_are_refused():
    user = await make_user()
    writer = await make_graph(user, llm_graph())
    with pytest.raises(InvalidInput) as err:
        await schedule(user, writer, inputs={})
    assert err.value.code == "credentials_missing" and "openai" in err.value.message
    graph = await make_graph(user)
    async with session_scope() as s:
        await s.execute(update(LibraryAgent).where(LibraryAgent.graph_id == graph.id).values(is_archived=True))
    with pytest.raises(Conflict) as err:
        await schedule(user, graph)
    assert err.value.code == "agent_archived" and "archived" in err.value.message
    assert await count(Schedule) == 0


async def test_a_refused_update_changes_nothing():
    user = await make_user()
    graph = await make_graph(user)
    created = await schedule(user, graph)
    for fields in ({"cron": "0 25 * * *"}, {"timezone": "Nowhere"}, {"inputs": {"wrong": 1}}, {"name": ""}):
        async with session_scope() as s:
            with pytest.raises(InvalidInput):
                await service.update_schedule(s, user, created.id, **{"name": "Changed?", **fields})
    same = await row(created.id)
    assert (same.name, same.cron, same.timezone, same.inputs) == (
        "Morning news",
        "0 8 * * 1-5",
        "Europe/Berlin",
        {"topic": "news"},
    )
    assert same.next_run_at == created.next_run_at


async def test_every_change_is_announced_on_the_scheduler_channel_after_commit():
    user = await make_user()
    graph = await make_graph(user)
    async with get_bus().subscribe(SCHEDULER_CHANNEL) as events:
        created = await schedule(user, graph)
        async with session_scope() as s:
            await service.pause_schedule(s, user, created.id)
        async with session_scope() as s:
            await service.delete_schedule(s, user, created.id)
        seen = [await asyncio.wait_for(anext(events), 5) for _ in range(3)]
    assert [e.type for e in seen] == [SCHEDULE_CHANGED] * 3
    assert [e.data["action"] for e in seen] == ["created", "paused", "deleted"]
    assert all(e.data["schedule_ids"] == [created.id] for e in seen)


async def test_fire_creates_an_execution_as_the_owner_and_advances():
    user = await make_user()
    graph = await make_graph(user)
    created = await schedule(user, graph, cron="*/10 * * * *", timezone="UTC")
    now = datetime(2030, 1, 7, 9, 0, 2, tzinfo=UTC)
    due = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    await make_due(created.id, due)

    early = await fire_at(created.id, due - timedelta(seconds=1))
    assert early.outcome == "not_due" and await count(GraphExecution) == 0
    result = await fire_at(created.id, now)
    assert result.outcome == "fired" and result.due_at == due
    assert result.next_run_at == datetime(2030, 1, 7, 9, 10, tzinfo=UTC)
    async with session_scope() as s:
        [run] = (await s.execute(select(GraphExecution))).scalars().all()
    assert run.id == result.execution_id and run.user_id == user.id and run.graph_id == graph.id
    assert run.inputs == {"topic": "news"} and run.status == "QUEUED"
    fired = await row(created.id)
    assert fired.last_execution_id == run.id and fired.last_status == "QUEUED" and fired.last_run_at == now
    assert fired.next_run_at == result.next_run_at
    again = await fire_at(created.id, now)  # the same occurrence again: nothing
    assert again.outcome == "not_due" and await count(GraphExecution) == 1


async def test_missed_runs_coalesce_and_very_late_ones_are_skipped():
    user = await make_user()
    graph = await make_graph(user)
    created = await schedule(user, graph, cron="* * * * *", timezone="UTC")
    due = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    await make_due(created.id, due)
    # 50 s late: within the grace period; the next planned run is after now, not the missed minute.
    result = await fire_at(created.id, due + timedelta(seconds=50))
    assert result.outcome == "fired" and result.next_run_at == datetime(2030, 1, 1, 12, 1, tzinfo=UTC)
    # 10 minutes late: skipped (no catch-up storm), planned from now.
    await make_due(created.id, due)
    late = await fire_at(created.id, due + timedelta(minutes=10, seconds=5))
    assert late.outcome == "skipped_late" and late.next_run_at == datetime(2030, 1, 1, 12, 11, tzinfo=UTC)
    assert await count(GraphExecution) == 1
    paused = await schedule(user, graph, name="Paused")
    async with session_scope() as s:
        await service.pause_schedule(s, user, paused.id)
    assert (await fire_at(paused.id, utcnow())).outcome == "inactive"
    assert (await fire_at("no-such-schedule", utcnow())).outcome == "inactive"


async def test_a_concurrent_double_fire_creates_exactly_one_execution():
    user = await make_user()
    graph = await make_graph(user)
    created = await schedule(user, graph, cron="* * * * *", timezone="UTC")
    for minute in range(3):
        due = datetime(2030, 1, 1, 12, minute, tzinfo=UTC)
        await make_due(created.id, due)
        results = await asyncio.gather(*(fire_at(created.id, due + timedelta(seconds=1)) for _ in range(4)))
        assert sorted(r.outcome for r in results) == ["fired", "taken", "taken", "taken"]
        # The losers learn when the schedule is due now, so a scheduler re-plans its job.
        assert {r.next_run_at for r in results} == {due + timedelta(minutes=1)}
    assert await count(GraphExecution) == 3


async def test_a_failing_fire_records_failed_and_notifies_once():
    user = await make_user()
    writer = await make_graph(user, llm_graph())
    async with session_scope() as s:
        key = await credentials.create_credential(
            s, user, provider="openai", type="api_key", title="Mine", api_key="sk-" + "x" * 30
        )
    created = await schedule(user, writer, inputs={}, credentials={"openai_api_key": key.id}, cron="* * * * *")
    async with session_scope() as s:
        await credentials.delete_credential(s, user, key.id)
    due = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    await make_due(created.id, due)
    result = await fire_at(created.id, due)
    assert result.outcome == "failed" and "not found" in result.error
    failed = await row(created.id)
    assert failed.last_status == "FAILED" and failed.last_execution_id is None and failed.last_error == result.error
    assert failed.is_active and failed.next_run_at == due + timedelta(minutes=1)
    assert await count(GraphExecution) == 0
    async with session_scope() as s:
        [note] = (await s.execute(select(Notification))).scalars().all()
    assert note.user_id == user.id and note.type == "scheduled_run_failed"
    assert "Morning news" in note.title and result.error in note.body
    assert note.data["schedule_id"] == created.id
    # Still failing at the next occurrence: recorded again, but no second notification.
    await make_due(created.id, due + timedelta(minutes=1))
    assert (await fire_at(created.id, due + timedelta(minutes=1))).outcome == "failed"
    assert await count(Notification) == 1


async def test_inputs_that_no_longer_fit_the_agent_fail_the_firing():
    user = await make_user()
    graph = await make_graph(user)
    created = await schedule(user, graph, cron="* * * * *")
    async with session_scope() as s:
        await graphs.add_version(s, user, graph.id, GraphSpec.model_validate(greeting_graph()))
    await make_due(created.id, datetime(2030, 1, 1, tzinfo=UTC))
    result = await fire_at(created.id, datetime(2030, 1, 1, tzinfo=UTC))
    assert result.outcome == "failed" and "topic" in result.error
    assert await count(Notification) == 1 and await count(GraphExecution) == 0


async def test_archiving_and_deleting_an_agent_pause_and_remove_its_schedules():
    user = await make_user()
    graph = await make_graph(user)
    other = await make_graph(user, echo_graph("Other"))
    first = await schedule(user, graph)
    second = await schedule(user, graph, name="Second")
    kept = await schedule(user, other, name="Kept")
    async with get_bus().subscribe(SCHEDULER_CHANNEL) as events:
        async with session_scope() as s:
            assert await service.pause_for_graph(s, graph.id, user_id=user.id) == 2
        event = await asyncio.wait_for(anext(events), 5)
    assert event.data["action"] == "paused"
    assert set(event.data["schedule_ids"]) == {first.id, second.id}
    assert not (await row(first.id)).is_active and (await row(first.id)).next_run_at is None
    assert (await row(kept.id)).is_active
    # Archived and not paused (a caller forgot): the firing fails instead of running it.
    async with session_scope() as s:
        await s.execute(update(LibraryAgent).where(LibraryAgent.graph_id == other.id).values(is_archived=True))
    await make_due(kept.id, datetime(2030, 1, 1, tzinfo=UTC))
    failed = await fire_at(kept.id, datetime(2030, 1, 1, tzinfo=UTC))
    assert failed.outcome == "failed" and "archived" in failed.error
    async with session_scope() as s:
        assert await service.delete_for_graph(s, graph.id) == 2
    assert await row(first.id) is None and await row(second.id) is None
    async with session_scope() as s:
        await graphs_delete(s, other.id)
    assert await count(Schedule) == 0  # deleting the graph cascades


async def graphs_delete(session, graph_id: str) -> None:
    from autogpt_app.graphs.models import Graph

    await session.delete(await session.get(Graph, graph_id))
