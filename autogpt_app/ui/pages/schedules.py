"""Schedules: every schedule of the user with next and last run, pause, resume, edit, delete (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.SCHEDULES, "Schedules")
def schedules_page() -> rx.Component:
    return rx.text("Schedules")
