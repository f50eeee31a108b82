"""Every main page passes axe-core (the npm release pinned in ``tests/e2e/axe.py``) with no serious or
critical violation: form fields and icon buttons have accessible names, contrast is enough, and so on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.axe import axe_script, blocking_violations, describe
from tests.e2e.conftest import _unavailable
from tests.e2e.pages import VISITOR_PAGES, MainPage, admin_pages, open_page, user_pages


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
