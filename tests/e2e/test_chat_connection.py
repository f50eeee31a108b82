"""The Chat page says when its connection to the server drops, and carries on once it is back.

The drop is real for the page: its websocket goes through Playwright's websocket routing, which
closes it and then leaves new connection attempts unanswered until they time out (about 20 s, as
when a network drops packets); the server itself keeps running.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import send


def test_connection_notice_and_resume(page: Page) -> None:
    line = {"down": False, "open": []}

    def route(ws: WebSocketRoute) -> None:
        if line["down"]:
            return  # never answers: the client gives up on this attempt and tries again
        ws.connect_to_server()
        line["open"].append(ws)

    page.route_web_socket(re.compile(r".*/_event.*"), route)
    signup(page, unique_email("offline"), "Flaky Line")
    send(page, "find me something that summarises RSS feeds")
    expect(page.get_by_test_id("agent-carousel")).to_be_visible()
    expect(page.get_by_test_id("chat-offline")).to_have_count(0)

    line["down"] = True
    for ws in line["open"]:
        ws.close()
    expect(page.get_by_test_id("chat-offline")).to_be_visible(timeout=45_000)
    expect(page.get_by_test_id("chat-offline")).to_contain_text("reconnecting")

    line["down"] = False
    expect(page.get_by_test_id("chat-offline")).to_have_count(0, timeout=30_000)
    # The conversation is still there and the chat answers again.
    expect(page.get_by_test_id("agent-carousel")).to_be_visible()
    send(page, "show my agents")
    expect(page.get_by_test_id("chat-user")).to_have_count(2)
