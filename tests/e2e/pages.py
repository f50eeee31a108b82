"""The app's main pages with real content behind them, for the checks that walk every page
(accessibility with axe-core, the phone layout)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login, signup, unique_email
from tests.e2e.test_runs import api_token, shouter, upload

#: A seeded marketplace agent (its page is public).
SEED_SLUG = "rss-feed-digest"


@dataclass(frozen=True)
class MainPage:
    """One page to check: a name for messages, its path, and a test id that shows once it has loaded."""

    name: str
    path: str
    ready: str = ""


def _api(page: Page, method: str, path: str, token: str, body: dict | None = None) -> dict:
    response = page.request.fetch(
        f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, data=body
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json()


def user_pages(page: Page) -> list[MainPage]:
    """Sign up a person with an agent, a finished run and a schedule; return the pages they see."""
    email = unique_email("pages")
    signup(page, email, "Page Walker")
    token = api_token(page, email)
    agent_id = upload(page, token, shouter())
    graph_id = _api(page, "GET", f"/library/agents/{agent_id}", token)["graph_id"]
    run = _api(page, "POST", f"/graphs/{graph_id}/executions", token, {"inputs": {"topic": "otters"}})
    deadline = time.monotonic() + 30
    while _api(page, "GET", f"/executions/{run['id']}", token)["status"] != "COMPLETED":
        assert time.monotonic() < deadline, "the run did not complete"
        time.sleep(0.3)
    schedule = {"graph_id": graph_id, "name": "Morning shout", "cron": "0 9 * * *", "timezone": "Europe/Paris"}
    _api(page, "POST", "/schedules", token, {**schedule, "inputs": {"topic": "otters"}})
    hook = {"kind": "webhook", "graph_id": graph_id, "name": "Shop orders", "input_mapping": {"topic": "$.item"}}
    trigger = _api(page, "POST", "/triggers", token, hook)
    refused = page.request.post(trigger["webhook_url"], data=b"{}")  # one delivery for its log
    assert refused.status == 401, refused.text()
    return [
        MainPage("chat", "/", "chat-input"),
        MainPage("marketplace home", "/marketplace"),
        MainPage("agent page", f"/marketplace/agent/{SEED_SLUG}"),
        MainPage("library", "/library"),
        MainPage("library agent", f"/library/agent/{agent_id}", "agent-name"),
        MainPage("builder", f"/build/{graph_id}", "builder-canvas"),
        MainPage("runs", "/runs", "run-row"),
        MainPage("run page", f"/runs/{run['id']}", "run-status"),
        MainPage("schedules", "/schedules", "schedule-row"),
        MainPage("trigger page", f"/library/triggers/{trigger['id']}", "delivery-row"),
        MainPage("notifications", "/notifications", "notification-row"),
        MainPage("credentials", "/credentials"),
        MainPage("account", "/account"),
        MainPage("my submissions", "/submissions"),
    ]


def admin_pages(page: Page) -> list[MainPage]:
    """Log in as the admin; return the admin pages."""
    login(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    return [
        MainPage("admin users", "/admin/users", "user-row"),
        MainPage("admin submissions", "/admin/submissions"),
    ]


VISITOR_PAGES = [
    MainPage("login", "/login"),
    MainPage("signup", "/signup"),
    MainPage("forgot password", "/forgot-password"),
    MainPage("reset password", "/reset-password?token=not-a-token"),
    MainPage("verify e-mail", "/verify-email?token=not-a-token", ready="form-error"),
]


def open_page(page: Page, main: MainPage) -> None:
    """Open a page and wait until it shows its content (and the app's network is quiet)."""
    page.goto(main.path)
    page.wait_for_load_state("networkidle")
    if main.ready:
        expect(page.get_by_test_id(main.ready).first).to_be_visible()
    else:
        expect(page.get_by_role("heading").first).to_be_visible()
    page.wait_for_timeout(300)  # let late state (counts, images) settle
