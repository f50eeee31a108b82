"""Runs: the list of the user's runs and one run's live page (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.RUNS, "Runs")
def runs_page() -> rx.Component:
    return rx.text("Runs")


@template(routes.RUN, "Run")
def run_page() -> rx.Component:
    return rx.text("Run")
