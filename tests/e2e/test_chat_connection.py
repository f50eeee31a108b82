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
from tests.e2e.test_chat_flows import HELP_END, HELP_START, LONG_QUESTION


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


def test_a_reply_cut_off_by_a_drop_carries_on_after_the_reconnect(page: Page) -> None:
    """Words pushed while the line was dead are lost for the page; the reconnect sends the reply so far
    again, and the streaming text keeps growing (without the resend it would stop at the gap)."""
    line = {"drop": False, "open": []}

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message))
        server.on_message(lambda message: None if line["drop"] else ws.send(message))
        line["open"].append(ws)

    page.route_web_socket(re.compile(r".*/_event.*"), route)
    signup(page, unique_email("resume"), "Resume Person")
    box = page.get_by_test_id("chat-input")
    box.fill(LONG_QUESTION)
    box.press("Enter")
    streaming = page.get_by_test_id("chat-streaming")
    expect(streaming).to_contain_text(HELP_START)

    line["drop"] = True  # the server's pushes are lost from here…
    page.wait_for_timeout(800)
    cut = len(streaming.inner_text())
    dead = line["open"][-1]
    line["drop"] = False
    dead.close()  # …until the page notices and reconnects (a new, working connection)

    page.wait_for_function(
        "n => (document.querySelector('[data-testid=chat-streaming]')?.innerText.length ?? 0) > n + 40", arg=cut
    )
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    reply = page.get_by_test_id("chat-assistant")
    expect(reply).to_contain_text(HELP_START)
    expect(reply).to_contain_text(HELP_END)
