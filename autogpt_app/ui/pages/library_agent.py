"""A library agent's page: its details, a run form generated from its input schema, its run history,
its schedules (with the dialog that creates one) and its triggers (webhooks, feeds, pages, mailboxes)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.outputs import status_badge
from autogpt_app.ui.components.pager import numbered_pager
from autogpt_app.ui.components.run_form import RunField, credential_picker, run_field
from autogpt_app.ui.components.schedule_badges import state_badge
from autogpt_app.ui.components.schedule_dialog import schedule_dialog
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.tables import data_table
from autogpt_app.ui.components.triggers import triggers_section
from autogpt_app.ui.states.agent_run import AgentRunState, HistoryRow
from autogpt_app.ui.states.schedules import AgentSchedulesState, ScheduleDialogState, ScheduleRow
from autogpt_app.ui.states.triggers import AgentTriggersState


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading("Agent not found", size="5"),
            rx.text(
                "This agent is not in your library. It may have been removed, or the link is wrong.",
                color_scheme="gray",
            ),
            rx.link(rx.button("Back to the library", variant="soft"), href=routes.LIBRARY),
            align="center",
            spacing="3",
            padding="2rem",
        ),
        width="100%",
        data_testid="agent-not-found",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), rx.text("Library", size="2"), align="center", spacing="1"),
                href=routes.LIBRARY,
                color_scheme="gray",
            ),
            width="100%",
        ),
        rx.hstack(
            rx.heading(AgentRunState.agent_name, size="6", data_testid="agent-name"),
            rx.badge("v", AgentRunState.agent_version, variant="soft", data_testid="agent-version"),
            rx.spacer(),
            rx.link(
                rx.button(rx.icon("workflow", size=16), "Edit in builder", variant="outline"),
                href=AgentRunState.builder_href,
                data_testid="edit-in-builder",
            ),
            rx.button(
                rx.icon("calendar-plus", size=16),
                "Schedule",
                variant="soft",
                on_click=ScheduleDialogState.open_create(AgentRunState.agent_id),
                data_testid="schedule-button",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            AgentRunState.agent_description != "",
            rx.text(AgentRunState.agent_description, color_scheme="gray", white_space="pre-wrap"),
            rx.fragment(),
        ),
        error_callout(AgentRunState.page_error),
        spacing="2",
        width="100%",
    )


def _field(field: RunField) -> rx.Component:
    return run_field(field, AgentRunState.values[field.name], AgentRunState.field_errors[field.name])


def _run_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Run this agent", size="4"),
                rx.cond(
                    AgentRunState.fields.length() == 0,
                    rx.text("This agent needs no inputs.", size="2", color_scheme="gray"),
                    rx.fragment(),
                ),
                rx.foreach(AgentRunState.fields, _field),
                rx.foreach(AgentRunState.needs, credential_picker),
                rx.cond(
                    AgentRunState.missing_credentials,
                    rx.callout(
                        "Add the credentials marked above before running this agent.",
                        icon="key-round",
                        color_scheme="amber",
                        width="100%",
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    AgentRunState.run_error != "",
                    rx.callout(
                        AgentRunState.run_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        role="alert",
                        width="100%",
                        data_testid="run-error",
                    ),
                    rx.fragment(),
                ),
                rx.button(
                    rx.icon("play", size=16),
                    "Run",
                    type="submit",
                    size="3",
                    loading=AgentRunState.starting,
                    data_testid="run-button",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=AgentRunState.run,
            # Re-mounted per agent, so the inputs start from that agent's defaults.
            key=AgentRunState.agent_id,
            width="100%",
        ),
        width="100%",
    )


#: Columns a phone has no room for.
WIDE_ONLY = ["none", "table-cell"]


def _history_row(row: HistoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(status_badge(row.status), href=row.href)),
        rx.table.cell(rx.text(row.started, size="2", white_space="nowrap", title=row.started_full)),
        rx.table.cell(rx.text(row.duration, size="2", white_space="nowrap"), display=WIDE_ONLY),
        rx.table.cell(rx.link("Open", href=row.href, size="2")),
        data_testid="history-row",
    )


def _history() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Run history", size="4"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("refresh-cw", size=14),
                    variant="ghost",
                    size="1",
                    on_click=AgentRunState.refresh_history,
                    aria_label="Refresh the run history",
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                AgentRunState.history_total > 0,
                rx.vstack(
                    data_table(
                        ("Status", "Started", ("Duration", WIDE_ONLY), ""),
                        rx.foreach(AgentRunState.history, _history_row),
                        size="1",
                    ),
                    numbered_pager(
                        AgentRunState.history_page,
                        AgentRunState.history_pages,
                        AgentRunState.history_total,
                        "run",
                        on_prev=AgentRunState.history_prev,
                        on_next=AgentRunState.history_next,
                        summary_testid="history-pager",
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.text("No runs yet.", size="2", color_scheme="gray", data_testid="no-history"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _schedule_item(row: ScheduleRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.name, size="2", weight="medium"),
            # A one-off's words already name its zone.
            rx.cond(
                row.kind == "once",
                rx.text(row.description, size="1", color_scheme="gray"),
                rx.text(row.description, " · ", row.timezone, size="1", color_scheme="gray"),
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.vstack(
            state_badge(row),
            rx.text(
                rx.cond(row.is_active, "Next: " + row.next_run, rx.cond(row.can_resume, "Paused", row.last_run)),
                size="1",
                color_scheme="gray",
            ),
            spacing="1",
            align="end",
        ),
        width="100%",
        align="center",
        spacing="3",
        data_testid="agent-schedule",
    )


def _schedules() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Schedules", size="4"),
                rx.spacer(),
                rx.link("All schedules", href=routes.SCHEDULES, size="2", data_testid="all-schedules-link"),
                width="100%",
                align="center",
            ),
            rx.cond(
                AgentSchedulesState.notice != "",
                rx.callout(
                    rx.text(
                        AgentSchedulesState.notice,
                        " ",
                        rx.link("See it on the Schedules page", href=routes.SCHEDULES),
                        ".",
                    ),
                    icon="check",
                    color_scheme="green",
                    width="100%",
                    data_testid="schedule-created",
                ),
                rx.fragment(),
            ),
            error_callout(AgentSchedulesState.agent_schedules_error),
            rx.cond(
                AgentSchedulesState.agent_rows.length() > 0,
                rx.vstack(
                    rx.foreach(AgentSchedulesState.agent_rows, _schedule_item),
                    rx.cond(
                        AgentSchedulesState.more,
                        rx.link("More on the Schedules page", href=routes.SCHEDULES, size="2"),
                        rx.fragment(),
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.text(
                    "Not scheduled. Use Schedule to run it automatically.",
                    size="2",
                    color_scheme="gray",
                    data_testid="no-agent-schedules",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.grid(_run_form(), _history(), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        _schedules(),
        triggers_section(),
        schedule_dialog(),
        spacing="4",
        width="100%",
    )


@template(
    routes.LIBRARY_AGENT,
    "Agent",
    on_load=[ScheduleDialogState.close, AgentRunState.load, AgentSchedulesState.load, AgentTriggersState.load],
)
def library_agent_page() -> rx.Component:
    return rx.match(
        AgentRunState.page_status,
        ("not_found", _not_found()),
        ("ready", _content()),
        rx.center(rx.spinner(size="3"), height="40vh", width="100%"),
    )
