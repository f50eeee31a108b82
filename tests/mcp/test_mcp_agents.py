"""How a person's agents become MCP tools: safe names that stay unique and stable; a run that outlasts
the wait is reported as still running (and goes on)."""

from __future__ import annotations

from sqlalchemy import select

from autogpt_app.auth.models import User
from autogpt_app.db import session_scope
from autogpt_app.mcp import agents
from autogpt_app.mcp.runs import start_run, wait_for_run
from tests.api.test_accounts_api import bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import echo_graph, slow_graph


def test_names_are_safe_and_short():
    assert agents.slug("Weekly report: sales & costs!") == "Weekly_report_sales_costs"
    assert agents.slug("  ") == agents.slug("???") == "agent"
    assert agents.slug("Ünïcode Agent") == "Unicode_Agent"
    assert agents.slug("天气") == "agent"
    long = agents.slug("x" * 100)
    assert len(long) == 64


async def _user() -> User:
    async with session_scope(reading=True) as session:
        return (await session.execute(select(User))).scalar_one()


async def test_clashing_names_get_a_stable_suffix_and_archived_agents_are_left_out(client):
    token = await token_for(client)
    first = await make_graph(client, token, echo_graph("list_runs"))  # a platform tool's name
    await make_graph(client, token, echo_graph("Daily digest"))
    await make_graph(client, token, echo_graph("Daily digest"))
    user = await _user()
    async with session_scope(reading=True) as session:
        names = [tool.name for tool in await agents.agent_tools(session, user)]
        again = [tool.name for tool in await agents.agent_tools(session, user)]
    assert names == again
    assert names[0].startswith("list_runs_") and names[1] == "Daily_digest" and names[2].startswith("Daily_digest_")
    assert len(set(names)) == 3

    library = (await client.get("/api/v1/library/agents", headers=bearer(token))).json()
    entry = next(item for item in library["items"] if item["graph_id"] == first["id"])
    r = await client.patch(f"/api/v1/library/agents/{entry['id']}", json={"is_archived": True}, headers=bearer(token))
    assert r.status_code == 200, r.text
    async with session_scope(reading=True) as session:
        assert [tool.name for tool in await agents.agent_tools(session, user)] == names[1:]


async def test_a_run_that_outlasts_the_wait_is_still_running_and_goes_on(client):
    token = await token_for(client)
    await make_graph(client, token, slow_graph(30))
    user = await _user()
    async with session_scope(reading=True) as session:
        (tool,) = await agents.agent_tools(session, user)
    run_id = await start_run(user, tool, {})
    outcome = await wait_for_run(user, run_id, max_seconds=0.5)  # no worker here: it waits in the queue
    assert not outcome.finished and outcome.summary() == {"run_id": run_id, "status": "QUEUED", "outputs": {}}
    r = await client.get(f"/api/v1/executions/{run_id}", headers=bearer(token))
    assert r.json()["status"] == "QUEUED"  # not stopped by the answer
