"""Credentials in the browser: add an API key (masked from then on), delete it, and per-user isolation."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import signup, unique_email


def open_credentials(page: Page) -> None:
    page.goto("/credentials")
    expect(page.get_by_role("button", name="Save credential")).to_be_visible()


def add_api_key(page: Page, title: str, secret: str) -> None:
    page.locator("input[name=title]").fill(title)
    page.locator("input[name=provider]").fill("openai")
    page.locator("input[name=api_key]").fill(secret)
    page.locator("input[name=model]").fill("gpt-4o-mini")
    page.get_by_role("button", name="Save credential").click()


def test_add_api_key_is_masked_then_deleted(page: Page, new_context: Callable[..., BrowserContext]) -> None:
    signup(page, unique_email("cred"), "Cred Keeper")
    open_credentials(page)
    expect(page.get_by_test_id("no-credentials")).to_be_visible()
    expect(page.locator("input[name=api_key]")).to_have_attribute("type", "password")

    secret = f"sk-canary-{uuid.uuid4().hex}"
    title = f"Work key {uuid.uuid4().hex[:6]}"
    add_api_key(page, title, secret)

    row = page.get_by_test_id("credential-row").filter(has_text=title)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("credential-hint")).to_have_text(f"sk-…{secret[-4:]}")
    expect(row).to_contain_text("openai")
    expect(row).to_contain_text("API key")
    expect(page.get_by_test_id("form-success")).to_contain_text("will not be shown again")
    expect(page.locator("input[name=api_key]")).to_have_value("")
    assert secret not in page.content()

    page.reload()
    expect(row).to_be_visible()
    assert secret not in page.content()

    # Another user sees none of it.
    other = new_context().new_page()
    signup(other, unique_email("cred-other"), "Someone Else")
    open_credentials(other)
    expect(other.get_by_test_id("no-credentials")).to_be_visible()
    expect(other.get_by_text(title)).to_have_count(0)
    assert secret not in other.content()

    # Delete asks first; cancelling keeps the row.
    row.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(title)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(row).to_be_visible()

    row.get_by_role("button", name="Delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("no-credentials")).to_be_visible()


def test_type_select_shows_matching_fields(page: Page) -> None:
    signup(page, unique_email("cred-types"), "Type Picker")
    open_credentials(page)
    expect(page.locator("input[name=provider]")).to_have_value("openai")

    page.get_by_role("combobox", name="Type").click()
    page.get_by_role("option", name="Username & password").click()
    expect(page.locator("input[name=api_key]")).to_have_count(0)
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    expect(page.locator("input[name=provider]")).to_have_value("smtp")

    password = f"canary-{uuid.uuid4().hex}"
    page.locator("input[name=title]").fill("Mail login")
    page.locator("input[name=username]").fill("mailer@example.com")
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=server_host]").fill("smtp.example.com")
    page.get_by_role("button", name="Save credential").click()
    row = page.get_by_test_id("credential-row").filter(has_text="Mail login")
    expect(row).to_contain_text("Username & password")
    expect(row.get_by_test_id("credential-hint")).to_have_text("—")
    assert password not in page.content()

    page.get_by_role("combobox", name="Type").click()
    page.get_by_role("option", name="Host-scoped headers").click()
    page.locator("input[name=title]").fill("Bad host")
    page.locator("input[name=host]").fill("https://api.example.com/path")
    page.locator("input[name=header_name_0]").fill("X-Api-Token")
    page.locator("input[name=header_value_0]").fill("tok-123")
    page.get_by_role("button", name="Save credential").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("no scheme, port or path")
    expect(page.get_by_test_id("credential-row")).to_have_count(1)
