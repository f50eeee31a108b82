"""Account e-mails in the browser, with the app sending real SMTP to the suite's server: "Forgot password?"
→ reset link → new password; the "verify your e-mail" notice, resend, and the verification link; API-key
scopes and "Log out everywhere" on the account page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.conftest import USER_PASSWORD, fill_login, login, logout, signup, unique_email
from tests.fakes.smtp_inbox import Inbox, link_in

NEW_PASSWORD = "Copper-Willow-Harbor-61"
LOGIN_URL = re.compile(r"/login/?(\?.*)?$")


def path_of(link: str) -> str:
    """The link's path and query, opened on the app under test."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def mails(inbox: Inbox, address: str, subject: str, count: int = 1):
    inbox.wait_until(address, count=count, within=30)
    return [m for m in inbox.messages_to(address) if m["Subject"] == subject]


def test_forgot_password_sends_a_link_that_sets_a_new_password(page: Page, inbox: Inbox) -> None:
    email = unique_email("forgot")
    signup(page, email, "Forgetful Fay")
    logout(page)

    page.get_by_test_id("forgot-password").click()
    expect(page).to_have_url(re.compile(r"/forgot-password"))
    page.locator("input[name=email]").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    answer = page.get_by_test_id("form-success")
    expect(answer).to_contain_text("If an account exists for that address")
    generic = answer.inner_text()
    # An address without an account gets the very same answer.
    page.reload()
    page.locator("input[name=email]").fill(unique_email("nobody"))
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_test_id("form-success")).to_have_text(generic)

    (reset,) = mails(inbox, email, "Reset your password", count=2)  # after the verification mail
    link = link_in(reset, "/reset-password")
    page.goto(path_of(link))
    page.locator("input[name=new_password]").fill(NEW_PASSWORD)
    page.locator("input[name=confirm]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_test_id("account-menu")).to_contain_text("Forgetful Fay")  # logged in with it

    logout(page)
    fill_login(page, email, USER_PASSWORD)
    expect(page.get_by_role("alert").filter(has_text="Incorrect e-mail or password")).to_be_visible()
    login(page, email, NEW_PASSWORD, name="Forgetful Fay")

    # The link worked once.
    page.goto(path_of(link))
    page.locator("input[name=new_password]").fill("Another-Pass-Word-77")
    page.locator("input[name=confirm]").fill("Another-Pass-Word-77")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("invalid, used or expired")


def test_verify_notice_resend_and_link(page: Page, inbox: Inbox) -> None:
    email = unique_email("verify")
    signup(page, email, "Vera Verify")
    notice = page.get_by_test_id("verify-notice")
    expect(notice).to_contain_text("Please verify your e-mail address")
    expect(notice).to_contain_text(email)
    notice.get_by_role("button", name="Send the link again").click()
    expect(notice).to_contain_text(f"We sent a new link to {email}")

    first, latest = mails(inbox, email, "Confirm your e-mail address", count=2)
    page.goto(path_of(link_in(latest, "/verify-email")))
    expect(page.get_by_test_id("form-success")).to_contain_text(f"{email} is verified")
    page.goto("/library")
    expect(page.get_by_role("heading", name="Library")).to_be_visible()
    expect(page.get_by_test_id("verify-notice")).to_have_count(0)
    # The older link was retired by the newer one's use.
    page.goto(path_of(link_in(first, "/verify-email")))
    expect(page.get_by_test_id("form-error")).to_contain_text("invalid, used or expired")


def test_account_page_key_scopes_and_log_out_everywhere(page: Page) -> None:
    email = unique_email("scopes")
    signup(page, email, "Scoped Sam")
    page.goto("/account")
    page.get_by_placeholder("Key name, e.g. laptop script").fill("reader")
    page.get_by_test_id("scope-run").click()  # untick: read only
    page.get_by_test_id("key-expiry").click()
    page.get_by_role("option", name="30 days").click()
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("new-api-key").inner_text().strip()
    row = page.get_by_role("row").filter(has_text="reader")
    expect(row.get_by_test_id("key-scopes")).to_have_text("read")
    expect(row.get_by_test_id("key-expires")).not_to_have_text("never")
    expect(row.get_by_test_id("key-last-used")).to_have_text("never")

    assert page.request.get("/api/v1/me", headers={"X-API-Key": secret}).status == 200
    refused = page.request.post("/api/v1/graphs/nope/executions", headers={"X-API-Key": secret}, data={"inputs": {}})
    assert refused.status == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    minted = page.request.post("/api/v1/me/api-keys", headers={"X-API-Key": secret}, data={"name": "child"})
    assert minted.status == 403 and minted.json()["error"]["code"] == "login_required"
    page.reload()
    expect(page.get_by_role("row").filter(has_text="reader").get_by_test_id("key-last-used")).not_to_have_text("never")

    page.get_by_test_id("logout-revoke-keys").click()
    page.get_by_role("button", name="Log out everywhere").click()
    expect(page).to_have_url(LOGIN_URL)
    gone = page.request.get("/api/v1/me", headers={"X-API-Key": secret})
    assert gone.status == 401 and gone.json()["error"]["code"] == "invalid_api_key"
