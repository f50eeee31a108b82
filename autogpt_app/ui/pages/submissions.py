"""Publishing: my submissions to the marketplace, and the admin review queue (being built)."""

from __future__ import annotations

import reflex as rx

from autogpt_app.ui import routes
from autogpt_app.ui.components.shell import template


@template(routes.SUBMISSIONS, "My submissions")
def submissions_page() -> rx.Component:
    return rx.text("Submissions")


@template(routes.ADMIN_SUBMISSIONS, "Admin · Submissions", admin=True)
def admin_submissions_page() -> rx.Component:
    return rx.text("Review queue")
