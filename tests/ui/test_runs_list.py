"""The list of runs: what a page reads, and how it follows the user's runs live, on the real database."""

from __future__ import annotations

import asyncio

from autogpt_app.bus import get_bus, user_channel
from autogpt_app.db import session_scope
from autogpt_app.executions import service
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.ui.states import runs_list
from autogpt_app.ui.states.runs_list import RunsListState, _fresh_runs_page, read_runs_page
from tests.graphs.helpers import greeting_graph
from tests.ui.test_live import Locked, cancelled, wait_until
from tests.ui.test_marketplace_state import call, state_for
from tests.ui.test_run_view import make_user, run_to_end


async def queued_run(user) -> str:
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
        await library.add_graph(s, user, graph.id, source="created")
        return (await service.add_graph_execution(s, user, graph.id, inputs={"name": "Ada"})).id


async def test_a_page_of_runs_reads_relative_times_with_the_exact_local_time_behind():
    user = await make_user()
    run_id = await run_to_end(user, greeting_graph(), name="Ada")
    async with session_scope() as s:
        found = await read_runs_page(s, user, 1, "Asia/Tokyo")
    [row] = found.rows
    assert (found.page, found.total, row.id, row.status) == (1, 1, run_id, "COMPLETED")
    assert row.started == "just now" and row.started_full.endswith(" JST")
    async with session_scope() as s:
        assert (await read_runs_page(s, user, 9)).page == 1  # past the end: the last page
    assert await _fresh_runs_page("not-a-token", 1, "UTC") is None


async def test_the_runs_list_turns_a_running_run_completed_without_a_reload(monkeypatch):
    monkeypatch.setattr(runs_list, "LIST_FALLBACK_INTERVAL", 60.0)  # only events can update it in time
    user = await make_user()
    run_id = await queued_run(user)
    page = state_for(RunsListState, user, "/runs")
    event = await call(page, "load")
    assert [r.status for r in page.rows] == ["QUEUED"] and page.loaded
    assert event.fn.__name__ == RunsListState.follow.fn.__name__
    task = asyncio.create_task(RunsListState.follow.fn(Locked(page)))
    try:
        await wait_until(lambda: get_bus().subscriber_count == 1)
        await wait_until(lambda: page.live)
        assert await GraphRunner(run_id).run() == "COMPLETED"
        await wait_until(lambda: page.rows[0].status == "COMPLETED")
        second = await queued_run(user)
        await GraphRunner(second).run()  # a run started elsewhere shows up too
        await wait_until(lambda: page.total == 2)
        await call(page, "load")  # a newer load takes over: the old task stops at its next wake-up
        await get_bus().publish(user_channel(user.id), "status", {})
        await asyncio.wait_for(task, 5)
    finally:
        if not task.done():
            await cancelled(task)
    assert page.rows[0].id == second
