"""The builder's MCP tool picker: "Load tools" asks the server of the selected *Call an MCP tool* step
for its tools (``mcp.service.server_tools``, with the step's credential); choosing one fills the
step's tool name, and its input schema is shown as the hint for the arguments."""

from __future__ import annotations

import json

import reflex as rx
from pydantic import BaseModel

from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.mcp import service as mcp_service
from autogpt_app.ui.states.auth import AuthState
from autogpt_app.ui.states.builder import BuilderState

#: The most tools the dropdown offers.
MAX_TOOLS = 200


class McpToolChoice(BaseModel):
    """One tool in the dropdown: its name, what it does, and its arguments' schema as text."""

    name: str
    description: str = ""
    schema_text: str = ""


class McpToolPickerState(AuthState):
    """The tools loaded for one step of the builder (``node_id``), and the chosen one."""

    node_id: str = ""
    tools: list[McpToolChoice] = []
    selected: str = ""
    error: str = ""
    loading: bool = False

    @rx.var
    def chosen_description(self) -> str:
        """What the chosen tool does."""
        return next((t.description for t in self.tools if t.name == self.selected), "")

    @rx.var
    def hint(self) -> str:
        """The chosen tool's arguments schema (JSON), the hint for the step's arguments."""
        return next((t.schema_text for t in self.tools if t.name == self.selected), "")

    @rx.event
    async def load(self):
        """Ask the selected step's MCP server for its tools (with the step's credential, if any)."""
        builder = await self.get_state(BuilderState)
        inputs = builder.selected_inputs()
        self.node_id, self.tools, self.error = builder.panel.node_id, [], ""
        try:
            user = await self._require_user()
        except PermissionError:
            self.error = "Log in again to load the tools."
            return
        credential = inputs.get("credentials") if isinstance(inputs.get("credentials"), dict) else {}
        self.loading = True
        try:
            async with session_scope(reading=True) as session:
                found = await mcp_service.server_tools(
                    session, user, str(inputs.get("server_url") or ""), str(credential.get("id") or "") or None
                )
        except ServiceError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self.tools = [
            McpToolChoice(name=t.name, description=t.description, schema_text=json.dumps(t.input_schema, indent=2))
            for t in found[:MAX_TOOLS]
        ]
        current = str(inputs.get("tool_name") or "")
        self.selected = current if any(t.name == current for t in self.tools) else ""
        if not self.tools:
            self.error = "The server offers no tools."

    @rx.event
    async def choose(self, name: str):
        """Use tool ``name`` in the selected step."""
        builder = await self.get_state(BuilderState)
        if builder.panel.node_id != self.node_id or not any(t.name == name for t in self.tools):
            return
        self.selected = name
        await builder.set_input_and_redraw("tool_name", name)
