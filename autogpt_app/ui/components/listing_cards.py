"""Marketplace pieces shared by its pages.

Listing cards and rows and grids of them, rating stars, category chips, the pager, the loading
spinner and the "not found" panel.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.pager import pager as shared_pager
from autogpt_app.ui.states.marketplace import CategoryChip, ListingCard

CARD_WIDTH = "15rem"
CLAMP_TWO_LINES = {
    "display": "-webkit-box",
    "WebkitLineClamp": "2",
    "WebkitBoxOrient": "vertical",
    "overflow": "hidden",
}


def rating_stars(rating: rx.Var, size: int = 14) -> rx.Component:
    """Five stars, filled to the nearest half of ``rating`` (0 = unrated, all empty)."""

    def star(position: int) -> rx.Component:
        full = rx.icon("star", size=size, color=rx.color("amber", 9), fill=rx.color("amber", 9))
        half = rx.icon("star-half", size=size, color=rx.color("amber", 9), fill=rx.color("amber", 9))
        empty = rx.icon("star", size=size, color=rx.color("gray", 8), fill="none")
        return rx.cond(rating >= position - 0.25, full, rx.cond(rating >= position - 0.75, half, empty))

    return rx.hstack(*[star(i) for i in range(1, 6)], spacing="0", align="center", aria_hidden="true")


def rating_summary(rating: rx.Var, label: rx.Var, count: rx.Var, size: int = 14) -> rx.Component:
    """Stars, the average and how many rated (``★★★★☆ 4.2 (12)``)."""
    return rx.hstack(
        rating_stars(rating, size),
        rx.text(label, size="1", weight="medium", white_space="nowrap"),
        rx.cond(count > 0, rx.text("(", count, ")", size="1", color_scheme="gray"), rx.fragment()),
        spacing="1",
        align="center",
        data_testid="rating",
    )


def listing_image(url: rx.Var, height: str = "8rem", icon_size: int = 40) -> rx.Component:
    """The listing's image, or a placeholder icon when it has none."""
    return rx.cond(
        url != "",
        rx.image(
            src=url,
            alt="",
            width="100%",
            height=height,
            object_fit="cover",
            border_radius="8px",
            loading="lazy",
            referrer_policy="no-referrer",
        ),
        rx.center(
            rx.icon("bot", size=icon_size, color=rx.color("violet", 9)),
            width="100%",
            height=height,
            border_radius="8px",
            background=rx.color("violet", 3),
        ),
    )


def listing_card(item: ListingCard) -> rx.Component:
    """A clickable card: image, name, creator, subheading, rating and runs."""
    return rx.link(
        rx.card(
            rx.vstack(
                listing_image(item.image_url),
                rx.hstack(
                    rx.text(item.name, weight="bold", size="3", trim="both", data_testid="listing-name"),
                    rx.cond(item.featured, rx.badge("Featured", color_scheme="amber", size="1"), rx.fragment()),
                    justify="between",
                    align="start",
                    width="100%",
                ),
                rx.text("by ", item.creator_name, size="1", color_scheme="gray"),
                rx.text(item.subheading, size="2", color_scheme="gray", style=CLAMP_TWO_LINES, min_height="2.5em"),
                rx.hstack(
                    rating_summary(item.rating, item.rating_label, item.rating_count),
                    rx.spacer(),
                    rx.hstack(
                        rx.icon("play", size=12),
                        rx.text(item.runs_label, size="1", white_space="nowrap"),
                        spacing="1",
                        align="center",
                        color=rx.color("gray", 11),
                    ),
                    width="100%",
                    align="center",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
            height="100%",
            _hover={"border_color": rx.color("violet", 8)},
        ),
        href=item.href,
        underline="none",
        color="inherit",
        width="100%",
        data_testid="listing-card",
    )


def card_row(title: str, items: rx.Var, testid: str, *, icon: str = "sparkles") -> rx.Component:
    """A titled row of cards that scrolls sideways (hidden while empty)."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.hstack(rx.icon(icon, size=18), rx.heading(title, size="4"), align="center", spacing="2"),
            rx.hstack(
                rx.foreach(items, lambda item: rx.box(listing_card(item), min_width=CARD_WIDTH, width=CARD_WIDTH)),
                spacing="3",
                overflow_x="auto",
                width="100%",
                padding_bottom="0.5rem",
                align="stretch",
            ),
            spacing="2",
            width="100%",
            data_testid=testid,
        ),
        rx.fragment(),
    )


def card_grid(items: rx.Var, testid: str = "listing-grid") -> rx.Component:
    """Cards in a responsive grid (one column on a phone)."""
    return rx.grid(
        rx.foreach(items, listing_card),
        columns=rx.breakpoints(initial="1", sm="2", md="3"),
        spacing="3",
        width="100%",
        data_testid=testid,
    )


def category_chip(item: CategoryChip, *, with_count: bool = True) -> rx.Component:
    """A category as a link to the search filtered by it."""
    return rx.link(
        rx.badge(
            rx.icon("tag", size=12),
            item.name,
            rx.cond(item.count > 0, rx.text(" · ", item.count, as_="span"), rx.fragment())
            if with_count
            else rx.fragment(),
            size="2",
            variant="soft",
            radius="full",
            color_scheme="violet",
        ),
        href=item.href,
        underline="none",
        data_testid="category-chip",
    )


def category_chips(items: rx.Var, *, with_count: bool = True) -> rx.Component:
    """Category chips that wrap onto as many lines as they need."""
    return rx.flex(
        rx.foreach(items, lambda c: category_chip(c, with_count=with_count)),
        wrap="wrap",
        gap="0.5rem",
        width="100%",
    )


def page_loading() -> rx.Component:
    """A spinner in place of a page that is still loading."""
    return rx.center(rx.spinner(size="3"), height="40vh", width="100%")


def not_found_panel(title: str, text: str, testid: str) -> rx.Component:
    """What a marketplace page shows for an unknown agent or creator, with the way back."""
    return rx.center(
        rx.vstack(
            rx.icon("circle-help", size=40, color=rx.color("gray", 9)),
            rx.heading(title, size="5"),
            rx.text(text, color_scheme="gray", text_align="center"),
            rx.link(rx.button("Back to the marketplace", variant="soft"), href=routes.MARKETPLACE),
            align="center",
            spacing="3",
            max_width="28rem",
        ),
        padding_y="4rem",
        width="100%",
        data_testid=testid,
    )


def pager(label: rx.Var, has_prev: rx.Var, has_next: rx.Var, on_prev, on_next) -> rx.Component:
    """Previous / Next with ``x–y of N`` between them, as the marketplace pages show it."""
    return shared_pager(
        has_prev=has_prev,
        has_next=has_next,
        on_prev=on_prev,
        on_next=on_next,
        summary=label,
        summary_testid="page-range",
        testid_prefix="page",
        icons=True,
        justify="center",
        width="100%",
    )
