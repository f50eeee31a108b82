"""The runner on the real database: results, node records, failures, stop, resume, limits, owners."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import select

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions import service
from autogpt_app.executions.models import GraphExecution, NodeExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from tests.graphs.helpers import CALC, OUTPUT, greeting_graph, iteration_graph, link, node, slow_graph


async def make_user(email="ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def start(user, doc, **inputs) -> str:
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await service.add_graph_execution(s, user, graph.id, inputs=inputs)
    return run.id


async def finished(user, execution_id):
    async with session_scope() as s:
        return await service.get_execution(s, user, execution_id)


async def test_runs_a_graph_and_records_every_node():
    user = await make_user()
    execution_id = await start(user, greeting_graph(), name="Ada")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.status == "COMPLETED" and result.outputs == {"greeting": ["Hello Ada!"]}
    assert [n.node_id for n in result.nodes] == ["in", "tpl", "out"]
    assert all(n.status == "COMPLETED" and n.ended_at >= n.started_at for n in result.nodes)
    assert result.nodes[1].inputs == {"format": "Hello {{ name }}!", "values": {"name": "Ada"}}
    assert result.nodes[1].outputs == [["output", "Hello Ada!"]]
    # A finished execution is not run again by a duplicate message.
    assert await GraphRunner(execution_id).run() is None


async def test_iteration_runs_once_per_item():
    user = await make_user()
    execution_id = await start(user, iteration_graph())
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs["lines"] == ["> 0:a", "> 1:b", "> 2:c"]


async def test_missing_inputs_are_refused_with_details():
    user = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await service.add_graph_execution(s, user, graph.id, inputs={})
        assert err.value.code == "inputs_missing" and err.value.details[0]["input"] == "name"
        with pytest.raises(InvalidInput, match="no input named 'bogus'"):
            await service.add_graph_execution(s, user, graph.id, inputs={"name": "x", "bogus": 1})
    async with session_scope() as s:
        assert (await s.execute(select(GraphExecution))).scalars().all() == []


async def test_a_failing_node_fails_the_run_with_a_readable_error():
    user = await make_user()
    doc = {
        "name": "Divide by zero",
        "nodes": [node("calc", CALC, operation="Divide", a=1, b=0), node("out", OUTPUT, name="r")],
        "links": [link("calc", "result", "out", "value")],
    }
    execution_id = await start(user, doc)
    assert await GraphRunner(execution_id).run() == "FAILED"
    result = await finished(user, execution_id)
    # Written for a person: the step's name, not the node id or the enum of a block.
    assert result.error.startswith("The Calculator step failed: ") and "zero" in result.error.lower()
    assert "Node '" not in result.error
    assert result.nodes[0].status == "FAILED" and "Traceback" not in (result.nodes[0].error or "")


async def test_stop_terminates_a_sleeping_node_within_two_seconds():
    user = await make_user()
    execution_id = await start(user, slow_graph(30))
    task = asyncio.create_task(GraphRunner(execution_id).run())
    for _ in range(50):
        await asyncio.sleep(0.1)
        if (await finished(user, execution_id)).status == "RUNNING":
            break
    async with session_scope() as s:
        await service.stop_execution(s, user, execution_id)
    stopped_at = time.perf_counter()
    assert await asyncio.wait_for(task, 5) == "TERMINATED"
    assert time.perf_counter() - stopped_at < 2
    result = await finished(user, execution_id)
    assert result.status == "TERMINATED" and result.nodes[0].status == "TERMINATED"
    async with session_scope() as s:
        with pytest.raises(Conflict):
            await service.stop_execution(s, user, execution_id)


async def test_stop_before_start_ends_a_queued_run_at_once():
    user = await make_user()
    execution_id = await start(user, slow_graph(30))
    async with session_scope() as s:
        assert (await service.stop_execution(s, user, execution_id)).status == "TERMINATED"
    assert await GraphRunner(execution_id).run() is None


async def test_node_timeout_and_run_limits(monkeypatch):
    from autogpt_app.blocks.registry import find_block
    from autogpt_app.settings import get_settings
    from tests.graphs.helpers import DELAY

    user = await make_user()
    monkeypatch.setattr(type(find_block(DELAY)), "timeout_seconds", 0.3)
    execution_id = await start(user, slow_graph(5))
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert "too long" in (await finished(user, execution_id)).error

    monkeypatch.setattr(get_settings(), "max_node_runs", 3)
    execution_id = await start(user, iteration_graph())
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert "limit of 3 node runs" in (await finished(user, execution_id)).error


async def test_resume_reuses_completed_node_runs():
    """A worker died after 'in' and 'tpl' completed: the next worker runs only 'out'."""
    user = await make_user()
    execution_id = await start(user, greeting_graph(), name="Ada")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    async with session_scope() as s:
        rows = (await s.execute(select(NodeExecution).order_by(NodeExecution.seq))).scalars().all()
        first_ids = [r.id for r in rows]
        # Pretend the last node never finished and the run is still going with an expired lease.
        await s.delete(rows[-1])
        run = await s.get(GraphExecution, execution_id)
        run.status, run.outputs, run.ended_at = "RUNNING", {}, None
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"greeting": ["Hello Ada!"]}
    assert [n.id for n in result.nodes][:2] == first_ids[:2]  # not executed again
    assert len(result.nodes) == 3


async def test_other_users_runs_are_not_found():
    owner = await make_user()
    other = await make_user("bob@example.com")
    execution_id = await start(owner, greeting_graph(), name="Ada")
    async with session_scope() as s:
        for call in (service.get_execution(s, other, execution_id), service.stop_execution(s, other, execution_id)):
            with pytest.raises(NotFound):
                await call
        assert await service.list_executions(s, other) == []
        graph_id = (await service.get_execution(s, owner, execution_id)).graph_id
        with pytest.raises(NotFound):
            await service.add_graph_execution(s, other, graph_id, inputs={"name": "x"})


@pytest.mark.parametrize("seconds", [0, 0.5], ids=["quick node", "node recorded while running"])
async def test_a_blocks_notes_are_kept_with_its_node_run(monkeypatch, seconds):
    """What a block tells the person (a replaced model, a retry) is on the node run, secrets scrubbed."""
    from autogpt_app.blocks.registry import find_block
    from tests.graphs.helpers import DELAY

    delay = type(find_block(DELAY))

    async def noting_run(self, input, context):
        context.note("The model 'claude-3' is not served here;   used 'gpt-4o-mini'.")
        context.note("x" * 800)
        await asyncio.sleep(input.seconds)
        yield "data", input.data

    monkeypatch.setattr(delay, "run", noting_run)
    user = await make_user()
    execution_id = await start(user, slow_graph(seconds))
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    wait = next(n for n in (await finished(user, execution_id)).nodes if n.node_id == "wait")
    assert wait.notes[0] == "The model 'claude-3' is not served here; used 'gpt-4o-mini'."
    assert len(wait.notes[1]) == 500 and wait.notes[1].endswith("…")
