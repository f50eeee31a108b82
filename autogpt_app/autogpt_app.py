"""The Reflex application: pages, theme, and the REST API mounted around it."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import reflex as rx

from autogpt_app import db_budget
from autogpt_app.api.app import build_api
from autogpt_app.api.mcp_endpoint import mcp_lifespan
from autogpt_app.db import dispose_engine
from autogpt_app.settings import get_secret_key, get_settings
from autogpt_app.ui import pages  # noqa: F401  (registers every page)
from autogpt_app.ui.backend_errors import backend_error_notice
from autogpt_app.ui.upload_guard import UploadLoginGuard

log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan() -> AsyncIterator[None]:
    """Refuse to serve with unsafe settings (e.g. a default secret in production); in embedded mode
    run the execution workers and the recovery sweep in this process; close the pool on exit."""
    from workers.embedded import EmbeddedWorkers

    get_secret_key()
    # Refuse to start when the connection budget cannot give this process its share (db_budget.py).
    log.info("database connection budget: %s", db_budget.plan(get_settings()).describe())
    workers = EmbeddedWorkers()
    workers.start()
    # The app's pages and components are built once and live as long as the process: move them out
    # of the collector's sight, so a full collection under load scans what requests made, not them.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        workers.stop()
        await dispose_engine()


def _guard_uploads(asgi_app):
    """Wrap the whole app (API and Reflex): ``/_upload`` answers only a logged-in tab."""
    return UploadLoginGuard(asgi_app, reflex_app=lambda: app)


app = rx.App(
    # The API mounts the Reflex app; the upload guard then wraps both (see autogpt_app/ui/upload_guard.py).
    api_transformer=[build_api(), _guard_uploads],
    backend_exception_handler=backend_error_notice,
    # /favicon.ico (assets/favicon.ico) serves browsers that ask for it; these are sharper where supported.
    head_components=[
        rx.el.link(rel="icon", href="/logo.svg", type="image/svg+xml"),
        rx.el.link(rel="apple-touch-icon", href="/apple-touch-icon.png"),
    ],
)
app.register_lifespan_task(_lifespan)
# The MCP server's session manager (/mcp) needs a task group for the process's life.
app.register_lifespan_task(mcp_lifespan)
