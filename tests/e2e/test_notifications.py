"""Notifications in the browser: the bell's count changes without a reload when an agent run (inside
the app) records notifications; the dropdown opens them; the centre filters, pages and marks them;
preferences are saved at once and kept."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import signup, unique_email
from tests.e2e.test_runs import _node, api_token, upload

SEND_NOTIFICATION = "044c8d8f-31c8-4b3d-b5d4-a3aab189d30d"


def notifier() -> dict[str, Any]:
    """One "Send notification" node: the run records an agent message (and its end, a "finished" one)."""
    return {
        "name": "Notifier",
        "description": "Tells its owner the report is ready.",
        "nodes": [
            _node("note", SEND_NOTIFICATION, title="Report ready", body="Your weekly report is done.", link="/library")
        ],
        "links": [],
    }


def api(page: Page, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
    response = page.request.fetch(
        f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, data=body
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def run_to_end(page: Page, token: str, graph_id: str) -> str:
    """Start a run through the REST API (the app's runner records the notifications); wait for its end."""
    run = api(page, "POST", f"/graphs/{graph_id}/executions", token, {"inputs": {}})
    deadline = time.monotonic() + 20
    while api(page, "GET", f"/executions/{run['id']}", token)["status"] != "COMPLETED":
        assert time.monotonic() < deadline, "the run did not complete"
        time.sleep(0.2)
    return run["id"]


def unread(page: Page, token: str) -> int:
    return api(page, "GET", "/notifications/unread-count", token)["unread"]


def expect_count(page: Page, count: int) -> None:
    badge = page.get_by_test_id("notification-count")
    if count:
        expect(badge).to_have_text(str(count))
    else:
        expect(badge).to_have_count(0)


def test_bell_dropdown_centre_and_preferences(page: Page) -> None:
    email = unique_email("bell")
    signup(page, email, "Bell Ringer")
    token = api_token(page, email)
    agent_id = upload(page, token, notifier())
    graph_id = api(page, "GET", f"/library/agents/{agent_id}", token)["graph_id"]

    # An open page, listening: no badge yet.
    page.goto("/library")
    expect(page.get_by_test_id("notification-bell")).to_have_attribute("data-live", "true")
    expect_count(page, 0)
    page.evaluate("window.__sameDocument = true")

    # The app runs the agent; its two notifications (the agent's message, the run's end) reach the
    # open page without a reload.
    run_id = run_to_end(page, token, graph_id)
    assert unread(page, token) == 2
    expect_count(page, 2)
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"

    # The dropdown lists them, newest first; clicking one marks it read and goes to its run.
    page.get_by_test_id("notification-bell").click()
    items = page.get_by_test_id("notification-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("“Notifier” finished")
    expect(items.last).to_contain_text("Report ready")
    expect(items.last).to_contain_text("Your weekly report is done.")
    expect(items.last).to_contain_text("just now")
    items.first.click()
    expect(page).to_have_url(re.compile(rf".*/runs/{run_id}$"))
    expect_count(page, 1)

    # Mark read and delete from the dropdown.
    page.get_by_test_id("notification-bell").click()
    expect(items).to_have_count(2)
    expect(items.first.get_by_test_id("notification-mark-read")).to_have_count(0)  # read already
    items.last.get_by_test_id("notification-mark-read").click()
    expect_count(page, 0)
    items.first.get_by_test_id("notification-delete").click()
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Report ready")
    page.get_by_test_id("notifications-see-all").click()
    expect(page).to_have_url(re.compile(r".*/notifications$"))

    # More news while the notification centre is open: the badge shows it, the list offers it.
    expect(page.get_by_test_id("notification-bell")).to_have_attribute("data-live", "true")
    rows = page.get_by_test_id("notification-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-unread", "false")
    run_to_end(page, token, graph_id)
    expect_count(page, 2)
    page.get_by_test_id("show-new").click()
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("centre-pager")).to_have_text("1–3 of 3")

    # Filters: one type; unread only; mark all read.
    page.get_by_test_id("type-filter").click()
    page.get_by_role("option", name="Messages from my agents").click()
    expect(rows).to_have_count(2)
    for i in range(2):
        expect(rows.nth(i)).to_contain_text("Report ready")
        expect(rows.nth(i).get_by_test_id("notification-type")).to_have_text("Messages from my agents")
    page.get_by_test_id("unread-only").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-unread", "true")
    page.get_by_test_id("type-filter").click()
    page.get_by_role("option", name="All types").click()
    expect(rows).to_have_count(2)
    page.get_by_test_id("centre-mark-all-read").click()
    expect(page.get_by_test_id("centre-empty")).to_have_text("No notifications match these filters.")
    expect_count(page, 0)
    page.get_by_test_id("unread-only").click()
    expect(rows).to_have_count(3)
    expect(page.locator("[data-testid=notification-row][data-unread=true]")).to_have_count(0)

    # Delete one; open one (it goes to its link).
    rows.first.get_by_test_id("notification-delete").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("centre-pager")).to_have_text("1–2 of 2")
    rows.first.get_by_test_id("notification-open").click()
    expect(page).to_have_url(re.compile(r".*/library$"))

    # Preferences: saved at once, with a toast, and kept after a reload.
    page.goto("/notifications?tab=preferences")
    row = page.locator("[data-testid=preference-row][data-type=run_completed]")
    expect(row).to_have_attribute("data-channel", "in_app")
    row.get_by_role("radio", name="E-mail").click()
    expect(page.get_by_text("A run finished: E-mail.")).to_be_visible()
    expect(row).to_have_attribute("data-channel", "email")
    digest = page.get_by_test_id("digest-switch")
    expect(digest).not_to_be_checked()
    digest.click()
    expect(page.get_by_text("Daily digest on.")).to_be_visible()
    page.reload()
    expect(row).to_have_attribute("data-channel", "email")
    expect(page.get_by_test_id("digest-switch")).to_be_checked()
    page.get_by_test_id("tab-inbox").click()
    expect(page.get_by_test_id("notification-row").first).to_be_visible()

    # At phone width the bell stays in the top bar and its dropdown fits the screen.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/notifications")
    page.get_by_test_id("notification-bell").click()
    menu = page.get_by_test_id("notification-menu")
    expect(menu.get_by_test_id("notification-item")).to_have_count(2)
    box = menu.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
