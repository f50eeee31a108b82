"""The page every unknown address shows: inside the app shell, with the ways back."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import AuthState

#: Reflex's route name for the page shown when no other route matches.
NOT_FOUND_ROUTE = "404"


@template(NOT_FOUND_ROUTE, "Page not found", guests=True, on_load=AuthState.resolve_visitor)
def not_found_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.image(src="/categories/general.svg", alt="", width="16rem", border_radius="16px"),
            rx.heading("This page does not exist", size="7", text_align="center"),
            rx.text(
                "The address may be mistyped, or the page was moved or removed.",
                color_scheme="gray",
                text_align="center",
            ),
            rx.code(rx.State.router.url.path, variant="soft", data_testid="not-found-path"),
            rx.flex(
                rx.link(rx.button(rx.icon("message-circle", size=16), "Go to Chat", size="3"), href=routes.HOME),
                rx.link(
                    rx.button(rx.icon("store", size=16), "Browse the marketplace", size="3", variant="soft"),
                    href=routes.MARKETPLACE,
                ),
                gap="0.75rem",
                wrap="wrap",
                justify="center",
            ),
            align="center",
            spacing="4",
            max_width="32rem",
        ),
        padding_y=["2rem", "4rem"],
        width="100%",
        data_testid="not-found",
    )
