"""A library agent's page: run form from its input schema, credential pickers, run history (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.LIBRARY_AGENT, "Agent")
def library_agent_page() -> rx.Component:
    return rx.text("Agent")
