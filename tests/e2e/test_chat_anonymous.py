"""Chatting without an account: discovery works, running asks to log in, and signing up in the same
browser makes the chat the new account's (another account can never open it)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import send


def test_visitor_finds_agents_then_signs_up_and_keeps_the_chat(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    page.goto("/")
    expect(page.get_by_test_id("greeting")).to_have_text("Hello")
    expect(page.get_by_test_id("guest-note")).to_be_visible()
    expect(page.get_by_test_id("guest-login")).to_be_visible()
    expect(page.get_by_test_id("account-menu")).to_have_count(0)

    send(page, "find me something that summarises RSS feeds")
    carousel = page.get_by_test_id("agent-carousel").last
    expect(carousel.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")).to_be_visible()
    # A visitor has no library: the card does not offer an "Add" that cannot work, it says to log in.
    expect(carousel.get_by_test_id("agent-add")).to_have_count(0)
    expect(carousel.get_by_test_id("agent-add-login").first).to_have_attribute("href", "/login")
    expect(page).to_have_url(re.compile(r"\?chat=[0-9a-f-]{36}$"))
    chat_id = page.url.rsplit("chat=", 1)[1]

    # The chat survives a reload: this browser keeps its token.
    page.reload()
    expect(page.get_by_test_id("chat-user")).to_have_count(1)
    expect(page.get_by_test_id("agent-carousel").get_by_text("RSS Feed Digest")).to_be_visible()

    send(page, "run RSS Feed Digest")
    card = page.get_by_test_id("need-login").last
    expect(card).to_be_visible()
    expect(card.get_by_test_id("need-login-signup")).to_be_visible()
    # Nothing claimed a run before the login wall.
    expect(page.get_by_test_id("chat-messages")).not_to_contain_text("Running")
    expect(page.get_by_test_id("chat-assistant").last).to_contain_text("Log in to run or schedule agents")

    # Another browser cannot open the anonymous chat by its id.
    stranger = new_context().new_page()
    stranger.goto(f"/?chat={chat_id}")
    expect(stranger.get_by_test_id("chat-page-error")).to_contain_text("not yours")
    expect(stranger.get_by_test_id("chat-user")).to_have_count(0)

    card.get_by_test_id("need-login-signup").click()
    expect(page).to_have_url(re.compile(r"/signup"))
    page.locator("input[name=email]").fill(unique_email("anonclaim"))
    page.locator("input[name=display_name]").fill("Claims Chat")
    page.locator("input[name=password]").fill("Correct-Horse-Battery-51")
    page.locator("input[name=confirm]").fill("Correct-Horse-Battery-51")
    page.get_by_role("button", name="Sign up").click()

    # Back on the Chat page: the conversation is the account's now, and in the side list. The login
    # card is gone, and what the visitor asked carries on by itself: the agent now asks for its inputs.
    expect(page.get_by_test_id("account-menu")).to_contain_text("Claims Chat")
    expect(page).to_have_url(re.compile(rf"\?chat={chat_id}$"))
    expect(page.get_by_test_id("inputs-needed").last).to_contain_text("RSS Feed Digest")
    expect(page.get_by_test_id("need-login")).to_have_count(0)
    expect(page.get_by_test_id("chat-user")).to_have_count(3)
    expect(page.get_by_test_id("chat-user").last).to_have_text("run RSS Feed Digest")
    expect(page.get_by_test_id("chat-session")).to_have_count(1)
    expect(page.get_by_test_id("chat-session").first).to_contain_text("find me something that summarises RSS feeds")

    # A reload does not ask again (the request was answered) and shows no login card.
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("inputs-needed")).to_have_count(1)
    expect(page.get_by_test_id("chat-user")).to_have_count(3)
    expect(page.get_by_test_id("need-login")).to_have_count(0)

    # Another account cannot open it either.
    other = new_context().new_page()
    signup(other, unique_email("other"), "Someone Else")
    other.goto(f"/?chat={chat_id}")
    expect(other.get_by_test_id("chat-page-error")).to_contain_text("not yours")
    expect(other.get_by_test_id("chat-user")).to_have_count(0)
