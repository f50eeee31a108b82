"""Small form and layout pieces shared by the pages."""

from __future__ import annotations

import reflex as rx


def field(
    label: str,
    name: str,
    *,
    type_: str = "text",
    placeholder: str = "",
    autocomplete: str = "",
    required: bool = True,
    default_value: str | rx.Var | None = None,
) -> rx.Component:
    """A labelled input that submits under ``name``."""
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=name),
        rx.input(
            id=name,
            name=name,
            type=type_,
            placeholder=placeholder,
            auto_complete=autocomplete or None,
            required=required,
            default_value=default_value,
            width="100%",
            size="3",
        ),
        spacing="1",
        width="100%",
    )


def error_callout(message: rx.Var) -> rx.Component:
    """A red callout shown while ``message`` is not empty."""
    return rx.cond(
        message != "",
        rx.callout(
            message, icon="triangle-alert", color_scheme="red", role="alert", width="100%", data_testid="form-error"
        ),
        rx.fragment(),
    )


def success_callout(message: rx.Var) -> rx.Component:
    """A green callout shown while ``message`` is not empty."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="check", color_scheme="green", width="100%", data_testid="form-success"),
        rx.fragment(),
    )


def card_page(*children: rx.Component) -> rx.Component:
    """A centred card, for the login and sign-up pages."""
    return rx.center(
        rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", max_width="26rem", size="3"),
        width="100%",
        padding_top=["1rem", "4rem"],
    )


def section(title: str, description: str, *children: rx.Component, testid: str = "") -> rx.Component:
    """A titled card holding one part of a page (account, credentials, publishing…)."""
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid=testid or None,
    )
