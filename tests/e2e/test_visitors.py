"""A visitor's first look: the marketplace is open without an account and every card shows its agent's
own picture; actions ask to log in and come back to the same page; login never sends anyone to
another site; unknown addresses get a page inside the app; the favicon and logo are served."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import USER_PASSWORD, signup, unique_email
from tests.e2e.test_chat import send

AGENT = "rss-feed-digest"
AGENT_PATH = f"/marketplace/agent/{AGENT}"


def card_images(page: Page, within: str = "") -> list[str]:
    """The ``src`` of the picture on every listing card (of the part ``within``); each one is served."""
    cards = (page.get_by_test_id(within) if within else page).get_by_test_id("listing-card")
    expect(cards.first).to_be_visible()
    images = cards.locator("img")
    expect(images).to_have_count(cards.count())
    # Pictures load lazily (a row scrolls sideways): the first has loaded, and every one is there to load.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.first.element_handle())
    sources = [img.get_attribute("src") for img in images.element_handles()]
    for src in set(sources):
        assert page.request.get(src).status == 200, src
    return sources


def sign_up_as(page: Page, name: str) -> str:
    """Sign up in a browser of its own (then log out) and return the e-mail address."""
    email = unique_email("visitor")
    signup(page, email, name)
    page.get_by_test_id("account-menu").click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    return email


def test_favicon_logo_and_agent_pictures_are_served(page: Page) -> None:
    icon = page.request.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    for path in ("/logo.svg", f"/agents/{AGENT}.svg", "/creators/northwind-labs.svg", "/categories/finance.svg"):
        answer = page.request.get(path)
        assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg+xml"), path
    page.goto("/marketplace")
    logo = page.get_by_test_id("brand-logo").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=logo.element_handle())
    assert page.locator("link[rel=icon][href='/logo.svg']").count() == 1


def test_a_visitor_browses_the_marketplace_and_every_card_shows_its_own_picture(page: Page) -> None:
    page.goto("/marketplace")
    expect(page).to_have_url(re.compile(r"/marketplace/?$"))  # no detour through the login page
    # Visitors see the pages they can open, not the ones behind an account.
    expect(page.get_by_test_id("nav-marketplace").first).to_be_visible()
    expect(page.get_by_test_id("nav-chat").first).to_be_visible()
    expect(page.get_by_test_id("nav-library")).to_have_count(0)
    expect(page.get_by_test_id("guest-login")).to_have_attribute("href", re.compile(r"^/login\?next=/marketplace/?$"))

    featured = card_images(page, "row-featured")
    assert len(featured) >= 3 and len(set(featured)) == len(featured), featured
    assert all(src.startswith("/agents/") for src in featured)
    home = card_images(page)
    # Not one placeholder shared by every card: each card (a link to its agent) shows that agent's own
    # picture; an agent published without one (by another test) shows its category's illustration.
    targets = [card.get_attribute("href") for card in page.get_by_test_id("listing-card").element_handles()]
    assert len(targets) == len(home)
    own = 0
    for target, src in zip(targets, home, strict=True):
        slug = target.rstrip("/").rsplit("/", 1)[-1]
        # never another agent's picture (an uploaded image or a category's illustration is fine)
        assert src == f"/agents/{slug}.svg" or not src.startswith("/agents/"), (target, src)
        own += src == f"/agents/{slug}.svg"
    assert own >= 8 and len(set(home)) >= 8

    page.goto("/marketplace/search?q=calculator")
    found = card_images(page)
    assert len(found) >= 3 and len(set(found)) == len(found)

    page.goto("/marketplace/creator/northwind-labs")
    expect(page.get_by_role("heading", name="Northwind Labs")).to_be_visible()
    creator = card_images(page)
    assert len(set(creator)) == len(creator)
    avatar = page.locator("img[src='/creators/northwind-labs.svg']")
    expect(avatar).to_be_visible()

    page.goto(AGENT_PATH)
    expect(page.get_by_test_id("listing-title")).to_have_text("RSS Feed Digest")
    picture = page.locator(f"img[src='/agents/{AGENT}.svg']")
    expect(picture).to_be_visible()
    expect(page.get_by_test_id("listing-description")).to_contain_text("RSS or Atom feed")
    expect(page.get_by_test_id("review-login")).to_be_visible()  # read-only: no review form
    expect(page.get_by_test_id("review-form")).to_have_count(0)


def test_add_to_library_asks_a_visitor_to_log_in_and_comes_back_to_the_agent(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    email = sign_up_as(new_context().new_page(), "Returning Visitor")

    page.goto(AGENT_PATH)
    expect(page.get_by_test_id("listing-title")).to_have_text("RSS Feed Digest")
    page.get_by_test_id("add-to-library").click()
    expect(page).to_have_url(re.compile(r"/login/?\?next=/marketplace/agent/rss-feed-digest$"))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(USER_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Back on the same agent, logged in: now the action works.
    expect(page).to_have_url(re.compile(rf"{AGENT_PATH}$"))
    expect(page.get_by_test_id("account-menu")).to_contain_text("Returning Visitor")
    page.get_by_test_id("add-to-library").click()
    expect(page.get_by_test_id("in-library")).to_be_visible()


def test_sign_up_from_a_review_button_comes_back_too(page: Page) -> None:
    page.goto(AGENT_PATH)
    page.get_by_test_id("review-login").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/login/?\?next=/marketplace/agent/rss-feed-digest$"))
    # "Sign up" on the login page keeps where to return.
    page.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/signup/?\?next=/marketplace/agent/rss-feed-digest$"))
    page.locator("input[name=email]").fill(unique_email("reviewer"))
    page.locator("input[name=display_name]").fill("New Reviewer")
    page.locator("input[name=password]").fill(USER_PASSWORD)
    page.locator("input[name=confirm]").fill(USER_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(rf"{AGENT_PATH}$"))
    expect(page.get_by_test_id("review-refusal")).to_contain_text("Run this agent before reviewing it")


def test_login_refuses_to_send_anyone_to_another_site(page: Page, new_context: Callable[..., BrowserContext]) -> None:
    email = sign_up_as(new_context().new_page(), "Careful Clicker")
    for target in ("https://evil.example/phish", "//evil.example", "/%5Cevil.example"):
        fresh = new_context().new_page()
        fresh.goto(f"/login?next={target}")
        fresh.locator("input[name=email]").fill(email)
        fresh.locator("input[name=password]").fill(USER_PASSWORD)
        fresh.get_by_role("button", name="Log in").click()
        expect(fresh.get_by_test_id("account-menu")).to_be_visible()
        expect(fresh).to_have_url(re.compile(r"^http://localhost:\d+/(\?.*)?$"))  # home of this site
        fresh.context.close()


def test_an_unknown_address_shows_a_page_inside_the_app(page: Page) -> None:
    answer = page.goto("/no/such/page")
    assert answer is not None and answer.status == 404
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    expect(page.get_by_test_id("not-found-path")).to_have_text("/no/such/page")
    expect(page.get_by_test_id("nav-marketplace").first).to_be_visible()  # the shell's navigation
    page.get_by_role("link", name="Browse the marketplace").click()
    expect(page).to_have_url(re.compile(r"/marketplace/?$"))
    expect(page.get_by_test_id("listing-card").first).to_be_visible()


def test_chat_cards_show_the_agents_picture_and_details_open_its_public_page(page: Page) -> None:
    page.goto("/")
    send(page, "find me a calculator")
    carousel = page.get_by_test_id("agent-carousel").last
    expect(carousel.get_by_test_id("agent-card").first).to_be_visible()
    pictures = carousel.get_by_test_id("agent-image")
    sources = [img.get_attribute("src") for img in pictures.element_handles()]
    assert len(sources) > 1 and len(set(sources)) == len(sources), sources
    assert all(src.startswith("/agents/") for src in sources)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pictures.first.element_handle())

    first = carousel.get_by_test_id("agent-card").first
    name = first.get_by_test_id("agent-name").inner_text()
    first.get_by_role("button", name=f"Details of {name}").click()
    expect(page).to_have_url(re.compile(r"/marketplace/agent/[a-z0-9-]+$"))
    expect(page.get_by_test_id("listing-title")).to_have_text(name)
    expect(page.locator(f"img[src='{sources[0]}']")).to_be_visible()  # the same picture as in the chat
