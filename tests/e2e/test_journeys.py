"""Whole journeys across pages, over the seed catalogue that set-up puts in every new marketplace.

Marketplace search → an agent's page → Add to library → favourite it in the Library → it is in
Favourites; then Run from the marketplace lands on its run form, and the run's output appears live.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import signup, unique_email


def test_find_add_favourite_and_run_a_seeded_agent(page: Page) -> None:
    signup(page, unique_email("journey"), "Journey Taker")

    # The marketplace is not empty on the first run: the seed catalogue is there.
    page.goto("/marketplace")
    expect(page.get_by_test_id("listing-card").first).to_be_visible()

    # Search as you type, open the agent.
    page.goto("/marketplace/search")
    page.get_by_test_id("marketplace-search").first.fill("word count reading time")
    card = page.get_by_test_id("listing-card").filter(has_text="Word Count and Reading Time")
    expect(card.first).to_be_visible()
    card.first.click()
    expect(page).to_have_url(re.compile(r"/marketplace/agent/word-count"))
    expect(page.get_by_test_id("add-to-library")).to_be_visible()
    expect(page.get_by_text("Word Count and Reading Time").first).to_be_visible()

    page.get_by_test_id("add-to-library").click()
    expect(page.get_by_text("In your library").first).to_be_visible()

    # In the Library, favourite it: it moves into the Favourites section.
    page.goto("/library")
    row = page.get_by_test_id("all-agents").get_by_test_id("library-card").filter(has_text="Word Count")
    expect(row.first).to_be_visible()
    favourites = page.get_by_test_id("favourites-section")
    expect(favourites.get_by_text("Word Count and Reading Time")).to_have_count(0)
    row.first.get_by_test_id("favourite-toggle").click()
    expect(favourites.get_by_text("Word Count and Reading Time").first).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("favourites-section").get_by_text("Word Count and Reading Time").first).to_be_visible()

    # Run from the marketplace page: the agent's run form, then the live run with its output.
    page.goto("/marketplace/search?q=word%20count")
    page.get_by_test_id("listing-card").filter(has_text="Word Count and Reading Time").first.click()
    page.get_by_test_id("run-agent").click()
    expect(page).to_have_url(re.compile(r"/library/agent/"))
    page.locator("#run-text").fill("one two three four five six seven eight nine ten")
    page.get_by_test_id("run-button").click()
    expect(page).to_have_url(re.compile(r"/runs/"))
    outputs = page.get_by_test_id("run-outputs")
    expect(outputs).to_be_visible(timeout=30_000)
    expect(outputs).to_contain_text("10")
    expect(outputs).to_contain_text("to read")
