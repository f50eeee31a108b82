"""A new version that carries sub-agents (``add_version_with_subgraphs``): its sub-agents become the
user's own agents, saved in the order they use each other, and the new version runs through them;
another user's agent or an invalid sub-agent is refused before anything is saved."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service as runs
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import Graph
from autogpt_app.graphs.spec import GraphSpec
from tests.executions.test_runner import finished, make_user
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, echo_graph, greeting_graph, link, node

SUBAGENT = graphs.SUBAGENT_BLOCK_ID


def calls(name: str, graph_id: str, pin: str, output: str) -> dict:
    """An agent whose input ``pin`` goes to sub-agent ``graph_id`` and whose output ``output`` is its greeting."""
    return {
        "name": name,
        "nodes": [
            node("who", SHORT_TEXT, name=pin),
            node("sub", SUBAGENT, graph_id=graph_id, user_id="the-creator"),
            node("out", OUTPUT, name=output),
        ],
        "links": [link("who", "result", "sub", "inputs_#_name"), link("sub", "greeting", "out", "value")],
    }


def nested_spec() -> GraphSpec:
    """main → "outer" → "inner" (a greeter); "outer" is listed first, so it must wait for "inner"."""
    outer = {**calls("Outer", "inner-id", "name", "greeting"), "id": "outer-id"}
    inner = {**greeting_graph(), "name": "Inner", "id": "inner-id"}
    return GraphSpec.model_validate(
        {**calls("Greeter v2", "outer-id", "who", "from_child"), "sub_graphs": [outer, inner]}
    )


async def owned_count(session, user) -> int:
    return (
        await session.execute(select(func.count()).select_from(Graph).where(Graph.owner_id == user.id))
    ).scalar_one()


def sub_node(graph) -> dict:
    return next(n for n in graph.nodes if n["id"] == "sub")["input_default"]


async def test_the_new_version_runs_through_the_users_own_copies_of_its_sub_agents():
    ada = await make_user()
    async with session_scope() as s:
        agent = await graphs.create_graph(s, ada, GraphSpec.model_validate(echo_graph()))
        saved = await graphs.add_version_with_subgraphs(s, ada, agent.id, nested_spec())
    assert (saved.id, saved.version, saved.active_version, saved.name) == (agent.id, 2, 2, "Greeter v2")
    assert saved.sub_graphs == []  # the sub-agents are agents of their own now
    async with session_scope() as s:
        assert await owned_count(s, ada) == 3
        outer_ref = sub_node(saved)
        assert outer_ref["graph_id"] not in ("outer-id", agent.id) and outer_ref["graph_version"] == 1
        assert "user_id" not in outer_ref
        outer = await graphs.get_graph(s, ada, outer_ref["graph_id"])
        inner = await graphs.get_graph(s, ada, sub_node(outer)["graph_id"])
        assert (outer.name, inner.name) == ("Outer", "Inner")
        assert [v.version for v in await graphs.list_versions(s, ada, agent.id)] == [2, 1]
        execution = await runs.add_graph_execution(s, ada, agent.id, inputs={"who": "Ada"})
    assert await asyncio.wait_for(GraphRunner(execution.id).run(), 30) == "COMPLETED"
    assert (await finished(ada, execution.id)).outputs == {"from_child": ["Hello Ada!"]}


async def test_another_users_agent_is_refused_before_any_sub_agent_is_saved():
    ada, bob = await make_user(), await make_user("bob@example.com")
    async with session_scope() as s:
        agent = await graphs.create_graph(s, ada, GraphSpec.model_validate(echo_graph()))
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await graphs.add_version_with_subgraphs(s, bob, agent.id, nested_spec())
        assert await owned_count(s, bob) == 0  # not even inside the transaction the caller rolls back


async def test_an_invalid_sub_agent_is_refused_before_anything_is_saved():
    ada = await make_user()
    async with session_scope() as s:
        agent = await graphs.create_graph(s, ada, GraphSpec.model_validate(echo_graph()))
    spec = nested_spec()
    spec.sub_graphs[1].links.append(spec.sub_graphs[1].links[0].model_copy(update={"sink_id": "nowhere"}))
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await graphs.add_version_with_subgraphs(s, ada, agent.id, spec)
        assert err.value.code == "invalid_graph" and "Sub-agent 'Inner'" in err.value.message
        assert await owned_count(s, ada) == 1
    async with session_scope() as s:
        assert (await graphs.get_graph(s, ada, agent.id)).latest_version == 1
