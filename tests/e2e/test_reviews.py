"""A run that waits for a person, in the browser: the run page shows it waiting with the data the Human
review step received; the person edits the data and approves; the run completes with the edited value."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_runs import RUN_URL, SHORT_TEXT, _link, _node, api_token, open_agent, upload

OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"
REVIEW = "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d"


def checked_reply() -> dict[str, Any]:
    """reply → Human review 'Reply to the customer' → output 'sent' (approved) or 'held back' (rejected)."""
    return {
        "name": "Checked reply",
        "description": "Lets me look at a reply before it goes out.",
        "nodes": [
            _node("reply", SHORT_TEXT, name="reply", title="Reply"),
            _node("check", REVIEW, name="Reply to the customer"),
            _node("sent", OUTPUT, name="sent", title="Sent"),
            _node("held", OUTPUT, name="held", title="Held back"),
        ],
        "links": [
            _link("reply", "result", "check", "data"),
            _link("check", "approved_data", "sent", "value"),
            _link("check", "rejected_data", "held", "value"),
        ],
    }


def test_a_person_edits_and_approves_a_waiting_run_and_it_completes(page: Page) -> None:
    email = unique_email("reviewer")
    signup(page, email, "Rev Iewer")
    agent_id = upload(page, api_token(page, email), checked_reply())

    open_agent(page, agent_id, "Checked reply")
    page.locator("input[name=in__reply]").fill("Thanks for writing")
    page.get_by_test_id("run-button").click()
    expect(page).to_have_url(RUN_URL)

    # The run waits, and the page shows what the step received, without a reload.
    expect(page.get_by_test_id("run-status")).to_have_text("Waiting for review", timeout=20_000)
    panel = page.get_by_test_id("review-panel")
    expect(panel).to_contain_text("Waiting for your review")
    expect(panel.get_by_test_id("review-message")).to_have_text("Review: Reply to the customer")
    box = panel.get_by_test_id("review-data")
    expect(box).to_have_value("Thanks for writing")

    box.fill("Thanks for writing, we will call you today")
    panel.get_by_test_id("review-approve").click()
    expect(page.get_by_test_id("run-status")).to_have_text("Completed", timeout=20_000)
    expect(page.get_by_test_id("review-panel")).to_have_count(0)
    expect(page.get_by_test_id("run-outputs")).to_contain_text("Sent")
    expect(page.get_by_test_id("output-value")).to_have_text("Thanks for writing, we will call you today")

    # The runs list says how it ended.
    page.goto("/runs")
    expect(page.get_by_test_id("run-row").first).to_contain_text(re.compile("Completed"))
