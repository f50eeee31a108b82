"""Marketplace pages: home, search, agent page, creator page (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.MARKETPLACE, "Marketplace")
def marketplace_home() -> rx.Component:
    return rx.text("Marketplace")


@template(routes.MARKETPLACE_SEARCH, "Search agents")
def marketplace_search() -> rx.Component:
    return rx.text("Search")


@template(routes.MARKETPLACE_AGENT, "Agent")
def marketplace_agent() -> rx.Component:
    return rx.text("Agent")


@template(routes.MARKETPLACE_CREATOR, "Creator")
def marketplace_creator() -> rx.Component:
    return rx.text("Creator")
