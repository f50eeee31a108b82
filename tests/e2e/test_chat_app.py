"""The Chat page behaves like a good chat app: the conversation scrolls in its own box under a top bar
that stays, new content comes into view while the reader is at the end (and leaves a reader who
scrolled up alone), finished cards stop inviting actions, outputs read well (titles, line breaks,
links without the sentence's punctuation), and on a phone the list of chats lives in a drawer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import send
from tests.e2e.test_runs import FILL, NUMBER, OUTPUT, SHORT_TEXT, _link, _node, api_token, upload

PHONE = {"width": 390, "height": 844}


def reading_list() -> dict[str, Any]:
    """topic (required) and count (optional, 3) → a three-line text with two web addresses in sentences."""
    return {
        "name": "Reading List",
        "description": "Suggests where to read about a topic.",
        "nodes": [
            _node("topic", SHORT_TEXT, name="topic", title="Topic", description="What to read about"),
            _node("count", NUMBER, name="count", title="How many", value=3),
            _node(
                "tpl",
                FILL,
                format="{{ n }} picks about {{ t }}\nSee https://example.com/{{ t }}.\n"
                "Also (https://example.org/a), then more.",
            ),
            _node("out", OUTPUT, name="list", title="Your reading list"),
        ],
        "links": [
            _link("topic", "result", "tpl", "values_#_t"),
            _link("count", "result", "tpl", "values_#_n"),
            _link("tpl", "output", "out", "value"),
        ],
    }


def _at_end(page: Page) -> bool:
    return page.evaluate(
        "(() => { const b = document.getElementById('chat-scroll');"
        " return b.scrollHeight - (b.scrollTop + b.clientHeight) < 4; })()"
    )


def _document_scrolls(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollHeight > window.innerHeight + 1")


def test_the_conversation_scrolls_in_its_own_box_and_follows_new_content(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 800})
    signup(page, unique_email("scroll"), "Scroll Person")
    for text in ("help", "find me something that summarises RSS feeds", "what can you do"):
        send(page, text)
    # Far more than a window: the conversation scrolls inside its box, the page itself does not,
    # so the top bar (bell, account) stays in view, and the newest reply is in view.
    assert page.evaluate("document.getElementById('chat-scroll').scrollHeight > window.innerHeight")
    assert not _document_scrolls(page)
    expect(page.get_by_test_id("notification-bell")).to_be_in_viewport()
    expect(page.get_by_test_id("account-menu")).to_be_in_viewport()
    expect(page.get_by_test_id("chat-assistant").last).to_be_in_viewport()
    expect(page.get_by_test_id("chat-input")).to_be_in_viewport()
    assert _at_end(page)

    # A card that arrives comes into view too.
    send(page, "find an agent for loans")
    expect(page.get_by_test_id("agent-carousel").last).to_contain_text("Loan Calculator")
    expect(page.get_by_test_id("chat-assistant").last).to_be_in_viewport()
    assert _at_end(page)

    # Someone who scrolls up to read while a reply streams is left where they are.
    box = page.get_by_test_id("chat-input")
    box.fill("help")
    box.press("Enter")
    expect(page.get_by_test_id("chat-streaming")).to_be_visible()
    page.wait_for_timeout(300)  # a reader takes a moment before turning the wheel
    # One small turn of the wheel is enough: the words still streaming in do not pull the reader back.
    page.get_by_test_id("chat-scroll").hover()
    page.mouse.wheel(0, -100)
    page.wait_for_timeout(300)
    top = page.evaluate("document.getElementById('chat-scroll').scrollTop")
    expect(page.get_by_test_id("chat-streaming")).to_be_visible()  # still streaming
    expect(page.get_by_test_id("chat-send")).to_be_visible()  # the reply has ended
    assert not _at_end(page)
    assert page.evaluate("document.getElementById('chat-scroll').scrollTop") <= top + 5
    # Further up, the first message is there to read, and nothing moves the view.
    page.evaluate("document.getElementById('chat-scroll').scrollTop = 0")
    page.wait_for_timeout(300)
    assert page.evaluate("document.getElementById('chat-scroll').scrollTop") < 50
    expect(page.get_by_test_id("chat-user").first).to_be_in_viewport()


def test_a_run_from_the_chat_reads_well_and_its_cards_finish(page: Page) -> None:
    email = unique_email("reading")
    signup(page, email, "Reading Person")
    upload(page, api_token(page, email), reading_list())
    page.goto("/")
    send(page, "show my agents")
    page.get_by_test_id("agent-carousel").last.get_by_role("button", name="Run Reading List").click()

    # The copilot asks for inputs without first claiming to run anything.
    inputs = page.get_by_test_id("inputs-needed").last
    expect(inputs).to_contain_text("Reading List needs a few inputs")
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    expect(page.get_by_test_id("chat-messages")).not_to_contain_text("Running")
    # The optional input is there too, folded under "More options" with its default.
    expect(inputs.get_by_test_id("inputs-more")).to_have_text("More options (1)")
    expect(inputs.locator("input[name=count]")).not_to_be_visible()
    inputs.get_by_test_id("inputs-more").click()
    expect(inputs.locator("input[name=count]")).to_have_value("3")
    expect(inputs.get_by_test_id("input-default")).to_have_text("Default: 3")
    inputs.locator("input[name=count]").fill("2")
    inputs.locator("input[name=topic]").fill("otters")
    inputs.get_by_role("button", name="Send inputs").click()
    expect(inputs.get_by_test_id("inputs-sent")).to_contain_text("Topic: otters")
    expect(inputs.get_by_test_id("inputs-sent")).to_contain_text("How many: 2")
    expect(inputs.locator("input")).to_have_count(0)

    card = page.get_by_test_id("execution-card").last
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", "COMPLETED", timeout=30_000)
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    output = card.get_by_test_id("execution-output")
    # Its title from the output schema, its three lines, and links that stop before the punctuation.
    expect(output.get_by_role("heading", name="Your reading list")).to_be_visible()
    value = output.get_by_test_id("output-value")
    assert value.inner_text().splitlines() == [
        "2 picks about otters",
        "See https://example.com/otters.",
        "Also (https://example.org/a), then more.",
    ]
    expect(value.get_by_role("link", name="https://example.com/otters", exact=True)).to_have_attribute(
        "href", "https://example.com/otters"
    )
    expect(value.get_by_role("link", name="https://example.org/a", exact=True)).to_have_attribute(
        "href", "https://example.org/a"
    )
    # The words after the run do not promise a live card that has already ended.
    expect(page.get_by_test_id("chat-messages")).not_to_contain_text("follows the run live")
    expect(page.get_by_test_id("chat-messages")).not_to_contain_text("Running")

    # The run page shows the result the same way (one shared renderer).
    chat_url = page.url
    card.get_by_test_id("execution-link").click()
    run_value = page.get_by_test_id("output-value")
    expect(run_value.get_by_role("link", name="https://example.com/otters", exact=True)).to_have_attribute(
        "href", "https://example.com/otters"
    )
    assert run_value.inner_text().splitlines()[0] == "2 picks about otters"

    # Back in the chat after a reload, the inputs card still shows what was sent and asks nothing.
    page.goto(chat_url)
    page.reload()
    inputs = page.get_by_test_id("inputs-needed").last
    expect(inputs.get_by_test_id("inputs-sent")).to_contain_text("Topic: otters")
    expect(inputs.locator("input")).to_have_count(0)
    expect(inputs.get_by_role("button", name="Send inputs")).to_have_count(0)


def test_add_to_library_becomes_in_your_library_and_stays_so(page: Page) -> None:
    signup(page, unique_email("inlib"), "Library Card")
    send(page, "find me something that summarises RSS feeds")
    digest = page.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")
    digest.get_by_role("button", name="Add RSS Feed Digest to library").click()
    expect(digest.get_by_test_id("agent-in-library")).to_have_text("In your library")
    expect(digest.get_by_role("button", name="Add RSS Feed Digest to library")).to_have_count(0)

    page.reload()
    digest = page.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")
    expect(digest.get_by_test_id("agent-in-library")).to_have_text("In your library")
    expect(digest.get_by_test_id("agent-add")).to_have_count(0)

    # A new card for an agent already kept says so from the start; running an agent adds it too.
    page.get_by_test_id("new-chat").click()
    send(page, "find an agent that digests RSS feeds")
    digest = page.get_by_test_id("agent-card").filter(has_text="RSS Feed Digest")
    expect(digest.get_by_test_id("agent-in-library")).to_be_visible()
    send(page, "find an agent for loans")
    loans = page.get_by_test_id("agent-card").filter(has_text="Loan Calculator")
    expect(loans.get_by_test_id("agent-add")).to_be_visible()
    send(page, "run the loan calculator with amount 20000")
    expect(page.get_by_test_id("execution-card").last).to_contain_text("Loan Calculator")
    expect(loans.get_by_test_id("agent-in-library")).to_be_visible()


def test_phone_layout_drawer_and_composer(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(viewport=PHONE).new_page()
    signup(page, unique_email("phone"), "Phone Person")
    # The composer sits at the bottom even before anything is said; the list of chats is not on the page.
    composer = page.get_by_test_id("chat-input")
    expect(composer).to_be_in_viewport()
    assert composer.bounding_box()["y"] > PHONE["height"] * 0.75
    expect(page.get_by_test_id("new-chat")).not_to_be_visible()

    send(page, "find me something that summarises RSS feeds")
    send(page, "run RSS Feed Digest")
    expect(page.get_by_test_id("inputs-needed").last).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not _document_scrolls(page)
    box = composer.bounding_box()
    assert box["y"] + box["height"] > PHONE["height"] - 90
    expect(page.get_by_test_id("account-menu")).to_be_in_viewport()
    for testid in ("agent-card", "inputs-needed", "chat-user", "chat-assistant"):
        for element in page.get_by_test_id(testid).all():
            shape = element.bounding_box()
            assert shape["x"] >= 0 and shape["x"] + shape["width"] <= PHONE["width"], testid
    for button in page.get_by_test_id("agent-card").get_by_role("button").all():
        shape = button.bounding_box()
        assert shape["x"] + shape["width"] <= PHONE["width"]

    # The Chats button opens the drawer with New chat and the list; choosing closes it.
    page.get_by_test_id("chat-drawer-open").click()
    drawer = page.get_by_test_id("chat-drawer")
    expect(drawer.get_by_test_id("new-chat")).to_be_visible()
    expect(drawer.get_by_test_id("chat-session")).to_have_count(1)
    drawer.get_by_test_id("new-chat").click()
    expect(drawer).to_have_count(0)
    expect(page.get_by_test_id("chat-welcome")).to_be_visible()
    page.get_by_test_id("chat-drawer-open").click()
    page.get_by_test_id("chat-drawer").get_by_test_id("chat-session").first.click()
    expect(page.get_by_test_id("chat-drawer")).to_have_count(0)
    expect(page.get_by_test_id("chat-user")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
