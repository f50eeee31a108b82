"""Notification centre: every notification with filters and server-side paging, and per-type preferences."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.notification_bell import unread_dot
from autogpt_app.ui.components.notification_rows import CHANNELS, NotificationRow, PreferenceRow, TypeOption
from autogpt_app.ui.components.pager import state_pager
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.notifications import NotificationBellState, NotificationCentreState

S = NotificationCentreState


# --- the inbox ----------------------------------------------------------------------------------


def _switch(text: str, checked: rx.Var, on_change: rx.EventHandler, testid: str, **props) -> rx.Component:
    """A switch with its label (a click on the text toggles it too)."""
    return rx.el.label(
        rx.hstack(
            rx.switch(checked=checked, on_change=on_change, data_testid=testid),
            rx.text(text, size="2"),
            align="center",
            spacing="2",
        ),
        **props,
    )


def _type_item(option: TypeOption) -> rx.Component:
    return rx.select.item(option.label, value=option.value, data_testid="type-option")


def _filters() -> rx.Component:
    return rx.flex(
        rx.select.root(
            rx.select.trigger(placeholder="Type", aria_label="Type", data_testid="type-filter", min_width="12rem"),
            rx.select.content(
                rx.foreach(S.type_options, _type_item),
            ),
            value=S.type_filter,
            on_change=S.set_type_filter,
        ),
        _switch("Unread only", S.unread_only, S.set_unread_only, "unread-only"),
        rx.spacer(display=["none", "block"]),
        rx.button(
            rx.icon("check-check", size=16),
            "Mark all read",
            variant="soft",
            disabled=NotificationBellState.unread == 0,
            on_click=S.mark_all_read,
            data_testid="centre-mark-all-read",
        ),
        align="center",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _row(row: NotificationRow) -> rx.Component:
    title = rx.text(row.title, size="3", weight=rx.cond(row.unread, "bold", "medium"), data_testid="notification-title")
    return rx.card(
        rx.hstack(
            unread_dot(row.unread),
            rx.vstack(
                rx.cond(
                    row.href != "",
                    rx.link(
                        title, href="#", on_click=S.open_item(row.id).prevent_default, data_testid="notification-open"
                    ),
                    title,
                ),
                rx.cond(
                    row.body != "",
                    rx.text(
                        row.body,
                        size="2",
                        color_scheme="gray",
                        white_space="pre-wrap",
                        style={"overflow_wrap": "anywhere"},
                    ),
                    rx.fragment(),
                ),
                rx.flex(
                    rx.hstack(
                        rx.badge(row.type_label, variant="soft", color_scheme="gray", data_testid="notification-type"),
                        rx.text(row.when, size="1", color_scheme="gray", title=row.when_full),
                        align="center",
                        spacing="2",
                    ),
                    rx.spacer(display=["none", "block"]),
                    rx.hstack(
                        rx.cond(
                            row.unread,
                            rx.button(
                                "Mark read",
                                size="1",
                                variant="soft",
                                on_click=S.mark_read(row.id),
                                data_testid="notification-mark-read",
                            ),
                            rx.fragment(),
                        ),
                        rx.button(
                            rx.icon("trash-2", size=14),
                            "Delete",
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            on_click=S.delete(row.id),
                            data_testid="notification-delete",
                        ),
                        spacing="2",
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                    width="100%",
                ),
                spacing="1",
                width="100%",
                min_width="0",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="notification-row",
        data_id=row.id,
        data_unread=rx.cond(row.unread, "true", "false"),
    )


def _pager() -> rx.Component:
    return state_pager(S, summary=S.range_text, summary_testid="centre-pager", size="1")


def _empty() -> rx.Component:
    filtered = S.unread_only | (S.type_filter != "all")
    return rx.vstack(
        rx.icon("bell-off", size=28, color=rx.color("gray", 9)),
        rx.text(
            rx.cond(filtered, "No notifications match these filters.", "No notifications yet."),
            color_scheme="gray",
            data_testid="centre-empty",
        ),
        rx.text(
            "Agents tell you here when runs finish or fail, and when there is news about your agents.",
            size="2",
            color_scheme="gray",
        ),
        align="center",
        spacing="2",
        padding="2rem",
        width="100%",
    )


def _inbox() -> rx.Component:
    return rx.vstack(
        _filters(),
        error_callout(S.centre_error),
        rx.cond(
            S.has_new,
            rx.callout(
                rx.hstack(
                    rx.text("New notifications arrived."),
                    rx.button("Show them", size="1", variant="soft", on_click=S.show_new, data_testid="show-new"),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                icon="bell-ring",
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.cond(
            S.rows.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(rx.foreach(S.rows, _row), _pager(), spacing="2", width="100%"),
            rx.cond(S.loaded, _empty(), rx.center(rx.spinner(), width="100%", padding="2rem")),
        ),
        spacing="3",
        width="100%",
    )


# --- preferences --------------------------------------------------------------------------------


def _preference(row: PreferenceRow) -> rx.Component:
    return rx.flex(
        rx.text(row.label, size="2", weight="medium", flex="1", min_width="12rem"),
        rx.segmented_control.root(
            *[rx.segmented_control.item(label, value=value) for value, label in CHANNELS.items()],
            value=row.channel,
            on_change=lambda value: S.set_preference(row.type, value),  # type: ignore[arg-type]
            size="1",
            data_testid="preference-control",
        ),
        align="center",
        spacing="3",
        wrap="wrap",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="preference-row",
        data_type=row.type,
        data_channel=row.channel,
    )


def _preferences() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Choose how each kind of news reaches you: in the app (the bell and this page), "
            "by e-mail as well, or not at all. Changes are saved at once.",
            size="2",
            color_scheme="gray",
        ),
        error_callout(S.prefs_error),
        rx.cond(
            S.prefs_loaded,
            rx.vstack(rx.foreach(S.preferences, _preference), spacing="0", width="100%"),
            rx.center(rx.spinner(), width="100%", padding="2rem"),
        ),
        _switch(
            "Daily digest of finished runs instead of one e-mail each",
            S.digest,
            S.set_digest,
            "digest-switch",
            padding_top="0.5rem",
        ),
        spacing="3",
        width="100%",
        max_width="48rem",
    )


@template(routes.NOTIFICATIONS, "Notifications", on_load=NotificationCentreState.load)
def notifications_page() -> rx.Component:
    """The notification centre: Inbox and Preferences tabs."""
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Inbox", value="inbox", data_testid="tab-inbox"),
            rx.tabs.trigger("Preferences", value="preferences", data_testid="tab-preferences"),
        ),
        rx.tabs.content(_inbox(), value="inbox", padding_top="1rem"),
        rx.tabs.content(_preferences(), value="preferences", padding_top="1rem"),
        value=S.tab,
        on_change=S.set_tab,
        width="100%",
    )
