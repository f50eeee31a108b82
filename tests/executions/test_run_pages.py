"""Paged run lists, one run's summary, paged node runs, and "run again" on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service
from autogpt_app.executions.models import GraphExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from tests.graphs.helpers import OUTPUT, SHORT_TEXT, greeting_graph, iteration_graph, link, node, slow_graph


async def make_user(email: str = "ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def make_agent(user, doc, *, in_library: bool = True) -> str:
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        if in_library:
            await library.add_graph(s, user, graph.id, source="created")
    return graph.id


async def start(user, graph_id: str, **inputs) -> str:
    async with session_scope() as s:
        return (await service.add_graph_execution(s, user, graph_id, inputs=inputs)).id


async def spread_in_time(ids: list[str]) -> None:
    """Give runs distinct creation times (oldest first), so the order does not hang on clock resolution."""
    async with session_scope() as s:
        base = (await s.get(GraphExecution, ids[0])).created_at
        for i, execution_id in enumerate(ids):
            await s.execute(
                update(GraphExecution)
                .where(GraphExecution.id == execution_id)
                .values(created_at=base + timedelta(seconds=i))
            )


async def test_list_runs_pages_newest_first_with_total_and_agent_names():
    user = await make_user()
    greeter = await make_agent(user, greeting_graph())
    slow = await make_agent(user, slow_graph(30))
    ids = [await start(user, greeter, name=f"n{i}") for i in range(3)] + [await start(user, slow)]
    await spread_in_time(ids)
    async with session_scope() as s:
        first = await service.list_runs(s, user, limit=2)
        second = await service.list_runs(s, user, offset=2, limit=2)
        only_greeter = await service.list_runs(s, user, graph_id=greeter, limit=10)
        entry = next(a for a in (await library.list_library(s, user)).items if a.graph_id == greeter)
    assert first.total == 4 and second.total == 4 and (first.offset, first.limit) == (0, 2)
    assert [r.id for r in first.items + second.items] == list(reversed(ids))
    assert first.items[0].agent_name == "Slow" and first.items[0].status == "QUEUED"
    assert only_greeter.total == 3 and [r.id for r in only_greeter.items] == list(reversed(ids[:3]))
    assert {r.agent_name for r in only_greeter.items} == {"Greeter"}
    assert {r.library_agent_id for r in only_greeter.items} == {entry.id}


async def test_list_runs_uses_the_library_name_and_survives_a_removed_entry():
    user = await make_user()
    graph_id = await make_agent(user, greeting_graph())
    run_id = await start(user, graph_id, name="A")
    async with session_scope() as s:
        entry = (await library.list_library(s, user)).items[0]
        await library.update(s, user, entry.id, name="My greeter")
    async with session_scope() as s:
        assert (await service.list_runs(s, user)).items[0].agent_name == "My greeter"
        await library.delete(s, user, entry.id)
    async with session_scope() as s:
        item = (await service.list_runs(s, user)).items[0]
    assert item.id == run_id and item.agent_name == "Greeter" and item.library_agent_id is None


async def test_list_runs_is_per_user_and_clamps_paging():
    owner, other = await make_user(), await make_user("bob@example.com")
    graph_id = await make_agent(owner, greeting_graph())
    await start(owner, graph_id, name="A")
    async with session_scope() as s:
        assert (await service.list_runs(s, other)).total == 0
        assert (await service.list_runs(s, other, graph_id=graph_id)).items == []
        page = await service.list_runs(s, owner, offset=-5, limit=10_000)
    assert page.offset == 0 and page.limit == service.MAX_PAGE and page.total == 1


async def test_sub_agent_runs_are_not_listed():
    user = await make_user()
    graph_id = await make_agent(user, greeting_graph())
    parent = await start(user, graph_id, name="A")
    async with session_scope() as s:
        s.add(
            GraphExecution(
                graph_id=graph_id, graph_version=1, user_id=user.id, inputs={"name": "B"}, parent_execution_id=parent
            )
        )
    async with session_scope() as s:
        page = await service.list_runs(s, user)
    assert page.total == 1 and [r.id for r in page.items] == [parent]


async def test_run_summary_has_output_titles_and_refuses_other_users():
    user, other = await make_user(), await make_user("bob@example.com")
    doc = {
        "name": "Titled",
        "nodes": [
            node("in", SHORT_TEXT, name="topic"),
            node("out", OUTPUT, name="echo", title="The echo"),
            node("raw", OUTPUT, name="raw"),
        ],
        "links": [link("in", "result", "out", "value"), link("in", "result", "raw", "value")],
    }
    graph_id = await make_agent(user, doc, in_library=False)
    run_id = await start(user, graph_id, topic="hi")
    async with session_scope() as s:
        summary = await service.get_run_summary(s, user, run_id)
        with pytest.raises(NotFound):
            await service.get_run_summary(s, other, run_id)
        with pytest.raises(NotFound):
            await service.get_run_summary(s, user, "no-such-run")
    assert summary.output_titles == {"echo": "The echo", "raw": "raw"}
    assert summary.agent_name == "Titled" and summary.library_agent_id is None


async def test_node_runs_come_in_pages_in_order():
    user, other = await make_user(), await make_user("bob@example.com")
    graph_id = await make_agent(user, iteration_graph())
    run_id = await start(user, graph_id)
    assert await GraphRunner(run_id).run() == "COMPLETED"
    async with session_scope() as s:
        everything = await service.list_node_executions(s, user, run_id, limit=100)
        first = await service.list_node_executions(s, user, run_id, limit=3)
        rest = await service.list_node_executions(s, user, run_id, offset=3, limit=100)
        with pytest.raises(NotFound):
            await service.list_node_executions(s, other, run_id)
    assert everything.total == len(everything.items) == first.total
    assert len(first.items) == 3
    assert [n.seq for n in first.items + rest.items] == sorted(n.seq for n in everything.items)


async def test_run_again_uses_the_same_inputs_version_and_credentials():
    user, other = await make_user(), await make_user("bob@example.com")
    graph_id = await make_agent(user, greeting_graph())
    first = await start(user, graph_id, name="Ada")
    async with session_scope() as s:
        again = await service.rerun_execution(s, user, first)
        with pytest.raises(NotFound):
            await service.rerun_execution(s, other, first)
    assert again.id != first and again.status == "QUEUED"
    assert again.inputs == {"name": "Ada"} and again.graph_version == 1 and again.graph_id == graph_id
    async with session_scope() as s:
        rows = (await s.execute(select(GraphExecution).where(GraphExecution.user_id == user.id))).scalars().all()
    assert len(rows) == 2


async def test_run_again_with_a_deleted_credential_writes_nothing():
    user = await make_user()
    graph_id = await make_agent(user, greeting_graph())
    first = await start(user, graph_id, name="Ada")
    async with session_scope() as s:
        await s.execute(
            update(GraphExecution).where(GraphExecution.id == first).values(credentials={"openai_api_key": "gone"})
        )
    async with session_scope() as s:
        with pytest.raises(InvalidInput):
            await service.rerun_execution(s, user, first)
    async with session_scope() as s:
        assert (await service.list_runs(s, user)).total == 1
