"""The bell in the top bar: the live unread count and a dropdown of the newest notifications."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.notification_rows import NotificationRow
from autogpt_app.ui.states.notifications import NotificationBellState


def unread_dot(unread: rx.Var[bool]) -> rx.Component:
    """A small violet dot while a notification is unread (a same-size gap once read)."""
    return rx.box(
        width="8px",
        height="8px",
        min_width="8px",
        border_radius="50%",
        margin_top="0.45rem",
        background=rx.cond(unread, rx.color("violet", 9), "transparent"),
        role="img",
        aria_label=rx.cond(unread, "Unread", "Read"),
        data_testid="unread-dot",
        data_unread=rx.cond(unread, "true", "false"),
    )


def _item(row: NotificationRow) -> rx.Component:
    return rx.hstack(
        unread_dot(row.unread),
        rx.vstack(
            # The title is the keyboard's way in (the whole row opens it for a mouse); a row with
            # role=button could not hold the Mark read and Delete buttons.
            rx.link(
                rx.text(
                    row.title, size="2", weight=rx.cond(row.unread, "bold", "regular"), data_testid="notification-title"
                ),
                href="#",
                color_scheme="gray",
                high_contrast=True,
                underline="hover",
                on_click=NotificationBellState.open_item(row.id).prevent_default.stop_propagation,
            ),
            rx.cond(
                row.snippet != "",
                rx.text(row.snippet, size="1", color_scheme="gray", trim="both", style={"overflow_wrap": "anywhere"}),
                rx.fragment(),
            ),
            rx.hstack(
                rx.text(row.when, size="1", color_scheme="gray", title=row.when_full),
                rx.spacer(),
                rx.cond(
                    row.unread,
                    rx.button(
                        "Mark read",
                        size="1",
                        variant="ghost",
                        on_click=NotificationBellState.mark_read(row.id).stop_propagation,
                        data_testid="notification-mark-read",
                    ),
                    rx.fragment(),
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=NotificationBellState.delete(row.id).stop_propagation,
                    data_testid="notification-delete",
                ),
                align="center",
                spacing="3",
                width="100%",
            ),
            spacing="1",
            width="100%",
            min_width="0",
        ),
        spacing="2",
        align="start",
        width="100%",
        padding="0.5rem",
        border_radius="6px",
        cursor="pointer",
        background=rx.cond(row.unread, rx.color("violet", 2), "transparent"),
        _hover={"background": rx.color("gray", 3)},
        on_click=NotificationBellState.open_item(row.id),
        data_testid="notification-item",
        data_id=row.id,
    )


def _dropdown() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Notifications", size="3"),
            rx.spacer(),
            rx.button(
                "Mark all read",
                size="1",
                variant="soft",
                disabled=NotificationBellState.unread == 0,
                on_click=NotificationBellState.mark_all_read,
                data_testid="notifications-mark-all-read",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            NotificationBellState.bell_error != "",
            rx.text(NotificationBellState.bell_error, color_scheme="red", size="2", role="alert"),
            rx.fragment(),
        ),
        rx.cond(
            NotificationBellState.items.length() > 0,  # type: ignore[attr-defined]
            rx.scroll_area(
                rx.vstack(rx.foreach(NotificationBellState.items, _item), spacing="1", width="100%"),
                type="auto",
                scrollbars="vertical",
                max_height="60vh",
            ),
            rx.cond(
                NotificationBellState.items_loaded,
                rx.text(
                    "You are all caught up: no notifications.",
                    size="2",
                    color_scheme="gray",
                    data_testid="no-notifications",
                ),
                rx.center(rx.spinner(), width="100%", padding="1rem"),
            ),
        ),
        rx.divider(),
        rx.link(
            "See all",
            href=routes.NOTIFICATIONS,
            size="2",
            on_click=NotificationBellState.set_menu_open(False),
            data_testid="notifications-see-all",
        ),
        spacing="2",
        width="100%",
    )


def notification_bell() -> rx.Component:
    """The bell button with its unread badge (hidden at 0) and the dropdown."""
    return rx.popover.root(
        # The button itself is the trigger (a wrapper would be a second, unnamed "button" around it).
        rx.popover.trigger(
            rx.icon_button(
                rx.icon("bell", size=18),
                rx.cond(
                    NotificationBellState.unread > 0,
                    rx.badge(
                        NotificationBellState.unread_label,
                        color_scheme="red",
                        variant="solid",
                        radius="full",
                        size="1",
                        position="absolute",
                        top="-6px",
                        right="-8px",
                        pointer_events="none",
                        aria_live="polite",
                        data_testid="notification-count",
                    ),
                    rx.fragment(),
                ),
                variant="ghost",
                aria_label=rx.cond(
                    NotificationBellState.unread > 0,
                    "Notifications, " + NotificationBellState.unread_label + " unread",
                    "Notifications",
                ),
                data_testid="notification-bell",
                data_live=rx.cond(NotificationBellState.live, "true", "false"),
                position="relative",
                overflow="visible",
            )
        ),
        rx.popover.content(
            _dropdown(),
            width="24rem",
            max_width="calc(100vw - 1rem)",
            align="end",
            collision_padding=8,
            aria_label="Notifications",
            data_testid="notification-menu",
        ),
        # Uncontrolled, so it opens at once; the server hears of it and fills the list.
        on_open_change=NotificationBellState.set_menu_open,
    )
