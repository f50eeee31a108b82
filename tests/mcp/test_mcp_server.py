"""The platform as an MCP server, met the way Claude Desktop or an IDE meets it: the SDK's own client
over streamable HTTP against the real app served by granian (its lifespan runs the MCP session
manager and the embedded workers, so runs really execute)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from autogpt_app.blocks.builtin.mcp_tool import McpToolBlock
from tests.api.test_accounts_api import token_for
from tests.api.test_api_key_scopes import make_key
from tests.api.test_graphs_api import make_graph
from tests.graphs.helpers import CALC, OUTPUT, echo_graph, link, node
from tests.mcp.app_server import served_app


@pytest.fixture(scope="module")
def app_url():
    # Loopback allowed: the *Call an MCP tool* block of one agent calls this same app's /mcp.
    with served_app(OUTBOUND_ALLOW_LOOPBACK="true") as url:
        yield url


async def _person(client, email: str, name: str, **key_body) -> tuple[str, str]:
    """Sign up; returns (login token, a new API key with ``key_body``'s scopes)."""
    token = await token_for(client, email, name)
    secret, _ = await make_key(client, token, **key_body)
    return token, secret


@asynccontextmanager
async def _mcp(app_url: str, headers: dict[str, str]):
    """The SDK's streamable HTTP transport, on a client that sends ``headers``."""
    http = httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(30, read=300))
    async with http, streamable_http_client(f"{app_url}/mcp", http_client=http) as streams:
        yield streams


async def _tools(app_url: str, headers: dict[str, str]) -> dict[str, object]:
    async with _mcp(app_url, headers) as (read, write, _), ClientSession(read, write) as mcp:
        await mcp.initialize()
        return {tool.name: tool for tool in (await mcp.list_tools()).tools}


async def test_a_client_lists_only_the_callers_agents_and_runs_one_with_progress(app_url, client):
    ada_token, ada_key = await _person(client, "ada@example.com", "Ada")
    bob_token, _ = await _person(client, "bob@example.com", "Bob")
    await make_graph(client, ada_token, echo_graph("Echo topic!"))
    await make_graph(client, ada_token, echo_graph("Echo topic?"))  # the same slug: told apart by a suffix
    await make_graph(client, bob_token, echo_graph("Bob's secret agent"))

    tools = await _tools(app_url, {"X-API-Key": ada_key})
    agent_names = sorted(name for name in tools if name not in {"find_marketplace_agents", "list_runs", "get_run"})
    assert agent_names[0] == "Echo_topic" and agent_names[1].startswith("Echo_topic_") and len(agent_names) == 2
    assert not any("secret" in name.lower() for name in tools)
    echo = tools["Echo_topic"]
    assert echo.description == "Repeats the topic."
    assert echo.inputSchema["properties"]["topic"]["type"] == "string"
    assert {"find_marketplace_agents", "list_runs", "get_run"} <= set(tools)
    # Names are stable: asked again (this time with the key as a bearer token), the same names.
    assert set(await _tools(app_url, {"Authorization": f"Bearer {ada_key}"})) == set(tools)

    progress: list[tuple[float, str | None]] = []

    async def heard(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, message))

    async with _mcp(app_url, {"X-API-Key": ada_key}) as (read, write, _), ClientSession(read, write) as mcp:
        await mcp.initialize()
        result = await mcp.call_tool("Echo_topic", {"topic": "tides"}, progress_callback=heard)
        assert not result.isError, result.content
        assert result.structuredContent["status"] == "COMPLETED"
        assert result.structuredContent["outputs"] == {"echo": "tides"}
        assert '"echo": "tides"' in result.content[0].text
        assert progress and "steps done" in (progress[-1][1] or "")
        run_id = result.structuredContent["run_id"]

        runs = await mcp.call_tool("list_runs", {"limit": 5})
        assert [run["run_id"] for run in runs.structuredContent["runs"]] == [run_id]
        got = await mcp.call_tool("get_run", {"run_id": run_id})
        assert got.structuredContent["outputs"] == {"echo": "tides"}

        # Bob's agent cannot be called by guessing its name; a missing input is said in words.
        refused = await mcp.call_tool("Bob_s_secret_agent", {"topic": "x"})
        assert refused.isError and "No agent in your library" in refused.content[0].text
        missing = await mcp.call_tool("Echo_topic", {})
        assert missing.isError and "topic" in missing.content[0].text.lower()

    async with (
        _mcp(app_url, {"X-API-Key": (await _person(client, "cy@example.com", "Cy"))[1]}) as (
            read,
            write,
            _,
        ),
        ClientSession(read, write) as mcp,
    ):
        await mcp.initialize()
        other = await mcp.call_tool("get_run", {"run_id": run_id})
        assert other.isError and "No such run" in other.content[0].text


async def test_a_failed_run_is_an_error_result_with_the_reason(app_url, client):
    token, key = await _person(client, "ada@example.com", "Ada")
    await make_graph(
        client,
        token,
        {
            "name": "Divide",
            "description": "Divides one by zero.",
            "nodes": [node("calc", CALC, operation="Divide", a=1, b=0), node("out", OUTPUT, name="r")],
            "links": [link("calc", "result", "out", "value")],
        },
    )
    async with _mcp(app_url, {"X-API-Key": key}) as (read, write, _), ClientSession(read, write) as mcp:
        await mcp.initialize()
        result = await mcp.call_tool("Divide", {})
    assert result.isError
    assert "did not complete" in result.content[0].text and "zero" in result.content[0].text.lower()
    assert result.structuredContent["status"] == "FAILED"


async def test_no_or_a_bad_key_is_401_before_mcp(app_url, client):
    async with httpx.AsyncClient(base_url=app_url) as http:
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        for headers in ({}, {"X-API-Key": "agpt_wrong"}, {"Authorization": "Bearer agpt_wrong"}):
            r = await http.post("/mcp", json=body, headers=headers)
            assert r.status_code == 401, r.text
            assert r.headers["www-authenticate"].startswith("Bearer")
            assert r.json()["error"]["message"]


async def test_a_read_only_key_lists_but_cannot_run(app_url, client):
    token, key = await _person(client, "ada@example.com", "Ada", scopes=["read"])
    await make_graph(client, token, echo_graph())
    async with _mcp(app_url, {"X-API-Key": key}) as (read, write, _), ClientSession(read, write) as mcp:
        await mcp.initialize()
        assert "Echo" in {tool.name for tool in (await mcp.list_tools()).tools}
        result = await mcp.call_tool("Echo", {"topic": "x"})
        assert result.isError and "'run' scope" in result.content[0].text
        assert (await mcp.call_tool("list_runs", {})).structuredContent["runs"] == []


async def test_an_agent_calls_another_of_the_persons_agents_through_mcp(app_url, client):
    """Both sides of ours: the MCP block in one agent calls the platform's /mcp, which runs another agent."""
    token, key = await _person(client, "ada@example.com", "Ada")
    await make_graph(client, token, echo_graph())
    r = await client.post(
        "/api/v1/credentials",
        json={"provider": "mcp", "type": "api_key", "title": "My platform", "api_key": key},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text
    credential = {"id": r.json()["id"], "provider": "mcp", "type": "api_key"}
    relay = {
        "name": "Relay via MCP",
        "description": "Asks the Echo agent, through MCP.",
        "nodes": [
            node(
                "call",
                McpToolBlock.id,
                server_url=f"{app_url}/mcp",
                tool_name="Echo",
                arguments={"topic": "relayed"},
                credentials=credential,
            ),
            node("out", OUTPUT, name="answer"),
        ],
        "links": [link("call", "result", "out", "value")],
    }
    await make_graph(client, token, relay)
    async with _mcp(app_url, {"X-API-Key": key}) as (read, write, _), ClientSession(read, write) as mcp:
        await mcp.initialize()
        result = await mcp.call_tool("Relay_via_MCP", {})
        assert not result.isError, result.content
        answer = result.structuredContent["outputs"]["answer"]
        assert answer["status"] == "COMPLETED" and answer["outputs"] == {"echo": "relayed"}
        # Both runs are the person's, listed like any other.
        runs = (await mcp.call_tool("list_runs", {})).structuredContent["runs"]
        assert sorted(run["agent"] for run in runs) == ["Echo", "Relay via MCP"]
