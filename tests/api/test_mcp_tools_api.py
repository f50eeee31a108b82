"""``GET /api/v1/mcp/tools``: the builder's tool picker asks an MCP server (the SDK's reference server)
for its tools with the person's saved credential."""

from __future__ import annotations

import pytest

from autogpt_app.settings import get_settings
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.fakes.mcp_reference import TOKEN, reference_server

URL = "/api/v1/mcp/tools"


@pytest.fixture(scope="module")
def server_url():
    with reference_server() as url:
        yield url


async def _credential(client, token: str, secret: str, provider: str = "mcp") -> str:
    body = {"provider": provider, "type": "api_key", "title": "Tools server", "api_key": secret}
    r = await client.post("/api/v1/credentials", json=body, headers=bearer(token))
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_lists_tools_with_the_saved_credential(client, server_url, monkeypatch):
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    ada = await token_for(client)
    credential = await _credential(client, ada, TOKEN)
    r = await client.get(URL, params={"server_url": server_url, "credential_id": credential}, headers=bearer(ada))
    assert r.status_code == 200, r.text
    tools = {tool["name"]: tool for tool in r.json()}
    assert set(tools) == {"add", "shout", "explode"}
    assert tools["shout"]["description"] == "Repeats the text in capitals."
    assert set(tools["add"]["input_schema"]["properties"]) == {"a", "b"}
    assert TOKEN not in r.text

    wrong = await _credential(client, ada, "not-the-token")
    err = assert_error(
        await client.get(URL, params={"server_url": server_url, "credential_id": wrong}, headers=bearer(ada)), 502
    )
    assert err["message"] == "The MCP server at 127.0.0.1 refused the credential (HTTP 401)."
    # Another person's credential is not found; another provider's is refused.
    bob = await token_for(client, "bob@example.com", "Bob")
    assert_error(
        await client.get(URL, params={"server_url": server_url, "credential_id": credential}, headers=bearer(bob)), 404
    )
    other = await _credential(client, ada, "sk-x", provider="openai")
    assert_error(
        await client.get(URL, params={"server_url": server_url, "credential_id": other}, headers=bearer(ada)),
        422,
        "invalid_credential",
    )


async def test_private_addresses_are_refused_and_login_is_needed(client, server_url):
    ada = await token_for(client)
    err = assert_error(await client.get(URL, params={"server_url": server_url}, headers=bearer(ada)), 400)
    assert "not allowed" in err["message"]
    assert_error(await client.get(URL, params={"server_url": server_url}), 401)
