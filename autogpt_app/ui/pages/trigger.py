"""A trigger's page: what it watches or where senders post, which inputs get what, and its delivery log
(time on the viewer's clock, outcome in words, HTTP status, the run it started, why it did not)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.outputs import status_badge
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.tables import data_table
from autogpt_app.ui.states.trigger_rows import DeliveryRow
from autogpt_app.ui.states.triggers import TriggerPageState

P = TriggerPageState
WIDE_ONLY = ["none", "table-cell"]
_OUTCOME_COLOURS = {"started": "green", "refused": "orange", "failed": "red"}


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading("Trigger not found", size="5"),
            rx.text("It may have been deleted, or the link is wrong.", color_scheme="gray"),
            rx.link(rx.button("Back to the library", variant="soft"), href=routes.LIBRARY),
            align="center",
            spacing="3",
            padding="2rem",
        ),
        width="100%",
        data_testid="trigger-not-found",
    )


def _setting(label: str, value: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color_scheme="gray"), value, spacing="1", width="100%")


def _settings() -> rx.Component:
    return rx.card(
        rx.grid(
            _setting(
                "Starts", rx.cond(P.agent_href != "", rx.link(P.agent_name, href=P.agent_href), rx.text(P.agent_name))
            ),
            _setting("When", rx.text(P.kind_label, size="2")),
            _setting("Settings", rx.text(P.detail, size="2", word_break="break-all")),
            _setting("Inputs", rx.vstack(rx.foreach(P.mapping, lambda line: rx.text(line, size="2")), spacing="0")),
            rx.cond(
                P.webhook_url != "",
                _setting(
                    "Address",
                    rx.hstack(
                        rx.code(P.webhook_url, size="1", word_break="break-all", data_testid="trigger-page-url"),
                        rx.text("secret ", P.secret_hint, size="1", color_scheme="gray"),
                        spacing="2",
                        wrap="wrap",
                    ),
                ),
                rx.fragment(),
            ),
            rx.cond(
                P.last_error != "",
                _setting("Last error", rx.text(P.last_error, size="2", color_scheme="red")),
                rx.fragment(),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _outcome(row: DeliveryRow) -> rx.Component:
    return rx.badge(
        row.status_label,
        color_scheme=rx.match(row.status, *_OUTCOME_COLOURS.items(), "gray"),
        high_contrast=True,
        data_testid="delivery-status",
        data_status=row.status,
    )


def _delivery(row: DeliveryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.received, size="2", white_space="nowrap", title=row.received_full)),
        rx.table.cell(_outcome(row)),
        rx.table.cell(rx.text(row.http_status, size="2"), display=WIDE_ONLY),
        rx.table.cell(
            rx.cond(
                row.run_href != "",
                rx.link(
                    rx.cond(row.run_status != "", status_badge(row.run_status), rx.text("Open the run")),
                    href=row.run_href,
                    data_testid="delivery-run-link",
                ),
                rx.text("—", size="2", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.cond(row.error != "", rx.text(row.error, size="1", color_scheme="red"), rx.fragment()),
                rx.text(row.summary, size="1", color_scheme="gray"),
                spacing="0",
            ),
            display=WIDE_ONLY,
        ),
        data_testid="delivery-row",
    )


def _deliveries() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Deliveries", size="4"),
                rx.text("(newest 50 of ", P.delivery_total, ")", size="1", color_scheme="gray"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("refresh-cw", size=14),
                    variant="ghost",
                    size="1",
                    on_click=P.refresh,
                    aria_label="Refresh the deliveries",
                    data_testid="deliveries-refresh",
                ),
                align="center",
                width="100%",
            ),
            rx.cond(
                P.deliveries.length() > 0,
                data_table(
                    ("Received", "Outcome", ("HTTP", WIDE_ONLY), "Run", ("Details", WIDE_ONLY)),
                    rx.foreach(P.deliveries, _delivery),
                    size="1",
                ),
                rx.text("Nothing received yet.", size="2", color_scheme="gray", data_testid="no-deliveries"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), rx.text(P.agent_name, size="2"), align="center", spacing="1"),
            href=rx.cond(P.agent_href != "", P.agent_href, routes.LIBRARY),
            color_scheme="gray",
        ),
        rx.hstack(
            rx.heading(P.name, size="6", data_testid="trigger-name-heading"),
            rx.badge(
                rx.cond(P.is_active, "Active", "Paused"),
                color_scheme=rx.cond(P.is_active, "green", "gray"),
                high_contrast=True,
            ),
            align="center",
            spacing="3",
        ),
        error_callout(P.page_error),
        _settings(),
        _deliveries(),
        spacing="4",
        width="100%",
        max_width="60rem",
    )


@template(routes.LIBRARY_TRIGGER, "Trigger", on_load=[TriggerPageState.load])
def trigger_page() -> rx.Component:
    return rx.match(
        P.page_status,
        ("not_found", _not_found()),
        ("ready", _content()),
        rx.center(rx.spinner(size="3"), height="40vh", width="100%"),
    )
