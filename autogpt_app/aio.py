"""Event loops for the threads that run their own: worker threads (the relay runs on one too) and
the run publisher (:mod:`autogpt_app.jobs`).

uvloop (a runtime requirement) runs the same coroutines on libuv with less CPU per I/O wake-up than
asyncio's own loop; the web server (granian) picks it by itself. Where uvloop cannot load (an
unusual platform) asyncio's loop does the same work, only slower.
"""

from __future__ import annotations

import asyncio

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is pinned in requirements.txt
    uvloop = None


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop for the calling thread: uvloop's when available, else asyncio's."""
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()
