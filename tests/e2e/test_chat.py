"""The Chat page in the browser with the offline copilot (the e2e app has no OPENAI_API_KEY):
welcome screen, a streamed answer with an agent carousel, the inputs card, reload, and New chat."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import expect_greeting, signup, unique_email


def send(page: Page, text: str) -> None:
    """Type a message and send it with Enter; wait until the reply has finished streaming."""
    box = page.get_by_test_id("chat-input")
    expect(box).to_be_enabled()
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_test_id("chat-user").filter(has_text=text)).to_be_visible()
    expect(page.get_by_test_id("chat-send")).to_be_visible()


def find_rss_digest(page: Page) -> str:
    """Ask the copilot for an RSS agent; return the ordinal ("second") of RSS Feed Digest among its cards."""
    send(page, "find me something that summarises RSS feeds")
    cards = page.get_by_test_id("agent-carousel").last.get_by_test_id("agent-card")
    expect(cards.filter(has_text="RSS Feed Digest")).to_be_visible()
    names = cards.all_inner_texts()
    return ["first", "second", "third", "fourth", "fifth", "sixth"][
        next(i for i, text in enumerate(names) if "RSS Feed Digest" in text)
    ]


def test_find_run_reload_and_new_chat(page: Page) -> None:
    signup(page, unique_email("chat"), "Chat Person")
    expect(page.get_by_test_id("chat-welcome")).to_be_visible()
    expect(page.get_by_test_id("quick-action")).to_have_count(3)
    expect(page.get_by_test_id("quick-action").first).to_have_text("Find an agent that digests RSS feeds")

    send(page, "find me something that summarises RSS feeds")
    expect(page.get_by_test_id("chat-welcome")).to_have_count(0)
    expect(page.get_by_test_id("chat-assistant").first).to_contain_text(re.compile(r"\w+"))
    carousel = page.get_by_test_id("agent-carousel").last
    digest = carousel.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")
    expect(digest).to_be_visible()
    expect(digest).to_contain_text("runs")
    expect(digest.get_by_role("button", name="Run RSS Feed Digest")).to_be_visible()
    # The chat is in the URL, so a reload finds it.
    expect(page).to_have_url(re.compile(r"\?chat=[0-9a-f-]{36}$"))

    position = carousel.get_by_test_id("agent-card").all_inner_texts()
    ordinal = ["first", "second", "third", "fourth", "fifth", "sixth"][
        next(i for i, text in enumerate(position) if "RSS Feed Digest" in text)
    ]
    send(page, f"run the {ordinal} one")
    inputs = page.get_by_test_id("inputs-needed").last
    expect(inputs).to_contain_text("RSS Feed Digest")
    expect(inputs.locator("input[name=feed_url]")).to_be_visible()

    page.reload()
    expect(page.get_by_test_id("chat-user")).to_have_count(2)
    expect(page.get_by_test_id("agent-carousel").get_by_text("RSS Feed Digest")).to_be_visible()
    expect(page.get_by_test_id("inputs-needed").locator("input[name=feed_url]")).to_be_visible()
    expect(page.get_by_test_id("chat-session").first).to_contain_text("find me something that summarises RSS feeds")

    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("chat-welcome")).to_be_visible()
    expect(page.get_by_test_id("chat-user")).to_have_count(0)
    expect_greeting(page, "Chat Person")
    expect(page).not_to_have_url(re.compile(r"chat="))
    # The past chat stays in the side list and opens again.
    page.get_by_test_id("chat-session").first.click()
    expect(page.get_by_test_id("chat-user")).to_have_count(2)


def test_quick_action_add_to_library_rename_and_delete(page: Page) -> None:
    signup(page, unique_email("chatlib"), "Library Person")
    page.get_by_test_id("quick-action").filter(has_text="Find an agent that digests RSS feeds").click()
    digest = page.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")
    expect(digest).to_be_visible()
    digest.get_by_role("button", name="Add RSS Feed Digest to library").click()
    expect(page.get_by_text("RSS Feed Digest is in your library.")).to_be_visible()

    send(page, "show my agents")
    library = page.get_by_test_id("agent-carousel").last
    expect(library.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")).to_be_visible()
    # Library agents are not offered again for adding.
    expect(library.get_by_role("button", name=re.compile("to library"))).to_have_count(0)

    page.get_by_role("button", name="Rename chat").click()
    page.locator("input[name=title]").fill("My RSS chat")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("chat-title")).to_have_text("My RSS chat")
    expect(page.get_by_test_id("chat-session").first).to_have_text("My RSS chat")

    page.get_by_role("button", name="Delete chat").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_test_id("chat-welcome")).to_be_visible()
    expect(page.get_by_test_id("no-chats")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("no-chats")).to_be_visible()


def test_the_chat_just_talked_in_moves_to_the_top_of_the_list(page: Page) -> None:
    signup(page, unique_email("order"), "Order Person")
    send(page, "find me something that summarises RSS feeds")
    page.get_by_test_id("new-chat").click()
    send(page, "show my agents")
    sessions = page.get_by_test_id("chat-session")
    expect(sessions).to_have_count(2)
    expect(sessions.first).to_contain_text("show my agents")

    sessions.filter(has_text="summarises RSS feeds").click()
    expect(page.get_by_test_id("chat-user")).to_have_count(1)
    send(page, "thanks")
    expect(sessions.first).to_contain_text("find me something that summarises RSS feeds")
    expect(sessions.last).to_contain_text("show my agents")
