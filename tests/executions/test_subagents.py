"""Sub-agents: run as the owner, pass results on, nest at most five deep, stop with their parent,
and travel inside exports and AutoGPT-style imports."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.models import GraphExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from tests.executions.test_runner import finished, make_user
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, greeting_graph, link, node, slow_graph

SUBAGENT = "e189baac-8c20-45a1-94a7-55177ea42565"


def parent_graph(child_id: str, **inputs) -> dict:
    return {
        "name": "Parent",
        "nodes": [
            node("who", SHORT_TEXT, name="who"),
            node("sub", SUBAGENT, graph_id=child_id, user_id="someone-else", inputs=inputs),
            node("out", OUTPUT, name="from_child"),
        ],
        "links": [link("who", "result", "sub", "inputs_#_name"), link("sub", "greeting", "out", "value")],
    }


async def save(user, doc):
    async with session_scope() as s:
        return await graphs.create_graph(s, user, GraphSpec.model_validate(doc))


async def run(user, graph_id, **inputs):
    async with session_scope() as s:
        execution = await service.add_graph_execution(s, user, graph_id, inputs=inputs)
    return execution.id


async def test_subagent_results_flow_into_the_parent():
    user = await make_user()
    child = await save(user, greeting_graph())
    parent = await save(user, parent_graph(child.id))
    execution_id = await run(user, parent.id, who="Ada")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.outputs == {"from_child": ["Hello Ada!"]}
    async with session_scope() as s:
        [child_run] = (
            (await s.execute(select(GraphExecution).where(GraphExecution.parent_execution_id == execution_id)))
            .scalars()
            .all()
        )
    assert child_run.user_id == user.id and child_run.depth == 1 and child_run.status == "COMPLETED"


async def test_another_users_agent_cannot_be_run_as_a_subagent():
    owner = await make_user()
    other = await make_user("bob@example.com")
    foreign = await save(other, greeting_graph())
    parent = await save(owner, parent_graph(foreign.id))
    execution_id = await run(owner, parent.id, who="Ada")
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert "No such agent" in (await finished(owner, execution_id)).error


async def test_recursion_stops_at_five_levels():
    user = await make_user()
    graph = await save(user, {"name": "Self", "nodes": [node("o", OUTPUT, name="x", value=1)], "links": []})
    doc = {
        "name": "Recursive",
        "nodes": [node("sub", SUBAGENT, graph_id=graph.id), node("out", OUTPUT, name="x")],
        "links": [link("sub", "x", "out", "value")],
    }
    async with session_scope() as s:
        await graphs.add_version(s, user, graph.id, GraphSpec.model_validate(doc))
    execution_id = await run(user, graph.id)
    assert await GraphRunner(execution_id).run() == "FAILED"
    assert "at most 5 deep" in (await finished(user, execution_id)).error
    async with session_scope() as s:
        depths = (await s.execute(select(GraphExecution.depth))).scalars().all()
    assert max(depths) == 5


async def test_stopping_the_parent_stops_the_child():
    user = await make_user()
    child = await save(user, slow_graph(30))
    doc = {"name": "Waits", "nodes": [node("sub", SUBAGENT, graph_id=child.id)], "links": []}
    parent = await save(user, doc)
    execution_id = await run(user, parent.id)
    task = asyncio.create_task(GraphRunner(execution_id).run())
    for _ in range(100):
        await asyncio.sleep(0.05)
        async with session_scope() as s:
            children = (
                (await s.execute(select(GraphExecution).where(GraphExecution.parent_execution_id == execution_id)))
                .scalars()
                .all()
            )
        if children and children[0].status == "RUNNING":
            break
    async with session_scope() as s:
        await service.stop_execution(s, user, execution_id)
    assert await asyncio.wait_for(task, 5) == "TERMINATED"
    async with session_scope() as s:
        [child_run] = (
            (await s.execute(select(GraphExecution).where(GraphExecution.parent_execution_id == execution_id)))
            .scalars()
            .all()
        )
    assert child_run.status == "TERMINATED"


async def test_export_carries_subagents_and_import_recreates_them():
    user = await make_user()
    child = await save(user, greeting_graph())
    parent = await save(user, parent_graph(child.id))
    async with session_scope() as s:
        _name, text = await graphs.export_graph(s, user, parent.id)
    document = json.loads(text)
    assert [g["id"] for g in document["sub_graphs"]] == [child.id]
    other = await make_user("bob@example.com")
    async with session_scope() as s:
        imported = await graphs.import_graph(s, other, text.encode())
    sub_node = next(n for n in imported.nodes if n["block_id"] == SUBAGENT)
    assert sub_node["input_default"]["graph_id"] != child.id  # Bob got his own copy
    async with session_scope() as s:
        assert len(await graphs.list_graphs(s, other)) == 2
    execution_id = await run(other, imported.id, who="Bo")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    assert (await finished(other, execution_id)).outputs == {"from_child": ["Hello Bo!"]}
