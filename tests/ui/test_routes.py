"""Where login sends people back: only to a page of this site, never to an address a link smuggles in."""

from __future__ import annotations

import pytest

from autogpt_app.ui import routes


@pytest.mark.parametrize(
    "target",
    [
        "/marketplace/agent/rss-feed-digest",
        "/marketplace/search?q=loan&sort=name",
        "/",
    ],
)
def test_a_same_site_path_is_kept(target: str) -> None:
    assert routes.safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/login",
        "/signup?next=/x",
        "/forgot-password",
        "/reset-password?token=abc",
        "",
        None,
    ],
)
def test_other_sites_schemes_and_the_login_pages_themselves_are_refused(target: str | None) -> None:
    assert routes.safe_next(target) == ""


def test_login_links_carry_a_safe_next_only() -> None:
    assert routes.login_with_next("/marketplace/agent/x") == "/login?next=/marketplace/agent/x"
    assert routes.login_with_next("/marketplace/search?q=a b") == "/login?next=/marketplace/search%3Fq%3Da%20b"
    assert routes.login_with_next("https://evil.example") == "/login"
    assert routes.login_with_next("/x", routes.SIGNUP) == "/signup?next=/x"
