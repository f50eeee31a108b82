"""The MCP tool picker in the builder's side panel (see ``ui/states/mcp_picker.py``)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui.states.builder import BuilderState
from autogpt_app.ui.states.mcp_picker import McpToolPickerState as P


def mcp_tool_picker() -> rx.Component:
    """ "Load tools", the dropdown of the server's tools, and the chosen tool's arguments as a hint."""
    loaded = (P.node_id == BuilderState.panel.node_id) & (P.tools.length() > 0)
    return rx.vstack(
        rx.hstack(
            rx.text("Tools of the server", size="2", weight="medium"),
            rx.spacer(),
            rx.button(
                rx.icon("list", size=14),
                "Load tools",
                size="1",
                variant="soft",
                loading=P.loading,
                on_click=P.load,
                data_testid="builder-mcp-load-tools",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            loaded,
            rx.select.root(
                rx.select.trigger(
                    width="100%", placeholder="Choose a tool", aria_label="Tool", data_testid="builder-mcp-tools"
                ),
                rx.select.content(rx.foreach(P.tools, lambda t: rx.select.item(t.name, value=t.name))),
                value=P.selected,
                on_change=P.choose,
            ),
            rx.text(
                "Enter the server's address (and choose its credential), then load its tools.",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            loaded & (P.hint != ""),
            rx.vstack(
                rx.text(P.chosen_description, size="1"),
                rx.text("Its arguments (fill 'arguments' with these names):", size="1", color_scheme="gray"),
                rx.code_block(
                    P.hint, language="json", wrap_long_lines=True, width="100%", custom_style={"margin": "0"}
                ),
                spacing="1",
                width="100%",
                data_testid="builder-mcp-hint",
            ),
            rx.fragment(),
        ),
        rx.cond(
            (P.error != "") & (P.node_id == BuilderState.panel.node_id),
            rx.callout(P.error, color_scheme="red", size="1", role="alert", data_testid="builder-mcp-error"),
            rx.fragment(),
        ),
        spacing="1",
        width="100%",
    )
