"""A streamed POST straight into an ASGI app, read frame by frame as the app sends them.

httpx's ASGI transport hands a body over only once the response is complete, so the SSE tests and
``benchmarks/chat.py`` drive the app themselves: each message the app sends is timestamped when it
is handed over, and the client can hang up mid-stream (leaving the ``async with``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any


class ASGIStream:
    """``async with ASGIStream(app, path, body, headers) as live``: ``live.status``, then frames."""

    def __init__(
        self,
        app: Any,
        path: str,
        body: dict[str, Any],
        headers: dict[str, str],
        *,
        spec_version: str = "2.3",
        wait: float = 10,
    ) -> None:
        """``wait``: the longest pause between two messages of the app before giving up (seconds)."""
        self.app, self.path, self.spec_version, self.wait = app, path, spec_version, wait
        self.payload = json.dumps(body).encode()
        self.headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self.payload)).encode())]
        self.headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        self.sent: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.gone = asyncio.Event()
        self.buffer = ""
        self.status = 0
        self.ended = False
        #: When the app handed over the body part that completed the last frame read (perf_counter).
        self.last_at = 0.0

    async def __aenter__(self) -> ASGIStream:
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": self.payload, "more_body": False}
            await self.gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            await self.sent.put((time.perf_counter(), message))

        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": self.spec_version},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": self.headers,
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 5000),
        }
        self.task = asyncio.create_task(self.app(scope, receive, send))
        _at, start = await asyncio.wait_for(self.sent.get(), 10)
        assert start["type"] == "http.response.start"
        self.status = start["status"]
        return self

    async def _more(self) -> None:
        self.last_at, message = await asyncio.wait_for(self.sent.get(), self.wait)
        assert message["type"] == "http.response.body"
        self.buffer += message.get("body", b"").decode()
        self.ended = not message.get("more_body")

    async def next_frame(self) -> str:
        """The next SSE frame (an event block or a ping comment), waiting for it."""
        while "\n\n" not in self.buffer:
            assert not self.ended, "the stream ended"
            await self._more()
        frame, self.buffer = self.buffer.split("\n\n", 1)
        return frame

    async def frames(self) -> AsyncIterator[tuple[float, str]]:
        """Every frame until the response ends, with when the app handed it over."""
        while True:
            while "\n\n" not in self.buffer:
                if self.ended:
                    return
                await self._more()
            frame, self.buffer = self.buffer.split("\n\n", 1)
            yield self.last_at, frame

    async def __aexit__(self, *exc: object) -> None:
        self.gone.set()  # the client hangs up
        await asyncio.wait_for(self.task, 10)
