"""The Reflex application: pages, theme, and the REST API mounted around it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import reflex as rx

from autogpt_app.api.app import build_api
from autogpt_app.db import dispose_engine
from autogpt_app.settings import get_secret_key
from autogpt_app.ui import pages  # noqa: F401  (registers every page)


@asynccontextmanager
async def _lifespan() -> AsyncIterator[None]:
    """Refuse to serve with unsafe settings (e.g. a default secret in production); in embedded mode
    run the execution workers and the recovery sweep in this process; close the pool on exit."""
    from workers.embedded import EmbeddedWorkers

    get_secret_key()
    workers = EmbeddedWorkers()
    workers.start()
    try:
        yield
    finally:
        workers.stop()
        await dispose_engine()


app = rx.App(
    api_transformer=build_api(),
    # /favicon.ico (assets/favicon.ico) serves browsers that ask for it; these are sharper where supported.
    head_components=[
        rx.el.link(rel="icon", href="/logo.svg", type="image/svg+xml"),
        rx.el.link(rel="apple-touch-icon", href="/apple-touch-icon.png"),
    ],
)
app.register_lifespan_task(_lifespan)
