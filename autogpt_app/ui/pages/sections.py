"""The product's main sections. Each gets its real page from its own issue; until then it says
plainly what it will hold, so the navigation is complete from the first run."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.auth import AuthState


def _upcoming(icon: str, heading: str, text: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=40, color=rx.color("violet", 9)),
            rx.heading(heading, size="5"),
            rx.text(text, color_scheme="gray", text_align="center", max_width="32rem"),
            rx.badge("Not available yet in this version", color_scheme="gray", variant="surface"),
            align="center",
            spacing="3",
        ),
        padding_y="4rem",
        width="100%",
    )


@template(routes.HOME, "Chat")
def chat_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Hello, ", AuthState.user_name, size="6", data_testid="greeting"),
        _upcoming(
            "message-circle",
            "Your copilot",
            "Ask for an agent in your own words; the copilot finds it, sets it up and runs it now or on a schedule.",
        ),
        width="100%",
    )
