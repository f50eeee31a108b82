"""What the live run page reads for a run, and how it follows one live, on the real database."""

from __future__ import annotations

import asyncio

import pytest

from autogpt_app.auth import service as auth_service
from autogpt_app.bus import execution_channel, get_bus
from autogpt_app.db import session_scope
from autogpt_app.errors import NotFound
from autogpt_app.executions import service
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.ui.states import runs as runs_state
from autogpt_app.ui.states.runs import RunState, _fresh_view, read_run
from tests.graphs.helpers import greeting_graph, iteration_graph
from tests.ui.test_live import Locked, cancelled, wait_until
from tests.ui.test_marketplace_state import call, state_for


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
    # The picture of the run shows each step's state.
    assert {k: v["status"] for k, v in view.node_states.items()} == {n: "COMPLETED" for n in ("in", "tpl", "out")}
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
    assert await _fresh_view("not-a-token", run_id, 1, "UTC") is None
    token = auth_service.issue_token(owner)
    assert (await _fresh_view(token, run_id, 1, "UTC")).status == "COMPLETED"
    assert await _fresh_view(auth_service.issue_token(other), run_id, 1) is None


async def test_the_run_page_follows_a_run_live_until_it_is_final(monkeypatch):
    """The page's own background task: a queued run is shown, then its end, without a reload."""
    monkeypatch.setattr(runs_state, "FALLBACK_READ_INTERVAL", 60.0)  # only events can update it in time
    user = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
        await library.add_graph(s, user, graph.id, source="created")
        run = await service.add_graph_execution(s, user, graph.id, inputs={"name": "Ada"})
    page = state_for(RunState, user, f"/runs/{run.id}")
    event = await call(page, "load")
    assert page.page_status == "ready" and page.status == "QUEUED" and page.live
    assert event.fn.__name__ == RunState.follow.fn.__name__
    task = asyncio.create_task(RunState.follow.fn(Locked(page)))
    try:
        await wait_until(lambda: get_bus().subscriber_count == 1)
        assert await GraphRunner(run.id).run() == "COMPLETED"
        await asyncio.wait_for(task, 5)  # final: the task ends by itself
    finally:
        if not task.done():
            await cancelled(task)
    assert page.status == "COMPLETED" and not page.live and page.is_final
    assert [o.text for o in page.outputs] == ["Hello Ada!"] and len(page.nodes) == 3


async def test_a_newer_load_of_the_run_page_takes_over(monkeypatch):
    monkeypatch.setattr(runs_state, "FALLBACK_READ_INTERVAL", 60.0)
    user = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
        run = await service.add_graph_execution(s, user, graph.id, inputs={"name": "Ada"})
    page = state_for(RunState, user, f"/runs/{run.id}")
    await call(page, "load")
    task = asyncio.create_task(RunState.follow.fn(Locked(page)))
    try:
        await wait_until(lambda: get_bus().subscriber_count == 1)
        await call(page, "load")  # the tab reloaded: a newer task follows now
        assert page.live
        await get_bus().publish(execution_channel(run.id), "status", {})
        await asyncio.wait_for(task, 3)  # the old task sees it was replaced and stops
    finally:
        if not task.done():
            await cancelled(task)
    assert page.live and get_bus().subscriber_count == 0  # the flag belongs to the newer task


async def test_a_retried_step_shows_why_on_the_run_page(monkeypatch):
    """A step that failed once and was tried again (``retry``) says so on its row of the run page."""
    from autogpt_app.blocks.registry import find_block
    from autogpt_app.blocks.sdk import BlockError
    from autogpt_app.settings import get_settings
    from tests.graphs.helpers import FILL

    template = type(find_block(FILL))
    real_run = template.run
    attempts = []

    async def flaky_run(self, input, context):
        attempts.append(1)
        if len(attempts) == 1:
            raise BlockError("The template service hiccuped.")
        async for pin, value in real_run(self, input, context):
            yield pin, value

    monkeypatch.setattr(template, "run", flaky_run)
    monkeypatch.setattr(get_settings(), "node_retry_base_seconds", 0)
    doc = greeting_graph()
    doc["nodes"][1]["input_default"]["retry"] = 2
    user = await make_user()
    run_id = await run_to_end(user, doc, name="Ada")
    async with session_scope() as s:
        view = await read_run(s, user, run_id, 1)
    step = next(n for n in view.nodes if n.node_id == "tpl")
    assert step.status == "COMPLETED" and step.outputs == "output: Hello Ada!"
    assert step.notes == ["Attempt 1 of 3 failed: The template service hiccuped; tried again after 0 s."]
