"""Persist / Retrieve information on the real database: one run keeps a value, a later run reads it."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import User
from autogpt_app.blocks.builtin.persistence import PersistInformationBlock, RetrieveInformationBlock
from autogpt_app.blocks.sdk import RunContext, run_block
from autogpt_app.db import session_scope
from autogpt_app.executions import agent_memory
from autogpt_app.executions import service as executions
from autogpt_app.executions.agent_memory import RunValues
from autogpt_app.executions.models import AgentValue
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.models import Graph
from autogpt_app.graphs.spec import GraphSpec
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, link, node

PERSIST = PersistInformationBlock.id
RETRIEVE = RetrieveInformationBlock.id


async def _user(email: str = "mem@example.com") -> User:
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Mem", password="violet-harbour-42")


def _memory_graph(name: str = "Remembers") -> dict:
    """Keeps `value` under `key`, and reads `read_key` (default "nobody") into the output `previous`."""
    return {
        "name": name,
        "nodes": [
            node("key", SHORT_TEXT, name="key"),
            node("value", SHORT_TEXT, name="value"),
            node("read", SHORT_TEXT, name="read_key"),
            node("keep", PERSIST),
            node("get", RETRIEVE, default_value="nobody"),
            node("kept", OUTPUT, name="kept"),
            node("prev", OUTPUT, name="previous"),
        ],
        "links": [
            link("key", "result", "keep", "key"),
            link("value", "result", "keep", "value"),
            link("read", "result", "get", "key"),
            link("keep", "value", "kept", "value"),
            link("get", "value", "prev", "value"),
        ],
    }


async def _run(user: User, graph_id: str, **inputs) -> dict:
    async with session_scope() as s:
        run = await executions.add_graph_execution(s, user, graph_id, inputs=inputs)
    assert await GraphRunner(run.id).run() == "COMPLETED"
    async with session_scope() as s:
        return (await executions.get_execution(s, user, run.id)).outputs


async def test_a_value_kept_by_one_run_is_read_by_the_next_run_of_the_same_agent_only():
    user = await _user()
    async with session_scope() as s:
        agent = await graphs.create_graph(s, user, GraphSpec.model_validate(_memory_graph()))
        other = await graphs.create_graph(s, user, GraphSpec.model_validate(_memory_graph("Other")))

    first = await _run(user, agent.id, key="colour", value="teal", read_key="unused")
    assert first == {"kept": ["teal"], "previous": ["nobody"]}
    second = await _run(user, agent.id, key="unused", value="x", read_key="colour")
    assert second["previous"] == ["teal"]
    # Another agent of the same person does not see a within-agent value.
    assert (await _run(user, other.id, key="k", value="v", read_key="colour"))["previous"] == ["nobody"]

    # Deleting the agent deletes its values; the other agent's stay.
    async with session_scope() as s:
        await s.execute(delete(Graph).where(Graph.id == agent.id))
    async with session_scope() as s:
        graphs_left = (await s.execute(select(AgentValue.graph_id))).scalars().all()
    assert set(graphs_left) == {other.id}


async def test_shared_values_cross_agents_and_go_with_their_user():
    ada, bob = await _user("ada@example.com"), await _user("bob@example.com")
    async with session_scope() as s:
        one = await graphs.create_graph(s, ada, GraphSpec.model_validate(_memory_graph("One")))
        two = await graphs.create_graph(s, ada, GraphSpec.model_validate(_memory_graph("Two")))

    keep = [("value", {"theme": "dark", "sizes": [1, 2]})]
    shared = {"key": "prefs", "value": {"theme": "dark", "sizes": [1, 2]}, "scope": "across_agents"}
    assert await run_block(PersistInformationBlock(), shared, RunContext(store=RunValues(ada.id, one.id))) == keep
    read = {"key": "prefs", "scope": "across_agents", "default_value": "none"}
    assert await run_block(RetrieveInformationBlock(), read, RunContext(store=RunValues(ada.id, two.id))) == keep
    # The same key within an agent is another value; another person sees none of Ada's.
    within = {"key": "prefs", "default_value": "none"}
    assert await run_block(RetrieveInformationBlock(), within, RunContext(store=RunValues(ada.id, two.id))) == [
        ("value", "none")
    ]
    assert await run_block(RetrieveInformationBlock(), read, RunContext(store=RunValues(bob.id, None))) == [
        ("value", "none")
    ]
    # Storing again replaces; storing nothing forgets.
    store = RunValues(ada.id, one.id)
    await store.put("prefs", 3, across_agents=True)
    assert await store.get("prefs", across_agents=True) == 3
    await store.put("prefs", None, across_agents=True)
    assert await store.get("prefs", across_agents=True) is None

    await store.put("prefs", "kept", across_agents=True)
    async with session_scope() as s:
        await s.execute(delete(User).where(User.id == ada.id))
    async with session_scope() as s:
        assert (await s.execute(select(AgentValue))).scalars().all() == []


async def test_limits_are_readable_errors(monkeypatch: pytest.MonkeyPatch):
    user = await _user()
    async with session_scope() as s:
        agent = await graphs.create_graph(s, user, GraphSpec.model_validate(_memory_graph()))
    context = RunContext(store=RunValues(user.id, agent.id))

    big = {"key": "k", "value": "x" * 100_001}
    [(pin, message)] = await run_block(PersistInformationBlock(), big, context)
    assert pin == "error" and "too large to keep" in message and "100,000 bytes" in message
    [(pin, message)] = await run_block(PersistInformationBlock(), {"key": "  ", "value": 1}, context)
    assert (pin, message) == ("error", "Give the key to keep the value under.")
    [(pin, message)] = await run_block(PersistInformationBlock(), {"key": "k", "value": float("nan")}, context)
    assert pin == "error" and "cannot be kept" in message

    monkeypatch.setattr(agent_memory, "MAX_KEYS_PER_USER", 2)
    for key in ("a", "b"):
        await context.store.put(key, 1, across_agents=False)
    await context.store.put("a", 2, across_agents=False)  # replacing is always allowed
    [(pin, message)] = await run_block(PersistInformationBlock(), {"key": "c", "value": 1}, context)
    assert pin == "error" and "the most allowed" in message

    # A run outside an agent has only shared values.
    [(pin, message)] = await run_block(
        RetrieveInformationBlock(), {"key": "a"}, RunContext(store=RunValues(user.id, None))
    )
    assert pin == "error" and "shared by all agents" in message
