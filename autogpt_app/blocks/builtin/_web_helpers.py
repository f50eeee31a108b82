"""Shared helpers of the web blocks: the run's guarded HTTP client, refusals and blocked-address messages."""

from __future__ import annotations

from autogpt_app.blocks.sdk import RunContext
from autogpt_app.net import SafeHTTP

THREAD_THRESHOLD = 50_000  # bytes of HTML/XML parsed in a worker thread rather than on the event loop

BLOCKED_LOOPBACK = "Requests to private or local addresses are not allowed (127.0.0.1)."
BLOCKED_METADATA = "Requests to private or local addresses are not allowed (169.254.169.254)."
NOT_HTTP = "Only http:// and https:// URLs are allowed (scheme: file:)."


class WebProblem(Exception):
    """A request the block refuses before sending; the message is shown as is."""


def open_http(context: RunContext) -> SafeHTTP:
    """The run's guarded HTTP client (the engine's factory when it gives one)."""
    return context.http() if context.http is not None else SafeHTTP()
