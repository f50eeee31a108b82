"""Which runs the relay sends: queued, top-level, never confirmed sent, and past the publisher's grace."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from autogpt_app.db import get_engine, session_scope
from autogpt_app.executions import outbox
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.timeutil import utcnow
from tests.executions.test_brokers import make_user
from tests.graphs.helpers import greeting_graph


async def _runs(**kinds: dict) -> dict[str, str]:
    """One run per keyword, with the given column values, created ``age`` seconds ago (default 10)."""
    user = await make_user()
    ids = {}
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
        for name, values in kinds.items():
            row = GraphExecution(graph_id=graph.id, graph_version=graph.version, user_id=user.id)
            s.add(row)
            await s.flush()
            columns = dict(values)
            columns["created_at"] = utcnow() - timedelta(seconds=columns.pop("age", 10))
            await s.execute(update(GraphExecution).where(GraphExecution.id == row.id).values(**columns))
            ids[name] = row.id
    return ids


async def test_only_queued_unsent_top_level_runs_past_the_grace_are_relayed():
    ids = await _runs(
        lost={},
        older_lost={"age": 60},
        sent={"sent_at": utcnow()},
        running={"status": "RUNNING"},
        finished={"status": "COMPLETED"},
        sub_agent={"parent_execution_id": "parent-run"},
        just_accepted={"age": 0},
    )
    async with session_scope() as s:
        assert await outbox.unsent(s) == [ids["older_lost"], ids["lost"]]  # oldest first
        assert await outbox.unsent(s, limit=1) == [ids["older_lost"]]


async def test_mark_sent_keeps_the_first_confirmation():
    ids = await _runs(lost={}, sent={"sent_at": utcnow() - timedelta(seconds=30)})
    async with session_scope() as s:
        before = (await s.execute(select(GraphExecution.sent_at).where(GraphExecution.id == ids["sent"]))).scalar_one()
        await outbox.mark_sent(s, [ids["lost"], ids["sent"]])
        await outbox.mark_sent(s, [])
    async with session_scope() as s:
        assert await outbox.unsent(s) == []
        after = (await s.execute(select(GraphExecution.sent_at).where(GraphExecution.id == ids["sent"]))).scalar_one()
    assert after == before


async def test_one_relay_pass_at_a_time():
    """On PostgreSQL a second process's pass stands aside while one holds the turn; SQLite has one process."""
    async with session_scope() as first:
        assert await outbox.claim_relay(first)
        async with session_scope() as second:
            held_elsewhere = await outbox.claim_relay(second)
    assert held_elsewhere is (get_engine().dialect.name != "postgresql")
    async with session_scope() as again:  # the first pass's transaction ended: the turn is free
        assert await outbox.claim_relay(again)
