"""Stopping a run: no node starts once the stop is acknowledged, TERMINATED follows within 2 s, and a
statement cancelled half-way on the run's recorder connection does not break the run's finish."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

from sqlalchemy import select, text

from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.models import NodeExecution
from autogpt_app.executions.runner import GraphRunner, _Recorder
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from tests.api.test_accounts_api import bearer, token_for
from tests.executions.test_runner import finished, make_user, start
from tests.graphs.helpers import DELAY, OUTPUT, link, node

POSTGRES = os.environ.get("TEST_DATABASE", "sqlite") == "postgres"


def many_short_nodes(width: int = 6, depth: int = 40) -> dict:
    """``width`` parallel chains of ``depth`` short delays each: nodes start all the time."""
    nodes, links = [], []
    for w in range(width):
        for d in range(depth):
            nodes.append(node(f"d{w}_{d}", DELAY, seconds=0.01, data=w))
            if d:
                links.append(link(f"d{w}_{d - 1}", "data", f"d{w}_{d}", "data"))
        nodes.append(node(f"out{w}", OUTPUT, name=f"chain{w}"))
        links.append(link(f"d{w}_{depth - 1}", "data", f"out{w}", "value"))
    return {"name": "Busy", "nodes": nodes, "links": links}


async def node_rows(execution_id: str) -> list[NodeExecution]:
    async with session_scope() as s:
        query = select(NodeExecution).where(NodeExecution.graph_exec_id == execution_id)
        return list((await s.execute(query)).scalars())


async def test_no_node_starts_after_the_stop_is_acknowledged():
    user = await make_user()
    for _attempt in range(3):
        execution_id = await start(user, many_short_nodes())
        task = asyncio.create_task(GraphRunner(execution_id).run())
        for _ in range(1000):  # until the run is well under way
            if len(await node_rows(execution_id)) >= 12:
                break
            await asyncio.sleep(0.02)
        async with session_scope() as s:
            await service.stop_execution(s, user, execution_id)
        acknowledged, acknowledged_clock = utcnow(), time.perf_counter()
        assert await asyncio.wait_for(task, 5) == "TERMINATED"
        assert time.perf_counter() - acknowledged_clock < 2
        rows = await node_rows(execution_id)
        late = [(r.node_id, (r.started_at - acknowledged).total_seconds()) for r in rows if r.started_at > acknowledged]
        assert late == [], f"nodes started after the stop was acknowledged: {late}"
        assert len(rows) < 6 * 40  # it really was stopped half-way
        assert (await finished(user, execution_id)).status == "TERMINATED"


def _slow_statement():
    if POSTGRES:
        return text("SELECT pg_sleep(2)")
    # SQLite has no sleep: count a long series instead (a few seconds of work in the database).
    return text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000) SELECT count(*) FROM c"
    )


async def test_a_statement_cancelled_half_way_leaves_the_recorder_usable():
    recorder = _Recorder()
    try:
        task = asyncio.create_task(recorder.execute(_slow_statement()))
        await asyncio.sleep(0.3)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        started = time.perf_counter()
        assert (await recorder.execute(text("SELECT 41 + 1"))).scalar_one() == 42
        assert time.perf_counter() - started < 5
    finally:
        await recorder.close()


async def test_a_run_whose_node_write_is_cancelled_half_way_still_finishes(monkeypatch):
    """The run's time limit cancels a node while its RUNNING record waits on a lock; the run still ends."""
    user = await make_user()
    monkeypatch.setattr(get_settings(), "execution_timeout_seconds", 1.0)
    doc = {
        "name": "Slow",
        "nodes": [node("wait", DELAY, seconds=5), node("out", OUTPUT, name="r")],
        "links": [link("wait", "data", "out", "value")],
    }
    execution_id = await start(user, doc)
    from autogpt_app.db import get_engine

    async with get_engine().connect() as blocker:
        # Hold a lock that the node's RUNNING record (written after 0.2 s) must wait for.
        if POSTGRES:
            await blocker.execute(
                text("SELECT id FROM graph_executions WHERE id = :id FOR UPDATE"), {"id": execution_id}
            )
        task = asyncio.create_task(GraphRunner(execution_id).run())
        await asyncio.sleep(0.1)
        if not POSTGRES:
            await blocker.exec_driver_sql("BEGIN IMMEDIATE")
        await asyncio.sleep(1.6)  # the time limit (1 s) cancels the node while its write waits
        await blocker.rollback()
    started = time.perf_counter()
    assert await asyncio.wait_for(task, 10) == "FAILED"
    assert time.perf_counter() - started < 2
    result = await finished(user, execution_id)
    assert result.status == "FAILED" and "longer than 1 seconds" in result.error


async def test_stop_through_the_api_with_embedded_workers(client):
    """The real path: the API starts a busy run on the embedded workers, a person presses Stop."""
    from workers.embedded import EmbeddedWorkers

    workers = EmbeddedWorkers(threads=2)
    assert workers.start()
    try:
        headers = bearer(await token_for(client))
        graph = (await client.post("/api/v1/graphs", json=many_short_nodes(), headers=headers)).json()
        run = (await client.post(f"/api/v1/graphs/{graph['id']}/executions", json={}, headers=headers)).json()
        for _ in range(1000):
            if len(await node_rows(run["id"])) >= 12:
                break
            await asyncio.sleep(0.02)
        stop = await client.post(f"/api/v1/executions/{run['id']}/stop", headers=headers)
        acknowledged, acknowledged_clock = utcnow(), time.perf_counter()
        assert stop.status_code == 200
        for _ in range(100):
            got = (await client.get(f"/api/v1/executions/{run['id']}", headers=headers)).json()
            if got["status"] == "TERMINATED":
                break
            await asyncio.sleep(0.02)
        assert got["status"] == "TERMINATED" and got["error"] == "Stopped by the user."
        assert time.perf_counter() - acknowledged_clock < 2
        late = [r.node_id for r in await node_rows(run["id"]) if r.started_at > acknowledged]
        assert late == [], f"nodes started after the stop was acknowledged: {late}"
    finally:
        workers.stop()
