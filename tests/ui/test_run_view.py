"""What the live run page reads for a run, on the real database."""

from __future__ import annotations

import pytest

from autogpt_app.auth import service as auth_service
from autogpt_app.db import session_scope
from autogpt_app.errors import NotFound
from autogpt_app.executions import service
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.ui.states import runs as runs_state
from autogpt_app.ui.states.runs import _fresh_view, read_run
from tests.graphs.helpers import greeting_graph, iteration_graph


async def make_user(email: str = "ada@example.com"):
    async with session_scope() as s:
        return await auth_service.signup(s, email=email, display_name="Ada", password="violet-harbour-42")


async def run_to_end(user, doc, **inputs) -> str:
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        await library.add_graph(s, user, graph.id, source="created")
        run = await service.add_graph_execution(s, user, graph.id, inputs=inputs)
    assert await GraphRunner(run.id).run() == "COMPLETED"
    return run.id


async def test_a_finished_run_reads_with_results_steps_and_inputs():
    user = await make_user()
    run_id = await run_to_end(user, greeting_graph(), name="Ada")
    async with session_scope() as s:
        view = await read_run(s, user, run_id, 1)
        agent = (await library.list_library(s, user)).items[0]
    assert view.status == "COMPLETED" and view.agent_name == "Greeter"
    assert view.agent_href == f"/library/agent/{agent.id}"
    assert [(o.title, o.kind, o.text) for o in view.outputs] == [("greeting", "text", "Hello Ada!")]
    assert [(n.node_id, n.block_name, n.status) for n in view.nodes] == [
        ("in", "Short text input", "COMPLETED"),
        ("tpl", "Fill text template", "COMPLETED"),
        ("out", "Agent output", "COMPLETED"),
    ]
    assert view.nodes[1].outputs == "output: Hello Ada!"
    assert [(i.name, i.value) for i in view.inputs] == [("name", "Ada")]
    assert view.duration != "—" and view.ended.endswith("UTC")


async def test_node_pages_are_clamped(monkeypatch):
    monkeypatch.setattr(runs_state, "NODES_PAGE_SIZE", 2)
    user = await make_user()
    run_id = await run_to_end(user, iteration_graph())
    async with session_scope() as s:
        first = await read_run(s, user, run_id, 1)
        past_the_end = await read_run(s, user, run_id, 99)
    assert len(first.nodes) == 2 and first.node_total > 4
    assert past_the_end.node_page == -(-first.node_total // 2) and past_the_end.nodes


async def test_another_users_run_is_not_found_and_a_dead_session_reads_nothing():
    owner, other = await make_user(), await make_user("bob@example.com")
    run_id = await run_to_end(owner, greeting_graph(), name="Ada")
    async with session_scope() as s:
        with pytest.raises(NotFound):
            await read_run(s, other, run_id, 1)
    assert await _fresh_view("not-a-token", run_id, 1) is None
    token = auth_service.issue_token(owner)
    assert (await _fresh_view(token, run_id, 1)).status == "COMPLETED"
    assert await _fresh_view(auth_service.issue_token(other), run_id, 1) is None
