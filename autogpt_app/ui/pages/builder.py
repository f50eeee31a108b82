"""The agent builder: ``/build`` (a new agent) and ``/build/<graph id>`` (one of the person's agents).

The canvas is in the middle (palette on its left); on the right, the selected node's settings (the
run form's own fields), or the agent's name and description; below them, the graph's problems.
The top bar saves (with a note), keeps drafts, restores versions and runs the saved version.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.blocks.builtin.mcp_tool import McpToolBlock
from autogpt_app.ui import routes
from autogpt_app.ui.components.agent_canvas import agent_canvas
from autogpt_app.ui.components.mcp_picker import mcp_tool_picker
from autogpt_app.ui.components.run_form import RUN_ID_PREFIX, credential_picker, run_field
from autogpt_app.ui.components.shell import template
from autogpt_app.ui.states.builder import BuilderState, ProblemRow, VersionRow

S = BuilderState


def _save_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("save", size=16),
                rx.cond(S.graph_id == "", "Save agent", "Save version"),
                disabled=~S.is_valid | S.saving,
                data_testid="builder-save",
                title=rx.cond(S.is_valid, "Save as a new version", "Fix the problems listed on the right first"),
            )
        ),
        rx.popover.content(
            rx.form(
                rx.vstack(
                    rx.text("Note for this version (optional)", size="2", weight="medium"),
                    rx.input(
                        name="note",
                        placeholder="What changed?",
                        max_length=500,
                        width="100%",
                        auto_focus=True,
                        aria_label="Note for this version",
                    ),
                    rx.popover.close(
                        rx.button("Save", type="submit", loading=S.saving, data_testid="builder-save-confirm")
                    ),
                    spacing="2",
                    width="260px",
                ),
                on_submit=S.save,
                reset_on_submit=True,
            ),
        ),
    )


def _version_row(row: VersionRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text("Version ", row.version, weight="bold", size="2"),
                rx.cond(
                    row.is_active,
                    rx.badge("current", color_scheme="green", size="1", high_contrast=True),
                    rx.fragment(),
                ),
                spacing="2",
            ),
            rx.text(row.when, " · ", row.who, size="1", color_scheme="gray"),
            rx.cond(row.note != "", rx.text(row.note, size="1"), rx.fragment()),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.cond(
            row.is_active,
            rx.fragment(),
            rx.button(
                "Restore",
                size="1",
                variant="soft",
                on_click=S.restore(row.version),
                data_testid="builder-restore",
            ),
        ),
        width="100%",
        align="center",
        data_testid="builder-version",
        data_version=row.version,
    )


def _versions_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(rx.icon("history", size=16), "Versions", variant="soft", data_testid="builder-versions")
        ),
        rx.popover.content(
            rx.vstack(
                rx.cond(
                    S.versions.length() > 0,
                    rx.foreach(S.versions, _version_row),
                    rx.text("Not saved yet.", size="2", color_scheme="gray"),
                ),
                spacing="3",
                width="300px",
                max_height="60vh",
                overflow_y="auto",
            ),
        ),
    )


def _top_bar() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(rx.cond(S.agent_name != "", S.agent_name, "Untitled agent"), size="5"),
            rx.hstack(
                rx.cond(S.version > 0, rx.text("Version ", S.version, size="1", color_scheme="gray"), rx.fragment()),
                rx.cond(
                    S.dirty,
                    rx.badge("Unsaved changes", color_scheme="amber", high_contrast=True, data_testid="builder-dirty"),
                    rx.cond(S.version > 0, rx.badge("Saved", color_scheme="green", high_contrast=True), rx.fragment()),
                ),
                rx.cond(
                    S.draft_saved != "",
                    rx.hstack(
                        rx.text("Draft from ", S.draft_saved, size="1", color_scheme="gray"),
                        rx.link(
                            "Discard draft",
                            size="1",
                            on_click=S.discard_draft,
                            href="#",
                            data_testid="builder-discard-draft",
                        ),
                        spacing="1",
                    ),
                    rx.fragment(),
                ),
                spacing="2",
                align="center",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            S.run_active,
            rx.button(
                rx.icon("square", size=16),
                "Stop",
                color_scheme="red",
                variant="soft",
                on_click=S.stop_run,
                data_testid="builder-stop",
            ),
            rx.button(rx.icon("play", size=16), "Run", variant="soft", on_click=S.open_run, data_testid="builder-run"),
        ),
        rx.cond(
            S.run_id != "",
            rx.link("Open run", href=routes.run(S.run_id), size="2", data_testid="builder-run-link"),
            rx.fragment(),
        ),
        # Editing needs a larger screen: on a phone the canvas is read-only (see agent_canvas.jsx).
        rx.hstack(
            _versions_menu(),
            rx.button(
                "Save draft",
                variant="outline",
                on_click=S.save_draft,
                data_testid="builder-save-draft",
                title="Keep these changes without making a version (a draft cannot run)",
            ),
            _save_menu(),
            spacing="2",
            display=rx.breakpoints(initial="none", md="flex"),
        ),
        width="100%",
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _node_field(field) -> rx.Component:
    return rx.cond(
        S.panel.connected.contains(field.name),
        rx.vstack(
            rx.text(field.title, size="2", weight="medium"),
            rx.text("Connected: the value comes from a link.", size="1", color_scheme="gray"),
            spacing="0",
            width="100%",
            data_testid="builder-connected-field",
        ),
        run_field(field, S.panel.texts[field.name], "", id_prefix="node-", on_value=S.set_node_input),
    )


def _node_credential(need) -> rx.Component:
    return rx.vstack(
        rx.text("Credential: ", need.title, size="2", weight="medium"),
        rx.cond(
            need.choices.length() > 0,
            rx.select.root(
                rx.select.trigger(
                    width="100%", placeholder="Choose a credential", aria_label="Credential: " + need.title
                ),
                rx.select.content(rx.foreach(need.choices, lambda c: rx.select.item(c.label, value=c.id))),
                default_value=need.selected,
                on_change=lambda value: S.set_node_credential(need.key, value),
            ),
            credential_picker(need),
        ),
        spacing="1",
        width="100%",
    )


def _node_panel() -> rx.Component:
    p = S.panel
    return rx.vstack(
        rx.hstack(
            rx.heading(p.block_name, size="3"),
            rx.spacer(),
            rx.icon_button(
                rx.icon("x", size=14), size="1", variant="ghost", on_click=S.close_panel, aria_label="Close"
            ),
            width="100%",
        ),
        rx.text(p.block_description, size="1", color_scheme="gray"),
        rx.box(
            rx.vstack(
                rx.text("Name of this step", size="2", weight="medium"),
                rx.input(
                    default_value=p.title,
                    placeholder=p.block_name,
                    on_blur=S.set_node_title,
                    width="100%",
                    aria_label="Name of this step",
                    data_testid="builder-node-rename",
                ),
                rx.text("Note", size="2", weight="medium"),
                rx.text_area(
                    default_value=p.note,
                    on_blur=S.set_node_note,
                    rows="2",
                    width="100%",
                    aria_label="Note",
                    data_testid="builder-node-note",
                ),
                rx.hstack(
                    rx.switch(
                        checked=p.ask_before,
                        on_change=S.set_node_ask_before,
                        aria_label="Ask before running",
                        data_testid="builder-node-ask-before",
                    ),
                    rx.text("Ask before running", size="2", weight="medium"),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    "The run pauses and asks you to approve this step first (for sending, posting or paying).",
                    size="1",
                    color_scheme="gray",
                ),
                rx.divider(),
                rx.foreach(p.credentials, _node_credential),
                rx.foreach(p.fields, _node_field),
                # The MCP tool step picks its tool from the server's list.
                rx.cond(p.block_name == McpToolBlock.name, mcp_tool_picker(), rx.fragment()),
                spacing="2",
                width="100%",
            ),
            key=S.panel_key,
            width="100%",
        ),
        rx.cond(
            S.panel_error != "", rx.callout(S.panel_error, color_scheme="red", size="1", role="alert"), rx.fragment()
        ),
        rx.foreach(
            S.panel_problems, lambda m: rx.text(m, size="1", color_scheme="red", data_testid="builder-panel-problem")
        ),
        rx.cond(
            S.panel_run["status"] != "",
            rx.vstack(
                rx.divider(),
                rx.text(
                    "Last run: ",
                    S.panel_run["status"],
                    size="2",
                    weight="medium",
                    data_testid="builder-node-run-status",
                ),
                rx.cond(
                    S.panel_run["outputs"] != "",
                    rx.code_block(S.panel_run["outputs"], width="100%", data_testid="builder-node-outputs"),
                    rx.fragment(),
                ),
                rx.cond(
                    S.panel_run["error"] != "",
                    rx.text(S.panel_run["error"], color_scheme="red", size="2"),
                    rx.fragment(),
                ),
                rx.cond(
                    S.panel_run["notes"] != "",
                    rx.text(S.panel_run["notes"], color_scheme="amber", size="2", data_testid="builder-node-notes"),
                    rx.fragment(),
                ),
                spacing="1",
                width="100%",
            ),
            rx.fragment(),
        ),
        spacing="2",
        width="100%",
        data_testid="builder-node-panel",
    )


def _agent_panel() -> rx.Component:
    return rx.vstack(
        rx.heading("Agent", size="3"),
        rx.text("Name", size="2", weight="medium"),
        rx.input(
            default_value=S.agent_name,
            on_blur=S.set_name,
            width="100%",
            max_length=200,
            key=S.canvas_key,
            aria_label="Agent name",
            data_testid="builder-agent-name",
        ),
        rx.text("Description", size="2", weight="medium"),
        rx.text_area(
            default_value=S.agent_description,
            on_blur=S.set_description,
            rows="4",
            width="100%",
            key=S.canvas_key,
            aria_label="Agent description",
            data_testid="builder-agent-description",
        ),
        rx.text(
            "The agent's inputs and outputs are its Agent input and Agent output steps: add them from the "
            "palette, and select one to name it.",
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
        width="100%",
    )


def _problem(row: ProblemRow) -> rx.Component:
    return rx.box(
        rx.text(row.where, size="1", weight="bold"),
        rx.text(row.message, size="1"),
        on_click=S.focus_node(row.node_id),
        cursor="pointer",
        padding="6px",
        border_radius="6px",
        _hover={"background": "var(--red-3)"},
        data_testid="builder-problem",
        width="100%",
    )


def _side() -> rx.Component:
    return rx.vstack(
        rx.cond(S.panel.node_id != "", _node_panel(), _agent_panel()),
        rx.divider(),
        rx.cond(
            S.is_valid,
            rx.text(
                "No problems: the agent can be saved and run.",
                size="1",
                color_scheme="green",
                data_testid="builder-valid",
            ),
            rx.vstack(
                rx.text("Problems", size="2", weight="bold", color_scheme="red"),
                rx.foreach(S.problem_rows, _problem),
                spacing="1",
                width="100%",
                data_testid="builder-problems",
            ),
        ),
        width="320px",
        flex_shrink="0",
        height="100%",
        overflow_y="auto",
        padding="2px",
        display=rx.breakpoints(initial="none", md="flex"),
    )


def _run_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Run ", S.agent_name),
            rx.form(
                rx.vstack(
                    rx.foreach(
                        S.run_fields,
                        lambda f: run_field(f, S.run_values[f.name], S.run_errors[f.name], id_prefix=RUN_ID_PREFIX),
                    ),
                    rx.foreach(S.run_needs, credential_picker),
                    rx.cond(
                        S.run_error != "", rx.callout(S.run_error, color_scheme="red", role="alert"), rx.fragment()
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Start run", type="submit", data_testid="builder-start-run"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.run,
            ),
            max_width="520px",
        ),
        open=S.run_open,
        on_open_change=S.set_run_open,
    )


def _editor() -> rx.Component:
    return rx.vstack(
        _top_bar(),
        rx.cond(
            S.notice != "",
            rx.callout(
                S.notice, icon="info", color_scheme="amber", role="alert", width="100%", data_testid="builder-notice"
            ),
            rx.fragment(),
        ),
        rx.hstack(
            rx.box(
                agent_canvas(
                    graph=S.canvas_graph,
                    graph_key=S.canvas_key,
                    problems=S.problems,
                    node_states=S.node_states,
                    command=S.command,
                    dirty=S.dirty,
                    read_only=False,
                    on_action=S.act,
                ),
                flex="1",
                height="100%",
                min_width="0",
            ),
            _side(),
            width="100%",
            height="calc(100vh - 190px)",
            min_height="480px",
            spacing="3",
        ),
        _run_dialog(),
        spacing="3",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.heading("Agent not found", size="5"),
        rx.text("It may have been deleted, or it belongs to someone else."),
        rx.hstack(
            rx.link("Your library", href=routes.LIBRARY), rx.link("Build a new agent", href=routes.BUILD), spacing="4"
        ),
        spacing="3",
    )


def _page() -> rx.Component:
    return rx.match(
        BuilderState.page_status,
        ("not_found", _not_found()),
        ("ready", _editor()),
        rx.center(rx.spinner(size="3"), height="40vh", width="100%"),
    )


@template(routes.BUILD, "Build an agent", on_load=BuilderState.load, wide=True)
def builder_new_page() -> rx.Component:
    return _page()


@template(routes.BUILD_AGENT, "Build", on_load=BuilderState.load, wide=True)
def builder_page() -> rx.Component:
    return _page()
