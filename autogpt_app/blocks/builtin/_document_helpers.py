"""Shared helpers of the document blocks: the document size limit and moving big inputs off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Inputs longer than this are processed in a worker thread so the event loop stays responsive.
THREAD_THRESHOLD = 20_000
MAX_DOCUMENT_CHARS = 5_000_000


async def offload(func: Callable[..., T], size: int, *args: Any) -> T:
    """Run ``func(*args)`` here when the input is small, in a worker thread when it is big."""
    if size > THREAD_THRESHOLD:
        return await asyncio.to_thread(func, *args)
    return func(*args)
