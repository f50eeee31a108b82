"""Library page: favourites, all agents, search, sort, filters, list/grid, bulk actions, upload (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.LIBRARY, "Library")
def library_page() -> rx.Component:
    return rx.text("Library")
