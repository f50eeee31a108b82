"""Every main page passes axe-core (the npm release pinned in ``tests/e2e/axe.py``) with no serious or
critical violation: form fields and icon buttons have accessible names, contrast is enough, and so on."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.axe import axe_script, blocking_violations, describe
from tests.e2e.conftest import _unavailable
from tests.e2e.pages import VISITOR_PAGES, MainPage, admin_pages, open_page, user_pages
from tests.e2e.test_chat import find_rss_digest, send


@pytest.fixture(scope="module")
def axe() -> str:
    try:
        return axe_script()
    except RuntimeError as exc:
        _unavailable(str(exc))
        raise


def _check(page: Page, pages: list[MainPage], axe: str, problems: dict[str, str]) -> None:
    for main in pages:
        open_page(page, main)
        found = blocking_violations(page, axe)
        if found:
            problems[main.name] = describe(found)


def test_main_pages_have_no_serious_accessibility_violations(
    page: Page, new_context: Callable[..., BrowserContext], axe: str
) -> None:
    problems: dict[str, str] = {}
    visitor = new_context().new_page()
    _check(visitor, VISITOR_PAGES, axe, problems)
    _check(page, user_pages(page), axe, problems)
    admin = new_context().new_page()
    _check(admin, admin_pages(admin), axe, problems)
    assert not problems, "\n".join(f"{name}:\n{text}" for name, text in problems.items())


def test_icon_buttons_name_what_they_act_on(page: Page) -> None:
    """A favourite star says which agent it favourites; the run list's refresh says what it refreshes."""
    pages = user_pages(page)
    open_page(page, next(p for p in pages if p.name == "library"))
    expect(page.get_by_role("button", name="Add Shouter to favourites")).to_be_visible()
    open_page(page, next(p for p in pages if p.name == "runs"))
    expect(page.get_by_role("button", name="Refresh the list of runs")).to_be_visible()


def test_dialogs_chat_cards_and_preferences_have_no_serious_violations(
    page: Page, new_context: Callable[..., BrowserContext], axe: str
) -> None:
    """What opens on top of a page: every field of the dialogs, cards and preferences has a name."""
    problems: dict[str, str] = {}

    def check(name: str, where: Page = page) -> None:
        found = blocking_violations(where, axe)
        if found:
            problems[name] = describe(found)

    pages = {p.name: p for p in user_pages(page)}

    open_page(page, pages["library"])
    page.get_by_test_id("upload-agent").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check("upload dialog")
    page.keyboard.press("Escape")

    open_page(page, pages["library agent"])
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("schedule-dialog")).to_be_visible()
    check("schedule dialog")
    page.keyboard.press("Escape")

    open_page(page, pages["notifications"])
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notification-menu")).to_be_visible()
    check("notification bell")
    page.keyboard.press("Escape")
    page.get_by_test_id("tab-preferences").click()
    expect(page.get_by_role("tabpanel", name="Preferences")).to_be_visible()
    check("notification preferences")

    open_page(page, pages["chat"])
    ordinal = find_rss_digest(page)
    check("chat agent cards")
    send(page, f"run the {ordinal} one")
    expect(page.get_by_test_id("inputs-needed").last).to_be_visible()
    check("chat inputs card")

    admin = new_context().new_page()
    open_page(admin, admin_pages(admin)[0])
    admin.get_by_test_id("user-row").filter(has_text="Page Walker").first.get_by_role(
        "button", name=re.compile("^Disable ")
    ).click()
    expect(admin.get_by_role("alertdialog")).to_be_visible()
    check("admin disable confirmation", admin)

    assert not problems, "\n".join(f"{name}:\n{text}" for name, text in problems.items())
