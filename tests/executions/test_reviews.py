"""Runs that wait for a person: a Human review step and steps marked "ask before running".

On the real database with the real runner: a run waits WAITING holding no worker, lease or slot,
survives a new worker, and continues on the approve or the reject path after a decision, a time-out
or a stop; decisions are the owner's only and happen once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions import reviews, service
from autogpt_app.executions.models import GraphExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.notifications.models import Notification
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from tests.executions.test_runner import finished, make_user, start
from tests.graphs.helpers import FILL, OUTPUT, SHORT_TEXT, STORE, link, node

REVIEW = "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d"


def review_graph(**review_inputs) -> dict:
    """draft → Human review → 'approved' / 'rejected' / 'comment' outputs; beside it an independent 'side' branch."""
    return {
        "name": "Reply with a check",
        "nodes": [
            node("in", SHORT_TEXT, name="draft"),
            node("check", REVIEW, name="Reply to the customer", **review_inputs),
            node("ok", OUTPUT, name="approved"),
            node("no", OUTPUT, name="rejected"),
            node("why", OUTPUT, name="comment"),
            node("side", STORE, input="side work"),
            node("side_out", OUTPUT, name="side"),
        ],
        "links": [
            link("in", "result", "check", "data"),
            link("check", "approved_data", "ok", "value"),
            link("check", "rejected_data", "no", "value"),
            link("check", "review_message", "why", "value"),
            link("side", "output", "side_out", "value"),
        ],
    }


def ask_first_graph() -> dict:
    """draft → 'send' (a template marked ask before running) → 'sent'; draft → 'logged' runs regardless."""
    return {
        "name": "Send with a check",
        "nodes": [
            node("in", SHORT_TEXT, name="draft"),
            node("send", FILL, format="Sent: {{ text }}", ask_before_running=True),
            node("sent", OUTPUT, name="sent"),
            node("log", FILL, format="Logged: {{ text }}"),
            node("logged", OUTPUT, name="logged"),
        ],
        "links": [
            link("in", "result", "send", "values_#_text"),
            link("send", "output", "sent", "value"),
            link("in", "result", "log", "values_#_text"),
            link("log", "output", "logged", "value"),
        ],
    }


async def run_row(execution_id: str) -> GraphExecution:
    async with session_scope() as s:
        return await s.get(GraphExecution, execution_id)


async def pending(user, execution_id: str | None = None):
    async with session_scope() as s:
        return await reviews.list_pending(s, user, execution_id=execution_id)


async def test_a_run_waits_holding_nothing_and_another_run_goes_on(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_running_per_user", 1)
    user = await make_user()
    waiting_id = await start(user, review_graph(), draft="Dear Ada")
    assert await GraphRunner(waiting_id).run() == "WAITING"
    row = await run_row(waiting_id)
    assert row.status == "WAITING"
    assert row.lease_owner is None and row.lease_expires_at is None and row.slot is None
    # The independent branch ran; the reviewed one did not.
    assert [n.node_id for n in (await finished(user, waiting_id)).nodes] == ["in", "side", "side_out"]
    [review] = await pending(user)
    assert review.execution_id == waiting_id and review.data == "Dear Ada"
    assert review.message == "Review: Reply to the customer" and review.kind == "block"
    # With one running slot, the person's next run still starts: the waiting run holds none.
    other = await start(user, review_graph(), draft="Dear Bob")
    assert await GraphRunner(other).run() == "WAITING"
    # The owner was told, with a link to the run page.
    async with session_scope() as s:
        notes = (await s.execute(select(Notification).where(Notification.type == "review_requested"))).scalars().all()
    assert {n.link for n in notes} == {f"/runs/{waiting_id}", f"/runs/{other}"}
    # The sweep and relay leave it alone: it is neither orphaned nor unsent.
    from autogpt_app.executions import leases

    async with session_scope() as s:
        assert waiting_id not in await leases.orphans(s, queued_grace_seconds=0)


async def test_survives_a_new_worker_and_completes_with_the_edited_data_once_approved():
    user = await make_user()
    execution_id = await start(user, review_graph(), draft="Dear Ada")
    assert await GraphRunner(execution_id).run() == "WAITING"
    # A restarted worker getting the id again (a duplicate message) does nothing until a decision.
    assert await GraphRunner(execution_id).run() is None
    assert (await run_row(execution_id)).status == "WAITING"
    [review] = await pending(user)
    async with session_scope() as s:
        decided = await reviews.approve(s, user, review.id, "Dear Ada, thank you!")
    assert decided.status == "approved"
    assert (await run_row(execution_id)).status == "QUEUED"
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"approved": ["Dear Ada, thank you!"], "side": ["side work"]}
    # Completed steps were not run again: one node run each.
    assert sorted(n.node_id for n in result.nodes) == ["check", "in", "ok", "side", "side_out"]
    assert await pending(user) == []


async def test_rejection_follows_the_reject_pin_with_the_comment():
    user = await make_user()
    execution_id = await start(user, review_graph(), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    [review] = await pending(user)
    async with session_scope() as s:
        await reviews.reject(s, user, review.id, "Too curt.")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"rejected": ["Dear Ada"], "comment": ["Too curt."], "side": ["side work"]}


async def test_a_review_past_its_time_follows_the_reject_pin():
    user = await make_user()
    execution_id = await start(user, review_graph(timeout=1), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    [review] = await pending(user)
    assert timedelta(minutes=59) < review.expires_at - review.created_at <= timedelta(hours=1)
    async with session_scope() as s:
        assert await reviews.expire_due(s) == 0  # not yet
    async with session_scope() as s:
        assert await reviews.expire_due(s, now=utcnow() + timedelta(hours=2)) == 1
    async with session_scope() as s:  # a second sweep finds nothing: decided once
        assert await reviews.expire_due(s, now=utcnow() + timedelta(hours=2)) == 0
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs["rejected"] == ["Dear Ada"]
    assert result.outputs["comment"] == ["Nobody decided in time."]


async def test_ask_before_running_pauses_and_a_rejection_skips_only_that_step():
    user = await make_user()
    execution_id = await start(user, ask_first_graph(), draft="hello")
    assert await GraphRunner(execution_id).run() == "WAITING"
    [review] = await pending(user)
    assert review.kind == "ask_before" and review.message == "Approve running the 'Fill text template' step?"
    assert review.data == {"format": "Sent: {{ text }}", "values": {"text": "hello"}}
    async with session_scope() as s:
        await reviews.reject(s, user, review.id, "Not today.")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"logged": ["Logged: hello"]}
    [send] = [n for n in result.nodes if n.node_id == "send"]
    assert send.outputs == [] and send.notes == ["Not run: the 'Fill text template' step was declined: Not today."]


async def test_an_approved_ask_before_step_runs_with_the_reviewers_changes():
    user = await make_user()
    execution_id = await start(user, ask_first_graph(), draft="hello")
    await GraphRunner(execution_id).run()
    [review] = await pending(user)
    async with session_scope() as s:
        with pytest.raises(InvalidInput):  # the step's inputs must stay an object
            await reviews.approve(s, user, review.id, "just text")
    async with session_scope() as s:
        await reviews.approve(s, user, review.id, {"format": "Sent!: {{ text }}", "values": {"text": "hello"}})
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert (await finished(user, execution_id)).outputs == {"logged": ["Logged: hello"], "sent": ["Sent!: hello"]}


async def test_another_user_can_neither_see_nor_decide_it():
    owner = await make_user()
    other = await make_user("bob@example.com")
    execution_id = await start(owner, review_graph(), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    [review] = await pending(owner)
    assert await pending(other) == []
    async with session_scope() as s:
        for call in (
            reviews.get_review(s, other, review.id),
            reviews.approve(s, other, review.id),
            reviews.reject(s, other, review.id, "no"),
        ):
            with pytest.raises(NotFound):
                await call
    assert (await run_row(execution_id)).status == "WAITING"


async def test_a_stop_ends_a_waiting_run_at_once_and_closes_its_review():
    user = await make_user()
    execution_id = await start(user, review_graph(), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    [review] = await pending(user)
    async with session_scope() as s:
        stopped = await service.stop_execution(s, user, execution_id)
    assert stopped.status == "TERMINATED" and stopped.error == "Stopped by the user."
    assert await pending(user) == []
    async with session_scope() as s:
        assert (await reviews.get_review(s, user, review.id)).status == "cancelled"
        with pytest.raises(Conflict):
            await reviews.approve(s, user, review.id)
    assert await GraphRunner(execution_id).run() is None


async def test_a_double_approval_decides_once():
    user = await make_user()
    execution_id = await start(user, review_graph(), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    [review] = await pending(user)
    async with session_scope() as s:
        await reviews.approve(s, user, review.id, "first")
    async with session_scope() as s:
        with pytest.raises(Conflict) as err:
            await reviews.approve(s, user, review.id, "second")
    assert err.value.code == "review_decided"
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert (await finished(user, execution_id)).outputs["approved"] == ["first"]


async def test_a_review_that_may_not_be_edited_refuses_changes():
    user = await make_user()
    execution_id = await start(user, review_graph(editable=False), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    [review] = await pending(user)
    assert review.editable is False
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await reviews.approve(s, user, review.id, "changed")
    assert err.value.code == "review_not_editable"


async def test_a_decision_made_while_other_steps_still_run_is_not_lost():
    """The person decides while the run is busy elsewhere (still RUNNING): the run is queued again when it parks."""
    import asyncio

    from tests.graphs.helpers import DELAY

    user = await make_user()
    doc = review_graph()
    doc["nodes"].append(node("slow", DELAY, seconds=1.0, data="slow"))
    execution_id = await start(user, doc, draft="Dear Ada")
    task = asyncio.create_task(GraphRunner(execution_id).run())
    for _ in range(200):
        if await pending(user):
            break
        await asyncio.sleep(0.02)
    [review] = await pending(user)
    async with session_scope() as s:
        await reviews.approve(s, user, review.id)
    assert (await run_row(execution_id)).status == "RUNNING"  # the decision left it to its worker
    assert await task == "WAITING"
    assert (await run_row(execution_id)).status == "QUEUED"
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert (await finished(user, execution_id)).outputs["approved"] == ["Dear Ada"]


def test_an_autogpt_export_with_a_human_review_step_imports_and_the_flag_is_not_called_ignored():
    from autogpt_app.graphs.portable import ignored_fields, spec_from_document, unsupported_blocks

    document = {
        "name": "From AutoGPT",
        "nodes": [
            {"id": "a", "block_id": SHORT_TEXT, "input_default": {"name": "draft"}, "metadata": {}},
            {
                "id": "b",
                "block_id": REVIEW,
                "input_default": {"name": "Check", "editable": True},
                "metadata": {"customized_name": "Check the draft"},
            },
            {"id": "c", "block_id": FILL, "input_default": {"format": "x", "ask_before_running": True}, "metadata": {}},
        ],
        "links": [
            {"source_id": "a", "sink_id": "b", "source_name": "result", "sink_name": "data"},
            {"source_id": "b", "sink_id": "c", "source_name": "approved_data", "sink_name": "values_#_v"},
        ],
    }
    assert unsupported_blocks(document) == []
    assert ignored_fields(spec_from_document(document)) == []


async def test_the_workers_sweep_expires_a_review_past_its_time_and_queues_its_run():
    import asyncio

    from sqlalchemy import update

    from autogpt_app.executions.review_models import PendingReview
    from workers.execution import expire_reviews_once

    user = await make_user()
    execution_id = await start(user, review_graph(), draft="Dear Ada")
    await GraphRunner(execution_id).run()
    async with session_scope() as s:
        await s.execute(update(PendingReview).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert await asyncio.to_thread(expire_reviews_once) == 1
    assert (await run_row(execution_id)).status == "QUEUED"
    assert await pending(user) == []
