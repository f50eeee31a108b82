"""Our MCP client and the *Call an MCP tool* block against the SDK's own reference server (FastMCP)."""

from __future__ import annotations

import pytest

from autogpt_app.blocks.builtin.mcp_tool import McpToolBlock
from autogpt_app.blocks.sdk import CredentialSecret, RunContext, run_block
from autogpt_app.credentials import oauth
from autogpt_app.mcp import client as mcp
from autogpt_app.net import BlockedAddress
from autogpt_app.settings import get_settings
from tests.fakes.google_apis import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGoogleApis
from tests.fakes.mcp_reference import TOKEN, reference_server


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)


@pytest.fixture(scope="module")
def server_url():
    with reference_server() as url:
        yield url


def _bearer(token: str = TOKEN) -> CredentialSecret:
    return CredentialSecret.model_validate({"id": "cred-mcp", "provider": "mcp", "type": "api_key", "api_key": token})


async def _run(inputs: dict, token: str | None = TOKEN) -> list[tuple[str, object]]:
    credentials = {"credentials": _bearer(token)} if token else {}
    return await run_block(McpToolBlock(), inputs, RunContext(user_id="u1", credentials=credentials))


async def test_lists_the_servers_tools_with_their_schemas(server_url, loopback):
    tools = {tool.name: tool for tool in await mcp.list_tools(server_url, TOKEN)}
    assert set(tools) == {"add", "shout", "explode"}
    assert tools["add"].description == "Adds two whole numbers."
    assert set(tools["add"].input_schema["properties"]) == {"a", "b"}


async def test_the_block_calls_a_tool_and_passes_on_its_result(server_url, loopback):
    produced = dict(await _run({"server_url": server_url, "tool_name": "add", "arguments": {"a": 2, "b": 40}}))
    assert produced["result"] == {"result": 42}  # FastMCP wraps a plain return value as structured content
    assert produced["content"][0]["text"] == "42"
    produced = dict(await _run({"server_url": server_url, "tool_name": "shout", "arguments": {"text": "hi"}}))
    assert produced["result"] == {"result": "HI"}


async def test_a_failing_tool_or_unknown_tool_is_an_error_in_words(server_url, loopback):
    produced = dict(
        await _run({"server_url": server_url, "tool_name": "explode", "arguments": {"reason": "on purpose"}})
    )
    assert set(produced) == {"error"} and "the tool broke: on purpose" in produced["error"]
    produced = dict(await _run({"server_url": server_url, "tool_name": "nope"}))
    assert "nope" in produced["error"]


async def test_a_wrong_or_missing_token_is_refused_readably_and_never_shown(server_url, loopback, caplog):
    wrong = "wrong-token-5d9a"
    produced = dict(await _run({"server_url": server_url, "tool_name": "add", "arguments": {"a": 1, "b": 1}}, wrong))
    assert produced == {"error": "The MCP server at 127.0.0.1 refused the credential (HTTP 401)."}
    assert wrong not in caplog.text
    produced = dict(await _run({"server_url": server_url, "tool_name": "add"}, token=None))
    assert produced == {"error": "The MCP server at 127.0.0.1 refused the credential (HTTP 401)."}


async def test_a_loopback_server_is_refused_without_the_switch(server_url):
    produced = dict(await _run({"server_url": server_url, "tool_name": "add", "arguments": {"a": 1, "b": 1}}))
    assert "not allowed" in produced["error"] and "127.0.0.1" in produced["error"]
    with pytest.raises(BlockedAddress):
        await mcp.list_tools(server_url, TOKEN)


async def test_an_oauth2_credential_renews_its_access_token_and_calls_the_tool(loopback, caplog):
    """OAuth 2.0 with a client registered beforehand: the refresh token buys an access token at the
    credential's token URI, which the server accepts; no secret reaches the outputs or the logs."""
    oauth.clear_cache()
    with FakeGoogleApis() as tokens, reference_server(accepts=lambda t: t in tokens.valid_tokens) as url:
        credential = CredentialSecret.model_validate(
            {
                "id": "cred-mcp-oauth",
                "provider": "mcp",
                "type": "oauth2",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "meta": {"token_uri": tokens.token_uri},
            }
        )
        context = RunContext(user_id="u1", credentials={"credentials": credential})
        inputs = {"server_url": url, "tool_name": "add", "arguments": {"a": 20, "b": 22}}
        produced = dict(await run_block(McpToolBlock(), inputs, context))
        assert produced["result"] == {"result": 42}
        assert tokens.refreshes == 1
        incomplete = credential.model_copy(update={"meta": {}})
        context = RunContext(user_id="u1", credentials={"credentials": incomplete})
        refused = dict(await run_block(McpToolBlock(), inputs, context))
        assert "token URI" in refused["error"]
        for secret in (CLIENT_SECRET, REFRESH_TOKEN, *tokens.valid_tokens):
            assert secret not in repr(produced) and secret not in caplog.text
    oauth.clear_cache()
