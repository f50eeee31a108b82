"""The Reflex application: pages, theme, and the REST API mounted around it."""

from __future__ import annotations

import reflex as rx

from autogpt_app.api.app import build_api
from autogpt_app.ui import pages  # noqa: F401  (registers every page)

app = rx.App(api_transformer=build_api())
