"""A creator's marketplace page: their profile and one page of their agents.

The state lives in :mod:`autogpt_app.ui.states.marketplace_creator`.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.listing_cards import card_grid, not_found_panel, page_loading, pager
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.marketplace_creator import CreatorState


def _creator_profile() -> rx.Component:
    S = CreatorState
    return rx.card(
        rx.flex(
            rx.avatar(src=S.avatar_url, fallback=S.display_name[:1].upper(), size="6", radius="full"),
            rx.vstack(
                rx.heading(S.display_name, size="6", data_testid="creator-name"),
                rx.text("@", S.handle, size="2", color_scheme="gray"),
                rx.cond(S.bio != "", rx.text(S.bio, size="2", white_space="pre-wrap"), rx.fragment()),
                rx.flex(
                    rx.foreach(S.links, lambda url: rx.link(url, href=url, is_external=True, size="2")),
                    gap="0.75rem",
                    wrap="wrap",
                ),
                rx.text(
                    S.listing_total,
                    rx.cond(S.listing_total == 1, " agent", " agents"),
                    " · ",
                    S.total_runs,
                    size="2",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            gap="1.25rem",
            align="center",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        width="100%",
    )


@template(routes.MARKETPLACE_CREATOR, "Creator", guests=True, on_load=CreatorState.load)
def marketplace_creator() -> rx.Component:
    S = CreatorState
    return rx.cond(
        ~S.creator_loaded,
        page_loading(),
        rx.cond(
            S.creator_missing,
            not_found_panel(
                "Creator not found",
                "No creator with this name has agents in the marketplace.",
                "creator-not-found",
            ),
            rx.cond(
                S.handle != "",
                rx.vstack(
                    _creator_profile(),
                    rx.heading("Agents", size="4"),
                    card_grid(S.listings, "creator-listings"),
                    pager(S.creator_range, S.creator_has_prev, S.creator_has_next, S.prev_page, S.next_page),
                    spacing="4",
                    width="100%",
                ),
                error_callout(S.creator_error),
            ),
        ),
    )
