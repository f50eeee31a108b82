"""The MCP tool step in the browser: load the tools of a server (the SDK's reference server), choose
one from the dropdown, see its arguments, save and run the agent: the tool's answer shows on the step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from autogpt_app.blocks.builtin.mcp_tool import McpToolBlock
from tests.e2e.test_builder import RUN_TIMEOUT_MS, api, canvas, node, open_builder, select, start, token_of
from tests.fakes.mcp_reference import TOKEN, reference_server
from tests.graphs.helpers import OUTPUT

STEP = "Call an MCP tool"


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with reference_server() as url:  # the app under test allows loopback (tests/e2e/conftest.py)
        yield url


def _agent(server_url: str, credential_id: str) -> dict[str, Any]:
    def at(node_id: str, block_id: str, x: int, **defaults: Any) -> dict[str, Any]:
        return {
            "id": node_id,
            "block_id": block_id,
            "input_default": defaults,
            "metadata": {"position": {"x": x, "y": 0}},
        }

    credential = {"id": credential_id, "provider": "mcp", "type": "api_key"}
    return {
        "name": "Shouter",
        "nodes": [
            at(
                "call",
                McpToolBlock.id,
                0,
                server_url=server_url,
                tool_name="add",  # replaced in the builder by a tool chosen from the list
                arguments={"text": "quiet"},
                credentials=credential,
            ),
            at("out", OUTPUT, 460, name="loud"),
        ],
        "links": [{"source_id": "call", "sink_id": "out", "source_name": "result", "sink_name": "value"}],
    }


def test_load_tools_choose_one_and_run(page: Page, server_url: str) -> None:
    email = start(page, "mcp", "Mia Mcp")
    token = token_of(page, email)
    body = {"provider": "mcp", "type": "api_key", "title": "Reference server", "api_key": TOKEN}
    credential = api(page, "POST", "/credentials", token, data=body)
    graph = api(page, "POST", "/graphs", token, data=_agent(server_url, credential["id"]))
    open_builder(page, f"/build/{graph['id']}")

    select(node(page, STEP))
    expect(page.locator("#node-tool_name")).to_have_value("add")
    page.get_by_test_id("builder-mcp-load-tools").click()
    page.get_by_test_id("builder-mcp-tools").click()
    page.get_by_role("option", name="shout").click()
    expect(page.locator("#node-tool_name")).to_have_value("shout")
    expect(page.get_by_test_id("builder-mcp-hint")).to_contain_text("Repeats the text in capitals.")
    expect(page.get_by_test_id("builder-mcp-hint")).to_contain_text('"text"')

    page.get_by_test_id("builder-save").click()
    page.locator("input[name=note]").fill("Shout it")
    page.get_by_test_id("builder-save-confirm").click()
    expect(canvas(page)).to_have_attribute("data-ready", "true")
    page.get_by_test_id("builder-run").click()
    page.get_by_test_id("builder-start-run").click()
    expect(node(page, "Agent output")).to_have_attribute("data-status", "COMPLETED", timeout=RUN_TIMEOUT_MS)
    select(node(page, STEP))
    expect(page.get_by_test_id("builder-node-outputs")).to_contain_text(re.compile("QUIET"))
