"""Live execution cards of the Chat page: the pure row helpers, and a card following a real run.

The follower runs against the in-process bus and the test database, with :class:`ChatPage` (a
token and rows) behind :class:`~tests.ui.test_live.Locked` standing in for the Chat page's state
in a background task (it refuses writes made outside ``async with``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from autogpt_app.auth import service as auth_service
from autogpt_app.bus import execution_channel, get_bus
from autogpt_app.chat.events import ExecutionStarted, ExecutionUpdate
from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.ui import chat_live
from autogpt_app.ui.chat_live import (
    ExecutionView,
    follow_execution,
    read_execution,
    replace_execution,
    running_execution_ids,
    shows_execution,
    updated_execution_row,
)
from autogpt_app.ui.chat_rows import MAX_EXECUTION_VALUES, ChatRow, card_row, execution_outputs
from tests.graphs.helpers import CALC, OUTPUT, greeting_graph, link, node
from tests.ui.test_live import Locked, cancelled, wait_until

# --- pure helpers -------------------------------------------------------------------------------


def started(execution_id: str, status: str = "QUEUED") -> ChatRow:
    row = card_row(ExecutionStarted(execution_id=execution_id, agent_id="a", agent_name="Greeter", status=status))
    assert row is not None
    return row


def shown(outputs: list[Any]) -> list[tuple[str, str]]:
    """What an execution card shows of each value: its output's title (on its first value) and its text."""
    return [(v.title if v.show_title else "", v.text) for v in outputs]


GREETING = [("greeting", "Hello Ada!")]


def test_execution_cards_know_their_run_and_show_outputs_under_their_titles() -> None:
    row = started("e1", status="queued")
    assert (row.kind, row.execution_id, row.status, row.href) == ("execution", "e1", "QUEUED", "/runs/e1")
    update = card_row(
        ExecutionUpdate(
            execution_id="e2",
            agent_name="Digest",
            status="FAILED",
            outputs={"digest": ["Top\nstories", 3]},
            titles={"digest": "Today's digest"},
            error="boom",
        )
    )
    assert update is not None and update.execution_id == "e2"
    assert (update.status, update.text) == ("FAILED", "boom")
    assert shown(update.outputs) == [("Today's digest", "Top\nstories"), ("", "3")]  # line breaks kept
    many = execution_outputs({"n": list(range(50)), "single": "not a list"}, {"n": "Numbers"})
    assert len(many) == MAX_EXECUTION_VALUES + 1 and many[0].title == "Numbers" and many[-1].text == "not a list"
    assert (
        many[MAX_EXECUTION_VALUES - 1].note
        == f"Showing {MAX_EXECUTION_VALUES} of 50 values of “Numbers”; the run page shows all."
    )
    assert execution_outputs({"long": ["x" * 10_000]})[0].text.endswith("…") and execution_outputs(None) == []


def test_running_ids_take_each_run_once_by_its_latest_card_and_keep_the_latest() -> None:
    rows = [
        ChatRow(kind="user", text="run it"),
        started("done"),
        started("a"),
        ChatRow(kind="assistant", text="Started."),
        started("b", status="RUNNING"),
        started("done").model_copy(update={"status": "COMPLETED"}),  # a later status card decides
        started("stopped", status="TERMINATED"),
        started("a"),  # a run shown twice is followed once
    ]
    assert running_execution_ids(rows) == ["b", "a"]
    assert running_execution_ids(rows, limit=1) == ["a"] and running_execution_ids(rows, limit=0) == []
    assert shows_execution(rows, "b") and not shows_execution(rows, "zzz") and not shows_execution(rows, "")


def test_replacing_updates_every_card_of_the_run_and_keeps_the_list_when_nothing_changed() -> None:
    other, first, second = started("other"), started("e1"), started("e1", status="RUNNING")
    rows = [ChatRow(kind="user", text="hi"), first, other, second]
    done = ExecutionView(status="COMPLETED", outputs=execution_outputs({"greeting": ["Hello Ada!"]}))
    fresh = replace_execution(rows, "e1", done)
    assert fresh is not rows and fresh[0] is rows[0] and fresh[2] is other
    assert [(r.status, shown(r.outputs)) for r in (fresh[1], fresh[3])] == [("COMPLETED", GREETING)] * 2
    assert fresh[1].title == "Greeter" and fresh[1].href == "/runs/e1"
    assert rows[1].status == "QUEUED"  # the old list is untouched
    assert replace_execution(fresh, "e1", done) is fresh  # same read again: nothing to send
    assert replace_execution(rows, "missing", done) is rows
    assert updated_execution_row(first, ExecutionView(status="QUEUED")) is first
    failed = updated_execution_row(first, ExecutionView(status="FAILED", error="calc: division by zero"))
    assert (failed.status, failed.text) == ("FAILED", "calc: division by zero")


# --- following a real run -----------------------------------------------------------------------


class ChatPage:
    """The Chat page's state as the follower sees it: the login token and the conversation.

    Counts assignments of ``rows`` (each one resends the whole conversation to the browser).
    """

    def __init__(self, token: str, rows: list[ChatRow]) -> None:
        self.token = token
        self._rows = rows
        self.assignments = 0

    @property
    def rows(self) -> list[ChatRow]:
        return self._rows

    @rows.setter
    def rows(self, value: list[ChatRow]) -> None:
        self.assignments += 1
        self._rows = value


@pytest.fixture(autouse=True)
def _events_only(monkeypatch):
    """No fallback reads: only the run's events can update a card in time."""
    monkeypatch.setattr(chat_live, "FALLBACK_READ_INTERVAL", 60.0)


async def make_user(email: str = "ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def start_run(user, doc: dict[str, Any], **inputs: Any) -> str:
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        await library.add_graph(s, user, graph.id, source="created")
        return (await service.add_graph_execution(s, user, graph.id, inputs=inputs)).id


async def following(page: ChatPage, execution_id: str) -> asyncio.Task[None]:
    """Start following ``execution_id`` for ``page`` and wait until it listens to the run."""
    task = asyncio.create_task(follow_execution(Locked(page), execution_id))
    await wait_until(lambda: get_bus().subscriber_count == 1 or task.done())
    return task


async def ended(task: asyncio.Task[None], seconds: float = 5) -> None:
    try:
        await asyncio.wait_for(asyncio.shield(task), seconds)
    finally:
        if not task.done():
            await cancelled(task)


async def test_a_card_follows_its_run_to_completed_with_its_outputs():
    user = await make_user()
    run_id = await start_run(user, greeting_graph(), name="Ada")
    rows = [ChatRow(kind="user", text="run the greeter"), started(run_id), ChatRow(kind="assistant", text="Started.")]
    page = ChatPage(auth_service.issue_token(user), rows)
    task = await following(page, run_id)
    assert not task.done() and page.assignments == 0  # read once: still queued, nothing resent
    assert await GraphRunner(run_id).run() == "COMPLETED"
    await ended(task)  # final: the follower ends by itself
    card = page.rows[1]
    assert (card.kind, card.status, shown(card.outputs), card.text) == ("execution", "COMPLETED", GREETING, "")
    assert page.rows[0] is rows[0] and page.rows[2] is rows[2]
    assert 1 <= page.assignments <= 2  # running (maybe), then completed: not one per event
    assert get_bus().subscriber_count == 0 and chat_live._FOLLOWERS == {}


async def test_a_failed_run_shows_its_error_and_a_stopped_one_ends_the_follow():
    user = await make_user()
    failing = {
        "name": "Divide by zero",
        "nodes": [node("calc", CALC, operation="Divide", a=1, b=0), node("out", OUTPUT, name="r")],
        "links": [link("calc", "result", "out", "value")],
    }
    run_id = await start_run(user, failing)
    page = ChatPage(auth_service.issue_token(user), [started(run_id)])
    task = await following(page, run_id)
    assert await GraphRunner(run_id).run() == "FAILED"
    await ended(task)
    assert page.rows[0].status == "FAILED" and "zero" in page.rows[0].text.lower()

    stopped_id = await start_run(user, greeting_graph(), name="Bob")
    page = ChatPage(auth_service.issue_token(user), [started(stopped_id)])
    task = await following(page, stopped_id)
    async with session_scope() as s:
        await service.stop_execution(s, user, stopped_id)  # queued: it ends at once
    await get_bus().publish(execution_channel(stopped_id), "status", {})
    await ended(task)
    assert page.rows[0].status == "TERMINATED" and page.rows[0].text


async def test_a_run_that_ended_before_the_page_loaded_is_shown_at_once():
    user = await make_user()
    run_id = await start_run(user, greeting_graph(), name="Ada")
    assert await GraphRunner(run_id).run() == "COMPLETED"
    page = ChatPage(auth_service.issue_token(user), [started(run_id)])  # a stored "queued" card
    await asyncio.wait_for(follow_execution(Locked(page), run_id), 3)
    assert page.rows[0].status == "COMPLETED" and shown(page.rows[0].outputs) == GREETING
    assert page.assignments == 1


async def test_another_users_run_or_an_ended_session_is_never_read():
    owner, other = await make_user(), await make_user("bob@example.com")
    run_id = await start_run(owner, greeting_graph(), name="Ada")
    assert await GraphRunner(run_id).run() == "COMPLETED"
    for token in (auth_service.issue_token(other), "", "not-a-token"):
        rows = [started(run_id)]
        page = ChatPage(token, rows)
        await asyncio.wait_for(follow_execution(Locked(page), run_id), 3)
        assert page.rows is rows and page.rows[0].status == "QUEUED" and page.assignments == 0
    assert await read_execution(auth_service.issue_token(other), run_id) is None
    assert (await read_execution(auth_service.issue_token(owner), run_id)).status == "COMPLETED"
    assert get_bus().subscriber_count == 0


async def test_opening_another_chat_or_a_newer_follower_stops_the_follow():
    user = await make_user()
    run_id = await start_run(user, greeting_graph(), name="Ada")
    page = ChatPage(auth_service.issue_token(user), [started(run_id)])
    task = await following(page, run_id)
    async with Locked(page) as state:
        state.rows = [ChatRow(kind="user", text="another chat")]
    await get_bus().publish(execution_channel(run_id), "status", {})
    await ended(task, 3)  # the card is gone: nothing to follow
    assert page.rows == [ChatRow(kind="user", text="another chat")]

    page = ChatPage(auth_service.issue_token(user), [started(run_id)])
    locked = Locked(page)  # one tab (its state): a second follow of the same card takes over
    first = asyncio.create_task(follow_execution(locked, run_id))
    await wait_until(lambda: get_bus().subscriber_count == 1)
    second = asyncio.create_task(follow_execution(locked, run_id))
    # The first one stops at its next read: the one it was making, or the one the event asks for.
    await wait_until(lambda: first.done() or get_bus().subscriber_count == 2)
    await get_bus().publish(execution_channel(run_id), "status", {})
    await ended(first, 3)
    assert not second.done()
    assert await GraphRunner(run_id).run() == "COMPLETED"
    await ended(second)
    assert page.rows[0].status == "COMPLETED" and chat_live._FOLLOWERS == {}


def test_a_one_off_card_waits_then_becomes_its_runs_card_or_says_why_it_did_not_run() -> None:
    from types import SimpleNamespace

    from autogpt_app.ui.chat_live import replace_schedule, waiting_once_ids

    once = ChatRow(kind="schedule_created", title="Shouter", status="once", schedule_id="s1")
    repeating = ChatRow(kind="schedule_created", title="Digest", status="0 8 * * 1-5", schedule_id="s2")
    rows = [ChatRow(kind="user", text="run it in 20 seconds"), once, repeating]
    assert waiting_once_ids(rows) == ["s1"]  # a repeating schedule's card has nothing to wait for

    waiting = SimpleNamespace(last_execution_id=None, last_status=None, last_error=None)
    assert replace_schedule(rows, "s1", waiting) is rows  # nothing changed: nothing to resend
    ran = SimpleNamespace(last_execution_id="e1", last_status="QUEUED", last_error=None)
    fresh = replace_schedule(rows, "s1", ran)
    assert fresh[1].kind == "execution" and fresh[1].execution_id == "e1" and fresh[1].title == "Shouter"
    assert fresh[1].href.endswith("/runs/e1") and fresh[2] is repeating
    assert waiting_once_ids(fresh) == []
    missed = SimpleNamespace(last_execution_id=None, last_status="FAILED", last_error="Missed: the scheduler was down.")
    [card] = [r for r in replace_schedule(rows, "s1", missed) if r.schedule_id == "s1"]
    assert card.status == "missed" and card.text == "Missed: the scheduler was down."


async def test_a_card_of_a_run_waiting_for_review_offers_the_decision_and_follows_it_to_the_end():
    from autogpt_app.executions import reviews
    from tests.executions.test_reviews import review_graph

    user = await make_user()
    run_id = await start_run(user, review_graph(), draft="Dear Ada")
    page = ChatPage(auth_service.issue_token(user), [started(run_id)])
    task = await following(page, run_id)
    assert await GraphRunner(run_id).run() == "WAITING"
    await wait_until(lambda: page.rows[0].status == "WAITING")
    card = page.rows[0]
    assert card.review_id and card.review_text == "Review: Reply to the customer Dear Ada"
    assert not task.done()  # waiting is not the end
    async with session_scope() as s:  # what the card's Approve button calls
        await reviews.approve(s, user, card.review_id)
    assert await GraphRunner(run_id).run() == "COMPLETED"
    await get_bus().publish(execution_channel(run_id), "status", {})
    await ended(task)
    assert page.rows[0].status == "COMPLETED" and page.rows[0].review_id == ""
