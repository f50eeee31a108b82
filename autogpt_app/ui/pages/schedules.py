"""Schedules: every schedule of the user with next and last run, pause, resume, edit, delete (one page at a time)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.outputs import status_badge
from autogpt_app.ui.components.pager import pager
from autogpt_app.ui.components.schedule_badges import kind_badge, state_badge
from autogpt_app.ui.components.schedule_dialog import schedule_dialog
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.schedules import ScheduleDialogState, ScheduleRow, SchedulesState


def last_run(row: ScheduleRow) -> rx.Component:
    """When the schedule last fired and how that run went (linking to the run when it exists)."""
    status = rx.cond(
        row.last_href != "",
        rx.link(status_badge(row.last_status), href=row.last_href, data_testid="last-run-link"),
        status_badge(row.last_status),
    )
    return rx.vstack(
        rx.text(row.last_run, size="2", data_testid="schedule-last-run"),
        rx.cond(row.last_status != "", status, rx.fragment()),
        rx.cond(
            row.last_error != "",
            rx.text(row.last_error, size="1", color_scheme="red", data_testid="schedule-last-error"),
            rx.fragment(),
        ),
        spacing="1",
        align="start",
    )


def _delete_button(row: ScheduleRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Delete", size="1", color_scheme="red", variant="soft", data_testid="schedule-delete")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete schedule"),
            rx.alert_dialog.description(
                "Delete “", row.name, "”? It will not run again. Its past runs stay in your run history."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete",
                        color_scheme="red",
                        on_click=SchedulesState.delete(row.id),
                        data_testid="schedule-delete-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _actions(row: ScheduleRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.is_active,
            rx.button(
                rx.icon("pause", size=14),
                "Pause",
                size="1",
                variant="soft",
                on_click=SchedulesState.pause(row.id),
                data_testid="schedule-pause",
            ),
            rx.cond(
                row.can_resume,
                rx.button(
                    rx.icon("play", size=14),
                    "Resume",
                    size="1",
                    variant="soft",
                    color_scheme="green",
                    on_click=SchedulesState.resume(row.id),
                    data_testid="schedule-resume",
                ),
                rx.fragment(),
            ),
        ),
        rx.button(
            rx.icon("pencil", size=14),
            "Edit",
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=ScheduleDialogState.open_edit(row.id),
            data_testid="schedule-edit",
        ),
        _delete_button(row),
        spacing="2",
        wrap="wrap",
    )


def _agent(row: ScheduleRow) -> rx.Component:
    return rx.cond(
        row.agent_href != "",
        rx.link(row.agent_name, href=row.agent_href, size="2", data_testid="schedule-agent"),
        rx.text(row.agent_name, size="2", color_scheme="gray", data_testid="schedule-agent"),
    )


def _card(row: ScheduleRow) -> rx.Component:
    """One schedule as a card: reads at phone width and wide alike."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row.name, weight="bold", size="3", data_testid="schedule-name"),
                state_badge(row, data_testid="schedule-state"),
                rx.spacer(),
                _agent(row),
                align="center",
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            rx.hstack(
                rx.icon("calendar-clock", size=14, flex_shrink="0"),
                rx.text(row.description, size="2", data_testid="schedule-description"),
                rx.badge(row.timezone, variant="outline", color_scheme="gray", data_testid="schedule-timezone"),
                kind_badge(row),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.grid(
                rx.vstack(
                    rx.text("Next run", size="1", color_scheme="gray"),
                    rx.text(row.next_run, size="2", data_testid="schedule-next-run"),
                    spacing="1",
                ),
                rx.vstack(rx.text("Last run", size="1", color_scheme="gray"), last_run(row), spacing="1"),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            _actions(row),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="schedule-row",
        data_schedule_id=row.id,
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("calendar-clock", size=32, color=rx.color("gray", 9)),
            rx.heading("No schedules yet", size="4"),
            rx.text(
                "Open an agent in your library and choose Schedule to run it automatically — every hour, "
                "every weekday morning, on any cron expression, or once at a time you choose.",
                color_scheme="gray",
                size="2",
                text_align="center",
                max_width="30rem",
            ),
            rx.link(rx.button("Go to the library", variant="soft"), href=routes.LIBRARY),
            align="center",
            spacing="3",
            padding="2rem",
        ),
        width="100%",
        data_testid="no-schedules",
    )


def _pager() -> rx.Component:
    """``11–20 of 23``, with Previous and Next when there is more than one page."""
    return pager(
        has_prev=SchedulesState.page > 1,
        has_next=SchedulesState.has_next,
        on_prev=SchedulesState.prev_page,
        on_next=SchedulesState.next_page,
        summary=SchedulesState.range_label,
        summary_testid="schedules-pager",
        testid_prefix="schedules",
        size="1",
        hide_when_single="buttons",
    )


def _list() -> rx.Component:
    return rx.cond(
        SchedulesState.rows.length() > 0,
        rx.vstack(
            rx.foreach(SchedulesState.rows, _card),
            _pager(),
            spacing="3",
            width="100%",
        ),
        rx.cond(SchedulesState.loaded, _empty(), rx.center(rx.spinner(size="3"), height="30vh", width="100%")),
    )


@template(routes.SCHEDULES, "Schedules", on_load=[ScheduleDialogState.close, SchedulesState.load])
def schedules_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Schedules", size="6"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("refresh-cw", size=14),
                variant="ghost",
                on_click=SchedulesState.refresh,
                aria_label="Refresh the schedules",
            ),
            align="center",
            width="100%",
        ),
        rx.text(
            "Times are shown in each schedule's own time zone. Missed runs while paused are not caught up. "
            "To run a one-off again, edit its time.",
            size="2",
            color_scheme="gray",
        ),
        error_callout(SchedulesState.schedules_error),
        _list(),
        schedule_dialog(),
        spacing="4",
        width="100%",
        max_width="60rem",
    )
