"""Notifications service: create, list, count, mark read, owner isolation, the push after commit,
and the "Send notification" block run through the engine."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from autogpt_app.auth import service as auth_service
from autogpt_app.bus import get_bus, user_channel
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service as executions
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.notifications import service
from autogpt_app.notifications.models import Notification
from tests.graphs.helpers import OUTPUT, link, node

SEND_NOTIFICATION = "044c8d8f-31c8-4b3d-b5d4-a3aab189d30d"


async def make_user(email="ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def notify(user, **fields):
    values = {"type": "agent_message", "title": "Report ready", "body": "Done.", **fields}
    async with session_scope() as s:
        return await service.create_notification(s, user.id, **values)


async def test_create_list_count_and_mark_read():
    user = await make_user()
    first = await notify(user, title="First", link="/runs/1", data={"execution_id": "e1"})
    second = await notify(user, title="Second", body="", link="https://example.com/report")
    assert first.read_at is None and first.data == {"execution_id": "e1"} and first.link == "/runs/1"
    async with session_scope() as s:
        listed = await service.list_notifications(s, user)
        assert [n.id for n in listed] == [second.id, first.id]
        assert await service.unread_count(s, user) == 2
        marked = await service.mark_read(s, user, first.id)
        assert marked.read_at is not None
        again = await service.mark_read(s, user, first.id)
        assert again.read_at == marked.read_at  # the first time is kept
    async with session_scope() as s:
        assert await service.unread_count(s, user) == 1
        assert [n.id for n in await service.list_notifications(s, user, unread_only=True)] == [second.id]
        assert [n.id for n in await service.list_notifications(s, user, offset=1, limit=1)] == [first.id]
        assert await service.mark_all_read(s, user) == 1
    async with session_scope() as s:
        assert await service.unread_count(s, user) == 0


async def test_lengths_are_limited_and_links_checked():
    user = await make_user()
    made = await notify(user, title="  Very\nlong " + "x" * 300, body="b" * 20_000)
    assert len(made.title) == 200 and made.title.startswith("Very long x") and made.title.endswith("…")
    assert len(made.body) == 10_000
    assert (await notify(user, link="  ")).link is None
    for bad in ("javascript:alert(1)", "//evil.example/x", "data:text/html,hi", "ftp://x", "/a\tb", "/" + "a" * 600):
        with pytest.raises(InvalidInput) as err:
            await notify(user, link=bad)
        assert err.value.code == "invalid_notification_link"
    with pytest.raises(InvalidInput, match="needs a title"):
        await notify(user, title=" \n ")
    with pytest.raises(InvalidInput):
        await notify(user, type="Not A Type!")
    with pytest.raises(InvalidInput):
        await notify(user, data={"big": "x" * 20_000})
    async with session_scope() as s:
        assert await service.unread_count(s, user) == 2  # nothing of the refused ones was written


async def test_other_users_notifications_are_not_found():
    ada = await make_user()
    bob = await make_user("bob@example.com")
    mine = await notify(ada)
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await service.mark_read(s, bob, mine.id)
        with pytest.raises(NotFound):
            await service.mark_read(s, bob, "no-such-id")
        assert await service.list_notifications(s, bob) == []
        assert await service.unread_count(s, bob) == 0
        assert await service.mark_all_read(s, bob) == 0
        assert await service.unread_count(s, ada) == 1


async def _next(events, seconds: float):
    return await asyncio.wait_for(anext(events), seconds)


async def test_the_live_event_is_published_only_after_commit():
    user = await make_user()
    async with get_bus().subscribe(user_channel(user.id)) as events:
        async with session_scope() as s:
            made = await service.create_notification(s, user.id, type="agent_message", title="Hi", body="there")
            with pytest.raises(TimeoutError):
                await _next(events, 0.3)  # flushed, not committed: nothing announced yet
        event = await _next(events, 2)
        assert event.type == "notification"
        assert event.data["id"] == made.id and event.data["title"] == "Hi" and event.data["read_at"] is None
        with pytest.raises(TimeoutError):
            await _next(events, 0.2)  # exactly one event

        # A rolled-back transaction announces nothing and leaves no row.
        with pytest.raises(RuntimeError):
            async with session_scope() as s:
                await service.create_notification(s, user.id, type="agent_message", title="Ghost")
                raise RuntimeError("roll back")
        with pytest.raises(TimeoutError):
            await _next(events, 0.3)
    async with session_scope() as s:
        titles = [n.title for n in await service.list_notifications(s, user)]
    assert titles == ["Hi"]


async def test_reading_and_deleting_tell_the_users_other_pages():
    user = await make_user()
    first, second = await notify(user), await notify(user)
    async with get_bus().subscribe(user_channel(user.id)) as events:
        async with session_scope() as s:
            await service.mark_read(s, user, first.id)
        event = await _next(events, 2)
        assert (event.type, event.data) == ("notifications_changed", {"read": [first.id]})
        async with session_scope() as s:
            await service.mark_read(s, user, first.id)  # already read: nothing changed, nothing said
        with pytest.raises(TimeoutError):
            await _next(events, 0.3)
        async with session_scope() as s:
            assert await service.mark_all_read(s, user) == 1
        assert (await _next(events, 2)).data == {"all_read": 1}
        async with session_scope() as s:
            assert await service.mark_all_read(s, user) == 0
            await service.delete_notification(s, user, second.id)
        assert (await _next(events, 2)).data == {"deleted": [second.id]}


async def test_send_notification_block_through_the_runner():
    user = await make_user()
    doc = {
        "name": "Notify me",
        "nodes": [
            node("note", SEND_NOTIFICATION, title="Report ready", body="Your report is done.", link="/library"),
            node("out", OUTPUT, name="sent"),
        ],
        "links": [link("note", "sent", "out", "value")],
    }
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await executions.add_graph_execution(s, user, graph.id)
    async with get_bus().subscribe(user_channel(user.id)) as events:
        assert await GraphRunner(run.id).run() == "COMPLETED"
        seen = []
        while not any(e.type == "notification" for e in seen):
            seen.append(await _next(events, 2))
    async with session_scope() as s:
        result = await executions.get_execution(s, user, run.id)
        rows = (await s.execute(select(Notification))).scalars().all()
    assert result.outputs == {"sent": [True]}
    # The block's message, and the run's own "finished" notification.
    assert sorted(r.type for r in rows) == ["agent_message", "run_completed"]
    row = next(r for r in rows if r.type == "agent_message")
    assert row.user_id == user.id and row.type == "agent_message"
    assert (row.title, row.body, row.link) == ("Report ready", "Your report is done.", "/library")
    assert row.data == {"execution_id": run.id, "node_id": "note"}
    pushed = next(e for e in seen if e.type == "notification")
    assert pushed.data["id"] == row.id


async def test_a_bad_link_fails_the_node_readably():
    user = await make_user()
    doc = {"name": "Bad link", "nodes": [node("note", SEND_NOTIFICATION, title="Hi", link="javascript:alert(1)")]}
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await executions.add_graph_execution(s, user, graph.id)
    assert await GraphRunner(run.id).run() == "FAILED"
    async with session_scope() as s:
        result = await executions.get_execution(s, user, run.id)
        # No agent message: only the run's own "failed" notification.
        assert [n.type for n in await service.list_notifications(s, user)] == ["run_failed"]
    assert "http(s) address or a path of this site" in result.nodes[0].error
