"""Running an agent from the chat: find it, run it, answer the inputs card, and watch the execution
card go from running to completed with its output, without a reload (and still so after one)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import send
from tests.e2e.test_runs import RUN_URL, api_token, shouter, upload


def test_run_from_chat_with_inputs_card_and_live_execution_card(page: Page) -> None:
    email = unique_email("chatlive")
    signup(page, email, "Live Card")
    doc = shouter()
    # Long enough to reload the page while it runs (the card must keep following it).
    next(n for n in doc["nodes"] if n["id"] == "wait")["input_default"]["seconds"] = 8
    upload(page, api_token(page, email), doc)
    page.goto("/")

    send(page, "show my agents")
    carousel = page.get_by_test_id("agent-carousel").last
    expect(carousel.get_by_test_id("agent-card").filter(has_text="Shouter")).to_be_visible()
    # A newer list comes in between: Run on the older card still runs the agent clicked.
    send(page, "find me something that summarises RSS feeds")
    expect(page.get_by_test_id("agent-carousel")).to_have_count(2)
    carousel = page.get_by_test_id("agent-carousel").first

    carousel.get_by_role("button", name="Run Shouter").click()
    inputs = page.get_by_test_id("inputs-needed").last
    expect(inputs).to_contain_text("Shouter")
    expect(page.get_by_test_id("chat-send")).to_be_visible()  # the reply has finished
    # Another agent asks for its inputs too; the Shouter's card, now the older one, still runs the Shouter.
    send(page, "run RSS Feed Digest")
    expect(page.get_by_test_id("inputs-needed")).to_have_count(2)
    expect(page.get_by_test_id("inputs-needed").last).to_contain_text("RSS Feed Digest")
    inputs = page.get_by_test_id("inputs-needed").first
    # What is missing is asked for; "times" (a default of 2) waits under "More options", showing its value.
    expect(inputs.locator("input[name=times]")).not_to_be_visible()
    inputs.get_by_test_id("inputs-more").click()
    expect(inputs.locator("input[name=times]")).to_have_value("2")
    expect(inputs.get_by_test_id("input-default")).to_have_text("Default: 2")
    inputs.locator("input[name=topic]").fill("otters")
    inputs.get_by_role("button", name="Send inputs").click()
    # The card is done: it shows what was sent, and no form is left to send again.
    expect(inputs.get_by_test_id("inputs-sent")).to_contain_text("Topic: otters")
    expect(inputs.get_by_test_id("inputs-sent")).to_contain_text("Times: 2")
    expect(inputs.locator("input")).to_have_count(0)
    expect(inputs.get_by_role("button", name="Send inputs")).to_have_count(0)

    card = page.get_by_test_id("execution-card").last
    expect(card).to_contain_text("Shouter")
    # The run waits 8 s on purpose: the card is seen running, then completes by itself.
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", re.compile("QUEUED|RUNNING"))
    expect(card.get_by_test_id("execution-spinner")).to_be_visible()
    # A reload while it runs: the card, now part of the loaded conversation, keeps following the run.
    page.reload()
    card = page.get_by_test_id("execution-card").last
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", re.compile("QUEUED|RUNNING"))
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", "COMPLETED", timeout=30_000)
    expect(card.get_by_test_id("execution-status")).to_have_text("Completed")
    expect(card.get_by_test_id("execution-spinner")).to_have_count(0)
    expect(card.get_by_test_id("execution-output")).to_contain_text("Shouted: OTTERS x2")
    # The output is shown under its title from the agent's output schema ("Shout").
    expect(card.get_by_test_id("execution-output").get_by_role("heading", name="Shout")).to_be_visible()

    # After a reload the card reads the run again: still completed, with its output; the inputs card
    # still shows what was sent, without a form.
    page.reload()
    card = page.get_by_test_id("execution-card").last
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", "COMPLETED")
    expect(card.get_by_test_id("execution-output")).to_contain_text("Shouted: OTTERS x2")
    sent = page.get_by_test_id("inputs-needed").filter(has_text="Shouter")
    expect(sent.get_by_test_id("inputs-sent")).to_contain_text("Topic: otters")
    expect(sent.locator("input")).to_have_count(0)
    # The other agent's card was never answered: it still asks.
    expect(
        page.get_by_test_id("inputs-needed").filter(has_text="RSS Feed Digest").locator("input[name=feed_url]")
    ).to_be_visible()

    # The link opens the run page with the same output.
    card.get_by_test_id("execution-link").click()
    expect(page).to_have_url(RUN_URL)
    expect(page.get_by_test_id("output-value")).to_have_text("Shouted: OTTERS x2")


def test_a_one_off_run_asked_for_in_chat_waits_shows_on_schedules_then_its_card_follows_the_run(
    new_context: Callable[..., BrowserContext],
) -> None:
    """ "Run it in 20 seconds": nothing runs now; the card says when, /schedules lists it as a one-off, and
    when the scheduler fires it the card becomes the run's card and follows it to its result."""
    page = new_context(timezone_id="Europe/Paris").new_page()
    email = unique_email("chatonce")
    signup(page, email, "Chat Once")
    upload(page, api_token(page, email), shouter())
    page.goto("/")
    send(page, "show my agents")
    expect(
        page.get_by_test_id("agent-carousel").last.get_by_test_id("agent-card").filter(has_text="Shouter")
    ).to_be_visible()

    send(page, "run the first one with topic=otters in 20 seconds")
    card = page.get_by_test_id("schedule-created").last
    expect(card).to_contain_text("Runs once, at")
    expect(card).to_contain_text("Europe/Paris")
    expect(page.get_by_test_id("execution-card")).to_have_count(0)  # nothing ran now

    schedules = page.context.new_page()
    schedules.goto("/schedules")
    row = schedules.get_by_test_id("schedule-row")
    expect(row.get_by_test_id("schedule-once")).to_have_text("Once")
    expect(row.get_by_test_id("schedule-state")).to_have_text("Active")

    run_card = page.get_by_test_id("execution-card").last
    expect(run_card).to_contain_text("Shouter", timeout=60_000)
    expect(run_card.get_by_test_id("execution-status")).to_have_attribute("data-status", "COMPLETED", timeout=60_000)
    expect(run_card).to_contain_text("OTTERS")
    expect(page.get_by_test_id("schedule-created")).to_have_count(0)  # the waiting card became the run's card
