"""At 390 px wide (a phone) no main page scrolls sideways, and no box (a table in its card) hides content
sideways. The chat page's own phone layout is tested
with the chat (``test_chat*.py``)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page

from tests.e2e.pages import VISITOR_PAGES, MainPage, admin_pages, open_page, user_pages

PHONE = {"width": 390, "height": 844}

_OVERFLOW = """() => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > root.clientWidth + 1; })
        .filter(e => !e.closest('[data-radix-scroll-area-viewport], .rt-TableRoot, [style*="overflow"]'))
        .slice(0, 5)
        .map(e => `${e.tagName.toLowerCase()}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''}`
                  + ` right=${Math.round(e.getBoundingClientRect().right)}`);
    // A table cut off inside the box that holds it (rows of cards that scroll sideways are meant to).
    const cut = [...document.querySelectorAll('body *')]
        .filter(e => { const s = getComputedStyle(e); return ['auto', 'scroll', 'hidden'].includes(s.overflowX)
                        && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && e.querySelector('table'); })
        .slice(0, 5)
        .map(e => `${e.tagName.toLowerCase()}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''}`
                  + ` ${e.scrollWidth}>${e.clientWidth}`);
    return {scroll: root.scrollWidth, client: root.clientWidth, wide, cut};
}"""


def _sideways(page: Page, pages: list[MainPage], problems: dict[str, str]) -> None:
    for main in pages:
        open_page(page, main)
        found = page.evaluate(_OVERFLOW)
        if found["scroll"] > found["client"]:
            problems[main.name] = f"{found['scroll']} px wide in {found['client']} px; too wide: {found['wide']}"
        elif found["cut"]:
            problems[main.name] = f"content cut off sideways in: {found['cut']}"


def test_no_main_page_scrolls_sideways_on_a_phone(new_context: Callable[..., BrowserContext]) -> None:
    problems: dict[str, str] = {}
    visitor = new_context(viewport=PHONE).new_page()
    _sideways(visitor, VISITOR_PAGES, problems)
    page = new_context(viewport=PHONE).new_page()
    pages = [p for p in user_pages(page) if p.name != "chat"]
    _sideways(page, pages, problems)
    admin = new_context(viewport=PHONE).new_page()
    _sideways(admin, admin_pages(admin), problems)
    assert not problems, "\n".join(f"{name}: {text}" for name, text in problems.items())
