"""Marketplace in the browser: home rows, live search and filters, an agent's page, library, reviews.

Listings are made through the REST API at the start (a creator signs up, uploads agents and
submits them; the admin approves), with a tag in every name so the tests find their own
listings whatever else (e.g. the seed catalogue) is in the marketplace.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, login, signup, unique_email
from tests.graphs.helpers import echo_graph, writer_graph

API = "/api/v1"


def api(base_url: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    """Call the app's REST API; fail the test with the answer on an error status."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.request(method, base_url + API + path, json=body, headers=headers, timeout=30)
    if response.status_code >= 400:
        pytest.fail(f"{method} {path} → {response.status_code}: {response.text}")
    return response.json() if response.content else None


def api_user(base_url: str, prefix: str, name: str) -> tuple[str, str]:
    """Sign up through the API; return (e-mail, token)."""
    email = unique_email(prefix)
    answer = api(base_url, "POST", "/auth/signup", {"email": email, "display_name": name, "password": USER_PASSWORD})
    return email, answer["access_token"]


DESCRIPTION = (
    "## What it does\n\nWrites a **first draft** of a blog post.\n\n"
    '<img src="/nope.png" onerror="window.__xss = 1">\n\n<script>window.__xss = 2</script>\n'
)


@pytest.fixture(scope="module")
def catalogue(base_url: str) -> dict[str, Any]:
    """Three approved listings by one creator; names and categories carry a per-run tag."""
    tag = "t" + uuid.uuid4().hex[:7]
    _email, creator = api_user(base_url, "creator", f"Maker {tag}")
    admin = api(base_url, "POST", "/auth/token", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})["access_token"]
    specs = {
        "writer": (
            writer_graph(),
            {
                "name": f"Quokka Blog Writer {tag}",
                "subheading": "Drafts blog posts in your tone",
                "description": DESCRIPTION,
                "categories": [f"writing-{tag}"],
                "changelog": "First public draft engine",
            },
        ),
        "echo": (
            echo_graph(),
            {
                "name": f"Quokka Echo {tag}",
                "subheading": "Says your topic back",
                "description": "Repeats what you give it.",
                "categories": [f"money-{tag}"],
            },
        ),
        "other": (
            echo_graph("Other"),
            {
                "name": f"Pangolin Recipe Finder {tag}",
                "subheading": "Finds a dinner idea",
                "description": "Suggests a recipe.",
                "categories": [f"food-{tag}"],
            },
        ),
    }
    listings: dict[str, Any] = {"tag": tag}
    for key, (spec, text) in specs.items():
        graph = api(base_url, "POST", "/graphs", spec, creator)
        sub = api(base_url, "POST", "/store/submissions", {"graph_id": graph["id"], **text}, creator)
        api(base_url, "POST", f"/store/admin/submissions/{sub['version_id']}/review", {"approve": True}, admin)
        listings[key] = {"slug": sub["slug"], "name": text["name"], "creator": sub["creator_username"]}
    return listings


def cards(page: Page, testid: str):
    return page.get_by_test_id(testid).get_by_test_id("listing-card")


def test_home_rows_live_search_filters_and_url(page: Page, catalogue: dict[str, Any]) -> None:
    tag = catalogue["tag"]
    signup(page, unique_email("shopper"), "Shopper")
    page.goto("/marketplace")
    expect(cards(page, "row-most-run").first).to_be_visible()
    expect(
        page.get_by_test_id("categories").get_by_test_id("category-chip").filter(has_text=f"money-{tag}")
    ).to_be_visible()

    # The home box shows matches while typing: no Enter pressed.
    page.get_by_test_id("marketplace-search").press_sequentially(tag, delay=40)
    expect(cards(page, "quick-results")).to_have_count(3)

    # A category chip opens the search filtered by it.
    page.goto("/marketplace")
    page.get_by_test_id("category-chip").filter(has_text=f"food-{tag}").click()
    expect(page).to_have_url(re.compile(rf"/marketplace/search\?category=food-{tag}$"))
    expect(cards(page, "search-results")).to_have_count(1)
    expect(cards(page, "search-results")).to_contain_text(catalogue["other"]["name"])

    page.goto("/marketplace/search")
    box = page.get_by_test_id("marketplace-search")
    box.press_sequentially(f"quokka {tag}", delay=40)
    results = cards(page, "search-results")
    expect(results).to_have_count(2)
    expect(page.get_by_test_id("search-results")).to_contain_text(catalogue["writer"]["name"])
    expect(page.get_by_test_id("search-results")).to_contain_text(catalogue["echo"]["name"])
    expect(page.get_by_test_id("page-range")).to_have_text("1–2 of 2")
    expect(page).to_have_url(re.compile(rf"q=quokka%20{tag}"))

    page.get_by_role("combobox", name="Category").click()
    page.get_by_role("option", name=f"money-{tag} (1)").click()
    expect(results).to_have_count(1)
    expect(results).to_contain_text(catalogue["echo"]["name"])
    expect(page).to_have_url(re.compile(rf"q=quokka%20{tag}&category=money-{tag}"))

    # The URL reproduces the search.
    page.reload()
    expect(page.get_by_test_id("marketplace-search")).to_have_value(f"quokka {tag}")
    expect(results).to_have_count(1)
    expect(page.get_by_role("combobox", name="Category")).to_contain_text(f"money-{tag}")

    # Nothing found: the empty state offers a way out. (An exact phrase in quotes is matched by its words
    # alone; unquoted words would also bring the agents closest in meaning.)
    box = page.get_by_test_id("marketplace-search")
    box.fill("")
    box.press_sequentially('"zebra xylophone"', delay=40)
    expect(page.get_by_test_id("no-results")).to_be_visible()
    page.get_by_test_id("clear-filters").click()
    expect(page).not_to_have_url(re.compile("category="))

    # Sort by name, on the creator's listings.
    page.goto(f"/marketplace/search?q={tag}&sort=name")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text(catalogue["other"]["name"])
    expect(results.nth(1)).to_contain_text(catalogue["writer"]["name"])
    expect(results.nth(2)).to_contain_text(catalogue["echo"]["name"])


def test_agent_page_library_run_and_review(page: Page, catalogue: dict[str, Any], base_url: str) -> None:
    email, token = api_user(base_url, "reviewer", "Rita Reviewer")
    login(page, email, USER_PASSWORD)

    writer = catalogue["writer"]
    page.goto(f"/marketplace/agent/{writer['slug']}")
    expect(page.get_by_test_id("listing-title")).to_have_text(writer["name"])
    inputs = page.get_by_test_id("input-row")
    expect(inputs).to_have_count(3)
    expect(inputs.first).to_contain_text("Topic")
    expect(inputs.first).to_contain_text("required")
    expect(inputs.nth(2)).to_contain_text("one of: friendly, formal")
    expect(page.get_by_test_id("credential-need")).to_contain_text("openai")
    expect(page.get_by_test_id("version-row")).to_contain_text("First public draft engine")
    # Markdown renders; raw HTML in it does not.
    description = page.get_by_test_id("listing-description")
    expect(description.locator("h2")).to_have_text("What it does")
    expect(description.locator("strong")).to_have_text("first draft")
    expect(description.locator("img, script")).to_have_count(0)
    assert page.evaluate("window.__xss") is None

    # Not run yet: no review form, and the reason why.
    expect(page.get_by_test_id("review-refusal")).to_have_text("Run this agent before reviewing it.")
    expect(page.get_by_test_id("review-form")).to_have_count(0)

    page.get_by_test_id("add-to-library").click()
    expect(page.get_by_test_id("in-library")).to_contain_text("In your library")
    expect(page.get_by_test_id("add-to-library")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("in-library")).to_be_visible()
    agent_href = page.get_by_test_id("open-library-agent").get_attribute("href") or ""
    assert re.fullmatch(r"/library/agent/[\w-]+", agent_href), agent_href
    mine = api(base_url, "GET", "/library/agents", token=token)["items"]
    assert [a["name"] for a in mine] == ["Writer"]

    # The creator link opens the creator's page with their listings.
    page.get_by_test_id("creator-link").click()
    expect(page).to_have_url(re.compile(rf"/marketplace/creator/{writer['creator']}$"))
    expect(page.get_by_test_id("creator-name")).to_have_text(f"Maker {catalogue['tag']}")
    expect(cards(page, "creator-listings")).to_have_count(3)

    # Run adds the agent (once) and opens its run form in the library.
    echo = catalogue["echo"]
    page.goto(f"/marketplace/agent/{echo['slug']}")
    page.get_by_test_id("run-agent").click()
    expect(page).to_have_url(re.compile(r"/library/agent/[\w-]+$"))
    agent_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    graph_id = api(base_url, "GET", f"/library/agents/{agent_id}", token=token)["graph_id"]
    assert len(api(base_url, "GET", "/library/agents", token=token)["items"]) == 2

    # After a run, the review form; one review per user, editable.
    api(base_url, "POST", f"/graphs/{graph_id}/executions", {"inputs": {"topic": "hello"}}, token)
    page.goto(f"/marketplace/agent/{echo['slug']}")
    expect(page.get_by_test_id("in-library")).to_be_visible()
    form = page.get_by_test_id("review-form")
    page.get_by_test_id("review-star-4").click()
    form.get_by_label("Comment").fill("Does what it says.")
    page.get_by_test_id("save-review").click()
    expect(page.get_by_test_id("form-success")).to_contain_text("your review is published")
    review = page.get_by_test_id("review")
    expect(review).to_have_count(1)
    expect(review).to_contain_text("Rita Reviewer")
    expect(review).to_contain_text("Does what it says.")
    expect(page.get_by_test_id("reviews").get_by_test_id("rating").first).to_contain_text("4.0")

    page.reload()
    expect(page.get_by_test_id("review-form").get_by_label("Comment")).to_have_value("Does what it says.")
    page.get_by_test_id("review-star-2").click()
    page.get_by_test_id("review-form").get_by_label("Comment").fill("Slower today.")
    page.get_by_test_id("save-review").click()
    expect(page.get_by_test_id("form-success")).to_have_text("Your review was updated.")
    expect(review).to_have_count(1)
    expect(review).to_contain_text("Slower today.")
    expect(page.get_by_test_id("reviews").get_by_test_id("rating").first).to_contain_text("2.0")


def test_unknown_agent_and_creator_show_not_found(page: Page) -> None:
    signup(page, unique_email("lost"), "Lost Visitor")
    page.goto(f"/marketplace/agent/no-such-agent-{uuid.uuid4().hex[:6]}")
    expect(page.get_by_test_id("listing-not-found")).to_contain_text("Agent not found")
    page.goto("/marketplace/creator/nobody-here-at-all")
    expect(page.get_by_test_id("creator-not-found")).to_contain_text("Creator not found")
    page.get_by_role("button", name="Back to the marketplace").click()
    expect(page).to_have_url(re.compile(r"/marketplace/?$"))
