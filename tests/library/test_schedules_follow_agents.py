"""Archiving or deleting a library agent pauses or deletes its schedules in the same transaction."""

from __future__ import annotations

from autogpt_app.db import session_scope
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.scheduling import service as schedules
from tests.executions.test_runner import make_user
from tests.graphs.helpers import greeting_graph


async def _agent_with_schedule(user):
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(greeting_graph()))
        agent = await library.add_graph(s, user, graph.id, source="created")
        schedule = await schedules.create_schedule(
            s, user, graph_id=graph.id, name="Daily", cron="0 8 * * *", inputs={"name": "Ada"}
        )
    return agent, schedule


async def test_archiving_pauses_and_deleting_removes_schedules():
    user = await make_user()
    agent, schedule = await _agent_with_schedule(user)
    async with session_scope() as s:
        await library.update(s, user, agent.id, is_archived=True)
    async with session_scope() as s:
        assert (await schedules.get_schedule(s, user, schedule.id)).is_active is False
    other_agent, _ = await _agent_with_schedule(user)
    async with session_scope() as s:
        await library.bulk(s, user, [agent.id, other_agent.id], "delete")
    async with session_scope() as s:
        assert await schedules.list_schedules(s, user) == []
