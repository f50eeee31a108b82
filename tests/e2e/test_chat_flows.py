"""Chat flows in the browser with the offline copilot (its words come ``CHAT_WORD_DELAY`` apart, as a
model's would): stopping a reply while it streams, and scheduling an agent in plain words."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import find_rss_digest, send

#: The copilot's longest reply (its help, ~130 words): it streams for seconds, so Stop has time to act.
LONG_QUESTION = "what can you do?"
HELP_START = "what I can do"
HELP_END = "ask me to find one"

#: Next run times as the card lists them: a date with 08:00 (an ISO time, or words).
AT_EIGHT = re.compile(r"2\d{3}.*08:00")


def test_stop_a_streaming_reply_keeps_what_was_said(page: Page) -> None:
    signup(page, unique_email("stop"), "Stop Person")
    box = page.get_by_test_id("chat-input")
    box.fill(LONG_QUESTION)
    box.press("Enter")

    # The reply streams: the box is locked, Stop replaces Send, and the first words show.
    stop = page.get_by_test_id("chat-stop")
    expect(stop).to_be_visible()
    expect(box).to_be_disabled()
    expect(page.get_by_test_id("chat-streaming")).to_contain_text(HELP_START)
    stop.click()

    stopped = page.get_by_test_id("chat-stopped")
    expect(stopped).to_have_text("Stopped.")
    expect(box).to_be_enabled()
    expect(page.get_by_test_id("chat-send")).to_be_visible()
    expect(stop).to_have_count(0)
    reply = page.get_by_test_id("chat-assistant")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(HELP_START)
    expect(reply).not_to_contain_text(HELP_END)  # cut short, not finished
    partial = reply.inner_text()

    # The chat kept the partial reply and the marker: a reload shows the same conversation.
    expect(page).to_have_url(re.compile(r"\?chat=[0-9a-f-]{36}$"))
    page.reload()
    expect(page.get_by_test_id("chat-user")).to_have_text([LONG_QUESTION])
    expect(page.get_by_test_id("chat-assistant")).to_have_text([partial])
    expect(page.get_by_test_id("chat-stopped")).to_have_text(["Stopped."])

    # The chat goes on after a stop.
    send(page, "thanks")
    expect(page.get_by_test_id("chat-user")).to_have_count(2)
    expect(page.get_by_test_id("chat-assistant")).to_have_count(2)
    expect(page.get_by_test_id("chat-stopped")).to_have_count(1)


def test_schedule_an_agent_by_chat_and_find_it_on_the_schedules_page(page: Page) -> None:
    signup(page, unique_email("chatsched"), "Chat Scheduler")
    ordinal = find_rss_digest(page)

    send(page, f"run the {ordinal} one every weekday at 8am in Europe/Paris with feed_url=https://example.com/feed.xml")
    card = page.get_by_test_id("schedule-created").last
    expect(card).to_contain_text("RSS Feed Digest")
    expect(card).to_contain_text("Monday through Friday")
    expect(card).to_contain_text("Europe/Paris")
    expect(card).to_contain_text("0 8 * * 1-5")
    next_runs = card.get_by_test_id("schedule-next-run")
    expect(next_runs).to_have_count(5)
    for text in next_runs.all_inner_texts():
        assert AT_EIGHT.search(text), text
    # Scheduling is not running: no run started.
    expect(page.get_by_test_id("execution-card")).to_have_count(0)

    card.get_by_role("link", name="See your schedules").click()
    expect(page).to_have_url(re.compile(r"/schedules/?$"))
    row = page.get_by_test_id("schedule-row").filter(has_text="RSS Feed Digest")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("schedule-description")).to_have_text("At 08:00, Monday through Friday")
    expect(row.get_by_test_id("schedule-timezone")).to_have_text("Europe/Paris")
    expect(row.get_by_test_id("schedule-state")).to_have_text("Active")
    expect(row.get_by_test_id("schedule-next-run")).to_contain_text("08:00")


def test_values_and_a_question_get_an_offer_that_runs_only_on_yes(page: Page) -> None:
    """No agent named: the copilot finds the BMI calculator, reads 70 kg and 1.80 m into its inputs and
    shows what would run; nothing starts until "Yes, run it", which runs exactly that."""
    signup(page, unique_email("chatoffer"), "Chat Offer")
    page.goto("/")
    send(page, "I weigh 70 kg and I'm 1.80 m, what's my BMI?")
    offer = page.get_by_test_id("ready-to-run").last
    expect(offer).to_contain_text("BMI Calculator")
    expect(offer.get_by_test_id("ready-input")).to_have_text(["Weight (kg): 70", "Height (cm): 180"])
    expect(offer).to_contain_text("Nothing has started yet.")
    expect(page.get_by_test_id("execution-card")).to_have_count(0)

    offer.get_by_test_id("ready-run").click()
    card = page.get_by_test_id("execution-card").last
    expect(card).to_contain_text("BMI Calculator")
    expect(card.get_by_test_id("execution-status")).to_have_attribute("data-status", "COMPLETED", timeout=30_000)
    expect(card.get_by_test_id("execution-output")).to_contain_text("Your BMI is 21.6")
