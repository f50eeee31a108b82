"""A block an administrator disabled after an agent was saved: runs of that agent are refused when
they start (API, schedules, sub-agents), and a run queued before the block was disabled fails with a
readable error instead of running any of its nodes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from autogpt_app.blocks.registry import find_block
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.executions import service
from autogpt_app.executions.models import GraphExecution, NodeExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.service import SUBAGENT_BLOCK_ID
from autogpt_app.graphs.spec import GraphSpec
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.executions.test_runner import finished, make_user, start
from tests.graphs.helpers import FILL, greeting_graph, node
from tests.scheduling.test_service import fire_at, make_due, make_graph, schedule

#: The template block the greeting agent uses, as a person reads it in the refusal.
FILL_NAME = "Fill text template"


@pytest.fixture
def disable_fill(monkeypatch: pytest.MonkeyPatch):
    """Returns a switch that disables the template block (as an administrator would), undone after the test."""

    def switch() -> None:
        monkeypatch.setattr(type(find_block(FILL)), "disabled", True)

    return switch


async def count(model) -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_api_refuses_to_start_a_run_and_names_the_block(client, disable_fill):
    token = await token_for(client)
    graph = (await client.post("/api/v1/graphs", json=greeting_graph(), headers=bearer(token))).json()
    disable_fill()
    response = await client.post(
        f"/api/v1/graphs/{graph['id']}/executions", json={"inputs": {"name": "Ada"}}, headers=bearer(token)
    )
    err = assert_error(response, 422, "block_disabled")
    assert f"'{FILL_NAME}'" in err["message"] and "disabled" in err["message"]
    assert err["details"] == [{"block_id": FILL, "name": FILL_NAME, "node_id": "tpl"}]
    assert await count(GraphExecution) == 0


async def test_the_service_refusal_is_the_same_for_every_caller(disable_fill):
    user = await make_user()
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
    disable_fill()
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await service.add_graph_execution(s, user, graph.id, inputs={"name": "Ada"})
    assert err.value.code == "block_disabled" and FILL_NAME in err.value.message


async def test_a_schedule_firing_is_refused_and_the_owner_is_told_why(disable_fill):
    user = await make_user()
    graph = await make_graph(user, greeting_graph())
    created = await schedule(user, graph, inputs={"name": "Ada"}, cron="* * * * *")
    disable_fill()
    due = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    await make_due(created.id, due)
    result = await fire_at(created.id, due)
    assert result.outcome == "failed" and f"'{FILL_NAME}'" in result.error
    assert await count(GraphExecution) == 0


async def test_a_run_queued_before_the_block_was_disabled_fails_without_running_a_node(disable_fill):
    user = await make_user()
    execution_id = await start(user, greeting_graph(), name="Ada")
    disable_fill()
    assert await GraphRunner(execution_id).run() == "FAILED"
    result = await finished(user, execution_id)
    assert result.status == "FAILED" and f"'{FILL_NAME}'" in result.error and "disabled" in result.error
    assert result.nodes == [] and await count(NodeExecution) == 0


async def test_a_sub_agent_with_a_disabled_block_does_not_start(disable_fill):
    user = await make_user()
    async with session_scope() as s:
        child = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
    parent = {"name": "Parent", "nodes": [node("sub", SUBAGENT_BLOCK_ID, graph_id=child.id, inputs={"name": "Ada"})]}
    async with session_scope() as s:
        made = await graphs.create_graph(s, user, GraphSpec.model_validate(parent))
        run = await service.add_graph_execution(s, user, made.id)
    disable_fill()
    assert await GraphRunner(run.id).run() == "FAILED"
    result = await finished(user, run.id)
    assert "sub-agent cannot start" in result.error and f"'{FILL_NAME}'" in result.error
    assert await count(GraphExecution) == 1  # no child run was written


async def test_the_runner_refuses_a_disabled_node_that_slips_through(disable_fill):
    """The last guard: a node of a disabled block is refused even if the start check was passed."""
    from autogpt_app.executions.dataflow import ReadyRun

    runner = GraphRunner("no-such-run")
    runner.user_id, runner.depth, runner.credentials = "nobody", 0, {}
    disable_fill()
    item = ReadyRun(node_id="tpl", block_id=FILL, inputs={"format": "x", "values": {}}, order=(0,))
    outputs, error, _notes = await runner._execute_block(item)
    assert error == f"The block '{FILL_NAME}' is disabled on this platform." and outputs == [("error", error)]
