"""What a page shows when an event handler fails unexpectedly.

A database that refuses connections (too many clients, pool exhausted, server restarting) is not a
bug of the page: the person reads that the service is busy and to try again, not Reflex's generic
"An error occurred. Contact the website administrator." Everything else keeps Reflex's handling.
"""

from __future__ import annotations

import logging

import reflex as rx
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec

from autogpt_app.db import DATABASE_BUSY, is_unavailable

log = logging.getLogger(__name__)


def backend_error_notice(exception: Exception) -> EventSpec:
    """Reflex's ``backend_exception_handler``: a readable notice for a busy database, else the default."""
    if is_unavailable(exception):
        log.warning("database unavailable in a page event: %s", type(exception).__name__)
        return rx.toast.error(DATABASE_BUSY, id="database_busy", position="top-center")
    return default_backend_exception_handler(exception)
