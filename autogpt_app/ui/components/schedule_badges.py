"""Badges of a schedule row, shared by the Schedules page and an agent's page."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui.states.schedules import ScheduleRow


def state_badge(row: ScheduleRow, **props) -> rx.Component:
    """``Active``, ``Paused``, or for a one-off that is done ``Ran``, ``Missed`` or ``Not run``."""
    return rx.badge(
        row.state,
        color_scheme=rx.match(row.state, ("Active", "green"), ("Ran", "blue"), ("Paused", "gray"), "red"),
        variant="soft",
        **props,
    )


def kind_badge(row: ScheduleRow) -> rx.Component:
    """A one-off's ``Once`` badge, or a repeating schedule's cron expression."""
    return rx.cond(
        row.kind == "once",
        rx.badge("Once", color_scheme="violet", variant="soft", data_testid="schedule-once"),
        rx.code(row.cron, size="1", variant="ghost"),
    )
