"""Runs: the list of the user's runs (paged), and one run's live page."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.agent_canvas import agent_picture
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.outputs import outputs_view, status_badge
from autogpt_app.ui.components.pager import numbered_pager
from autogpt_app.ui.components.review_panel import review_panel
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.components.tables import data_table
from autogpt_app.ui.states.runs import InputRow, NodeRow, RunState
from autogpt_app.ui.states.runs_list import RunListRow, RunsListState

# --- the list of runs -------------------------------------------------------------------------


#: Columns a phone has no room for (shown from the small and the medium breakpoint on).
SMALL_UP = ["none", "table-cell"]
WIDE_ONLY = ["none", "none", "table-cell"]


def _list_row(row: RunListRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(status_badge(row.status), href=row.href)),
        rx.table.cell(
            rx.cond(
                row.agent_href != "",
                rx.link(row.agent_name, href=row.agent_href, weight="medium"),
                rx.text(row.agent_name, weight="medium"),
            )
        ),
        rx.table.cell(
            rx.text(row.started, size="2", white_space="nowrap", title=row.started_full, data_testid="run-started-at"),
            display=SMALL_UP,
        ),
        rx.table.cell(rx.text(row.duration, size="2", white_space="nowrap"), display=WIDE_ONLY),
        rx.table.cell(rx.link("Open", href=row.href, size="2", data_testid="open-run")),
        data_testid="run-row",
    )


@template(routes.RUNS, "Runs", on_load=RunsListState.load)
def runs_page() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Your runs", size="4"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("refresh-cw", size=14),
                    variant="ghost",
                    size="1",
                    on_click=RunsListState.refresh,
                    aria_label="Refresh the list of runs",
                ),
                width="100%",
                align="center",
            ),
            error_callout(RunsListState.runs_error),
            rx.cond(
                RunsListState.total > 0,
                rx.vstack(
                    data_table(
                        ("Status", "Agent", ("Started", SMALL_UP), ("Duration", WIDE_ONLY), ""),
                        rx.foreach(RunsListState.rows, _list_row),
                    ),
                    numbered_pager(
                        RunsListState.page,
                        RunsListState.pages,
                        RunsListState.total,
                        "run",
                        on_prev=RunsListState.prev_page,
                        on_next=RunsListState.next_page,
                        summary_testid="runs-pager",
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    RunsListState.loaded,
                    rx.vstack(
                        rx.text("No runs yet.", color_scheme="gray", data_testid="no-runs"),
                        rx.link("Run an agent from your library", href=routes.LIBRARY, size="2"),
                        spacing="1",
                    ),
                    rx.spinner(),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


# --- one run, live ----------------------------------------------------------------------------


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading("Run not found", size="5"),
            rx.text("There is no such run among yours. The link may be wrong.", color_scheme="gray"),
            rx.link(rx.button("All runs", variant="soft"), href=routes.RUNS),
            align="center",
            spacing="3",
            padding="2rem",
        ),
        width="100%",
        data_testid="run-not-found",
    )


def _live_indicator() -> rx.Component:
    return rx.cond(
        RunState.live,
        rx.hstack(
            rx.box(width="8px", height="8px", border_radius="50%", background=rx.color("green", 9)),
            rx.text("Live", size="1", color_scheme="green"),
            align="center",
            spacing="1",
            data_testid="live-indicator",
        ),
        rx.cond(
            ~RunState.is_final,
            rx.button(
                rx.icon("refresh-cw", size=12),
                "Reload",
                size="1",
                variant="ghost",
                on_click=rx.call_script("window.location.reload()"),
            ),
            rx.fragment(),
        ),
    )


def _meta(label: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", data_testid=testid),
        spacing="0",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), rx.text("All runs", size="2"), align="center", spacing="1"),
            href=routes.RUNS,
            color_scheme="gray",
        ),
        rx.hstack(
            rx.cond(
                RunState.agent_href != "",
                rx.link(rx.heading(RunState.agent_name, size="6"), href=RunState.agent_href, underline="hover"),
                rx.heading(RunState.agent_name, size="6"),
            ),
            status_badge(RunState.status, data_testid="run-status"),
            _live_indicator(),
            rx.spacer(),
            rx.cond(
                RunState.is_final,
                rx.fragment(),
                rx.button(
                    rx.icon("square", size=14),
                    rx.cond(RunState.stop_requested, "Stopping…", "Stop"),
                    color_scheme="red",
                    variant="soft",
                    on_click=RunState.stop,
                    disabled=RunState.stop_requested,
                    data_testid="stop-run",
                ),
            ),
            rx.button(
                rx.icon("rotate-ccw", size=14),
                "Run again with these inputs",
                variant="soft",
                on_click=RunState.run_again,
                loading=RunState.busy,
                data_testid="run-again",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            _meta("Queued", RunState.created, "run-created"),
            _meta("Started", RunState.started, "run-started"),
            _meta("Ended", RunState.ended, "run-ended"),
            _meta("Duration", RunState.duration, "run-duration"),
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
        ),
        error_callout(RunState.action_error),
        rx.cond(
            RunState.error != "",
            rx.callout(
                RunState.error,
                icon="circle-alert",
                color_scheme=rx.cond(RunState.status == "TERMINATED", "orange", "red"),
                width="100%",
                data_testid="run-error",
            ),
            rx.fragment(),
        ),
        spacing="3",
        width="100%",
    )


def _results() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Results", size="4"),
            rx.cond(
                RunState.outputs.length() > 0,
                outputs_view(RunState.outputs),
                rx.text(
                    rx.cond(
                        RunState.is_final,
                        "This run produced no results.",
                        "Results appear here when the run finishes; the steps below update as it goes.",
                    ),
                    size="2",
                    color_scheme="gray",
                    data_testid="no-outputs",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _node_row(row: NodeRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.block_name, weight="medium", size="2"),
                rx.code(row.node_id, size="1"),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.vstack(
                status_badge(row.status),
                rx.text(row.duration, size="1", color_scheme="gray", white_space="nowrap"),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    row.outputs != "",
                    rx.text(
                        row.outputs,
                        size="1",
                        font_family="monospace",
                        white_space="pre-wrap",
                        word_break="break-word",
                        data_testid="node-outputs",
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    row.error != "",
                    rx.text(row.error, size="1", color_scheme="red", data_testid="node-error"),
                    rx.fragment(),
                ),
                rx.foreach(
                    row.notes,
                    lambda note: rx.text(note, size="1", color_scheme="amber", data_testid="node-note"),
                ),
                spacing="1",
                max_width="32rem",
            )
        ),
        data_testid="node-row",
        data_status=row.status,
    )


def _steps() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Steps", size="4"),
            rx.cond(
                RunState.node_total > 0,
                rx.vstack(
                    data_table(
                        ("Block", "Status", "Outputs and errors"), rx.foreach(RunState.nodes, _node_row), size="1"
                    ),
                    numbered_pager(
                        RunState.node_page,
                        RunState.node_pages,
                        RunState.node_total,
                        "step",
                        on_prev=RunState.nodes_prev,
                        on_next=RunState.nodes_next,
                        summary_testid="nodes-pager",
                        hide_when_single=True,
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.text(
                    rx.cond(RunState.status == "QUEUED", "Waiting for a worker…", "No steps ran."),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _input_row(row: InputRow) -> rx.Component:
    return rx.hstack(
        rx.text(row.name, weight="medium", size="2", min_width="8rem"),
        rx.text(row.value, size="2", white_space="pre-wrap", word_break="break-word"),
        spacing="3",
        width="100%",
        align="start",
    )


def _inputs() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Inputs", size="4"),
            rx.cond(
                RunState.inputs.length() > 0,
                rx.vstack(rx.foreach(RunState.inputs, _input_row), spacing="2", width="100%"),
                rx.text("No inputs.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _picture() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Steps on the canvas", size="4"),
                rx.spacer(),
                rx.link("Open in builder", href=RunState.builder_href, size="2", data_testid="run-open-builder"),
                width="100%",
                align="center",
            ),
            agent_picture(RunState.picture, RunState.picture_key, node_states=RunState.node_states, height="360px"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@template(routes.RUN, "Run", on_load=RunState.load)
def run_page() -> rx.Component:
    return rx.match(
        RunState.page_status,
        ("not_found", _not_found()),
        (
            "ready",
            rx.vstack(
                _header(),
                review_panel(),
                _results(),
                _picture(),
                _steps(),
                _inputs(),
                spacing="4",
                width="100%",
                data_testid="run-page",
            ),
        ),
        rx.center(rx.spinner(size="3"), height="40vh", width="100%"),
    )
