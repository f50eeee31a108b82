"""Notification centre: every notification with filters and paging, and per-type preferences (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.NOTIFICATIONS, "Notifications")
def notifications_page() -> rx.Component:
    return rx.text("Notifications")
