"""Words and times a person reads: statuses as people write them, counts in the singular for one,
times on the viewer's own clock (the browser's time zone) and relative where it helps, schedules made
in the chat in the viewer's zone, a failed step explained in plain words, and a runs list that turns a
running run Completed without a reload."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_chat import find_rss_digest, send
from tests.e2e.test_runs import _link, _node, api_token, sleeper, upload

CALC = "b1ab9b19-67a6-406d-abf5-2dba76d00c79"
OUTPUT = "363ae599-353e-4804-937e-b2ee3cef3da4"


def divider() -> dict[str, Any]:
    """One over zero: the Calculator step fails."""
    return {
        "name": "Divider",
        "nodes": [_node("calc", CALC, operation="Divide", a=1, b=0), _node("out", OUTPUT, name="result")],
        "links": [_link("calc", "result", "out", "value")],
    }


def api(page: Page, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
    response = page.request.fetch(
        f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, data=body
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def start(page: Page, token: str, agent_id: str) -> str:
    graph_id = api(page, "GET", f"/library/agents/{agent_id}", token)["graph_id"]
    return api(page, "POST", f"/graphs/{graph_id}/executions", token, {"inputs": {}})["id"]


def wait_for(page: Page, token: str, run_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while (run := api(page, "GET", f"/executions/{run_id}", token))["status"] != status:
        assert time.monotonic() < deadline, f"the run is {run['status']}, not {status}"
        time.sleep(0.2)
    return run


def test_statuses_counts_and_times_read_as_people_write_them(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(timezone_id="Asia/Tokyo").new_page()
    email = unique_email("words")
    signup(page, email, "Word Reader")
    token = api_token(page, email)
    agent_id = upload(page, token, sleeper(3))

    # The runs list is open when a run starts elsewhere: it appears, then turns Completed, no reload.
    page.goto("/runs")
    expect(page.get_by_test_id("no-runs")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    run_id = start(page, token, agent_id)
    row = page.get_by_test_id("run-row")
    expect(row).to_have_count(1, timeout=35_000)  # heard on the user's channel (or the 30 s re-read)
    expect(row.locator("[data-status]").first).to_have_text(re.compile(r"^(Queued|Running)$"))
    expect(row.locator("[data-status]").first).to_have_text("Completed", timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True, "the runs list reloaded"
    expect(page.get_by_test_id("runs-pager")).to_have_text(re.compile(r"· 1 run$"))

    # Relative time, with the exact time on the viewer's (Tokyo) clock in its tooltip.
    started = row.get_by_test_id("run-started-at")
    expect(started).to_have_text(re.compile(r"^(just now|\d+ minutes? ago)$"))
    expect(started).to_have_attribute("title", re.compile(r"^\d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d JST$"))

    # The run page: status word and exact times in the viewer's zone; never an enum name.
    page.goto(f"/runs/{run_id}")
    expect(page.get_by_test_id("run-status")).to_have_text("Completed")
    expect(page.get_by_test_id("run-started")).to_contain_text("JST")
    expect(page.locator("body")).not_to_contain_text("COMPLETED")

    # The library and the agent's history: "1 run", never "1 runs".
    page.goto("/library")
    expect(page.get_by_test_id("library-card").filter(has_text="Sleeper")).to_contain_text(
        re.compile(r"(?<!\d)1 run(?!s)")
    )
    expect(page.locator("body")).not_to_contain_text("1 runs")
    page.goto(f"/library/agent/{agent_id}")
    expect(page.get_by_test_id("history-pager")).to_have_text(re.compile(r"· 1 run$"))
    expect(page.get_by_test_id("history-row").locator("[data-status]")).to_have_text("Completed")


def test_a_failed_step_is_explained_for_a_person(page: Page) -> None:
    email = unique_email("failure")
    signup(page, email, "Fail Reader")
    token = api_token(page, email)
    run = wait_for(page, token, start(page, token, upload(page, token, divider())), "FAILED")
    assert run["error"].startswith("The Calculator step failed: "), run["error"]

    page.goto("/notifications")
    row = page.get_by_test_id("notification-row").filter(has_text="Divider")
    expect(row).to_contain_text("The Calculator step failed:")
    expect(row).not_to_contain_text("Node '")
    expect(row).not_to_contain_text("Traceback")

    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notification-menu")).to_contain_text("The Calculator step failed:")
    page.keyboard.press("Escape")

    page.goto(f"/runs/{run['id']}")
    expect(page.get_by_test_id("run-status")).to_have_text("Failed")
    expect(page.get_by_test_id("run-error")).to_contain_text("The Calculator step failed:")


def test_a_schedule_made_in_the_chat_uses_the_viewers_zone(new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(timezone_id="America/New_York").new_page()
    signup(page, unique_email("chatzone"), "Zone Chatter")
    ordinal = find_rss_digest(page)
    # No zone named: the browser's (New York) is used, and the card says so.
    send(page, f"run the {ordinal} one every day at 9am with feed_url=https://example.com/feed.xml")
    card = page.get_by_test_id("schedule-created").last
    expect(card).to_contain_text("America/New_York")
    expect(page.get_by_test_id("chat-assistant").last).to_contain_text("America/New_York")
    page.goto("/schedules")
    row = page.get_by_test_id("schedule-row").filter(has_text="RSS Feed Digest")
    expect(row.get_by_test_id("schedule-timezone")).to_have_text("America/New_York")
