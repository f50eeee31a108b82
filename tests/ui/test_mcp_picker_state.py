"""The builder's MCP tool picker on the real database and the SDK's reference MCP server: load the
tools of a step's server with its credential, choose one, see its arguments."""

from __future__ import annotations

import pytest

from autogpt_app.blocks.builtin.mcp_tool import McpToolBlock
from autogpt_app.credentials import service as credentials
from autogpt_app.db import session_scope
from autogpt_app.settings import get_settings
from autogpt_app.ui.states.builder import BuilderState
from autogpt_app.ui.states.mcp_picker import McpToolPickerState
from tests.fakes.mcp_reference import TOKEN, reference_server
from tests.ui.test_marketplace_state import call, make_user, state_for


@pytest.fixture(scope="module")
def server_url():
    with reference_server() as url:
        yield url


def _picker(builder: BuilderState) -> McpToolPickerState:
    root = builder.parent_state.parent_state
    return root.get_substate(McpToolPickerState.get_full_name().split(".")[1:])


async def _builder_with_mcp_step(user, server_url: str, token: str) -> BuilderState:
    async with session_scope() as s:
        saved = await credentials.create_credential(
            s, user, provider="mcp", type="api_key", title="Tools server", api_key=token
        )
    builder = state_for(BuilderState, user, "/build")
    await call(builder, "load")
    step = {
        "id": "mcp",
        "block_id": McpToolBlock.id,
        "input_default": {"server_url": server_url},
        "metadata": {"position": {"x": 0, "y": 0}},
    }
    await call(builder, "act", {"op": "add_nodes", "nodes": [step], "links": []})
    await call(builder, "act", {"op": "select", "node": "mcp"})
    await call(builder, "set_node_credential", "credentials", saved.id)
    return builder


async def test_load_tools_then_choose_one_fills_the_step_and_shows_its_arguments(server_url, monkeypatch):
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    builder = await _builder_with_mcp_step(await make_user(), server_url, TOKEN)
    picker = _picker(builder)
    await call(picker, "load")
    assert not picker.error
    assert [t.name for t in picker.tools] == ["add", "shout", "explode"]
    await call(picker, "choose", "shout")
    assert builder.selected_inputs()["tool_name"] == "shout"
    assert builder.panel.texts["tool_name"] == "shout"  # the panel's field shows the choice
    assert picker.chosen_description == "Repeats the text in capitals."
    assert '"text"' in picker.hint


async def test_a_refused_credential_is_said_in_words(server_url, monkeypatch):
    monkeypatch.setattr(get_settings(), "outbound_allow_loopback", True)
    builder = await _builder_with_mcp_step(await make_user(), server_url, "wrong-token")
    picker = _picker(builder)
    await call(picker, "load")
    assert picker.tools == [] and picker.error == "The MCP server at 127.0.0.1 refused the credential (HTTP 401)."
    await call(picker, "choose", "shout")  # nothing loaded: nothing chosen
    assert "tool_name" not in builder.selected_inputs()
