"""How many SQL statements one short run costs a worker: each is a round trip on a busy database, and
the worker's throughput of one-node runs (benchmarks/executor.py) is bounded by them."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from autogpt_app import jobs
from autogpt_app.db import session_scope
from autogpt_app.executions.models import NodeExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.notifications.models import Notification
from tests.conftest import ENGINE
from tests.executions.test_runner import make_user
from tests.graphs.helpers import OUTPUT, link, node
from tests.notifications.test_triggers import save, start

STORE = "1ff065e9-88e8-4358-9d82-8dc91f622ba9"


@contextmanager
def counted():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


async def _run(doc) -> tuple[str, list[str]]:
    user = await make_user()
    graph = await save(user, doc, in_library=True)
    # The first run in a process also reads the agent's version once (then it is cached): count a later one.
    assert await GraphRunner(await start(user, graph.id)).run() == "COMPLETED"
    execution_id = await start(user, graph.id)
    # The run's message goes out on the publisher's thread, which records it with a statement of its
    # own: let it finish first, so only the worker's statements are counted.
    await asyncio.to_thread(jobs.close_publisher)
    with counted() as statements:
        assert await GraphRunner(execution_id).run() == "COMPLETED"
    return execution_id, statements


async def test_a_one_node_run_is_claimed_and_ended_in_two_statements():
    """Claim; then the node's record, the run's end and the owner's notification together (PostgreSQL
    runs them as one statement; SQLite, which cannot, keeps one statement for each)."""
    execution_id, statements = await _run({"name": "Note", "nodes": [node("keep", STORE, input="x")]})
    assert len(statements) == (2 if ENGINE == "postgres" else 4), statements
    async with session_scope() as s:
        [record] = (await s.execute(select(NodeExecution).where(NodeExecution.graph_exec_id == execution_id))).scalars()
        [note, _] = (await s.execute(select(Notification).order_by(Notification.created_at.desc()))).scalars()
    assert record.status == "COMPLETED" and record.outputs == [["output", "x"]]
    assert note.title == "“Note” finished" and note.link == f"/runs/{execution_id}"


async def test_node_records_are_written_before_the_nodes_after_them_start():
    """A chain of three: each record is written once, in order, and the last one with the run's end."""
    doc = {
        "name": "Chain",
        "nodes": [node("a", STORE, input="x"), node("b", STORE), node("out", OUTPUT, name="result")],
        "links": [link("a", "output", "b", "input"), link("b", "output", "out", "value")],
    }
    execution_id, statements = await _run(doc)
    async with session_scope() as s:
        rows = (
            (
                await s.execute(
                    select(NodeExecution).where(NodeExecution.graph_exec_id == execution_id).order_by(NodeExecution.seq)
                )
            )
            .scalars()
            .all()
        )
    assert [(r.node_id, r.status) for r in rows] == [("a", "COMPLETED"), ("b", "COMPLETED"), ("out", "COMPLETED")]
    assert rows[0].ended_at <= rows[1].started_at and rows[1].ended_at <= rows[2].started_at
    # claim + a + b + (out, end, notification) on PostgreSQL
    assert len(statements) == (4 if ENGINE == "postgres" else 6), statements
