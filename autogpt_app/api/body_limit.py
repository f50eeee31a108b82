"""Request body limits for every route of the site, enforced before a body is read.

A pure ASGI middleware (no request object, nothing buffered) wraps the whole application — the API
and, mounted inside it, Reflex's pages, ``/_upload`` and the rest. A declared ``Content-Length`` over
the limit is refused before the first byte is read; a chunked body is counted as it arrives and
refused the moment it passes the limit. Either way the answer is 413 in the API's error shape.

Two details make the refusal reliable over real sockets:

* The application under us only ever sees a disconnect once the limit is passed, and whatever it
  then tries to send is dropped: raising inside ``receive`` would reach FastAPI's body parser, which
  turns any exception into a 400 "There was an error parsing the body".
* Before the 413 is sent, the rest of the body is read and thrown away (bounded in bytes and time).
  Closing a socket that still has unread request bytes makes the kernel answer with a reset, and a
  client still sending its upload then often sees only a broken connection instead of the 413
  ("lingering close", as nginx does).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from autogpt_app.settings import get_settings

API_PREFIX = "/api/v1"
#: JSON bodies of API calls.
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Agent file uploads may be up to 5 MB, plus the multipart envelope.
FILE_BODY_BYTES = 6 * 1024 * 1024
FILE_PATH_ENDINGS = ("/upload", "/upload/preview", "/import", "/import/preview")
#: Webhook deliveries (``/api/v1/hooks/{trigger id}``) have their own limit, ``WEBHOOK_MAX_BODY_BYTES``.
HOOKS_PREFIX = API_PREFIX + "/hooks/"
#: Reflex's upload endpoint: agent files (5 MB) and listing images, plus the multipart envelope.
UPLOAD_PATH = "/_upload"
#: Everything else (pages, health checks, Reflex's own endpoints) has no business with large bodies.
OTHER_BODY_BYTES = 64 * 1024

#: How much of a refused body is read and discarded so the refusal reaches the client (see module doc).
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_MAX_SECONDS = 10.0


def body_limit_for(path: str) -> int:
    """The largest request body, in bytes, accepted on ``path``."""
    if path.startswith(HOOKS_PREFIX):
        return get_settings().webhook_max_body_bytes
    if path.startswith(API_PREFIX):
        return FILE_BODY_BYTES if path.rstrip("/").endswith(FILE_PATH_ENDINGS) else MAX_BODY_BYTES
    if path.rstrip("/") == "/mcp":  # MCP messages carry an agent's inputs, like the API's JSON
        return MAX_BODY_BYTES
    if path.rstrip("/") == UPLOAD_PATH:
        return FILE_BODY_BYTES
    return OTHER_BODY_BYTES


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _drain(receive: Receive, *, more_body: bool) -> None:
    """Read and discard what is left of a request body, within :data:`DRAIN_MAX_BYTES` and seconds."""
    drained = 0
    deadline = time.monotonic() + DRAIN_MAX_SECONDS
    while more_body and drained <= DRAIN_MAX_BYTES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            message = await asyncio.wait_for(receive(), remaining)
        except TimeoutError:
            return
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))
        more_body = message.get("more_body", False)


async def send_refusal(
    send: Send,
    receive: Receive,
    *,
    status: int,
    code: str,
    message: str,
    body_pending: bool = True,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer a request with the JSON error shape without reading its body into memory.

    What is left of the request body (``body_pending``) is read and discarded first, so a client
    still sending receives the answer rather than a reset. The answer is not sent before that:
    a server may close the connection as soon as a response with a length is complete (granian does),
    which brings the reset back.
    """
    await _drain(receive, more_body=body_pending)
    payload = json.dumps({"error": {"code": code, "message": message}}).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


class BodySizeLimit:
    """Refuse request bodies over the path's limit with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int] = body_limit_for) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        too_large = f"Request body is larger than {max_bytes} bytes."
        declared = _declared_length(scope)
        if declared is not None and declared > max_bytes:
            await send_refusal(send, receive, status=413, code="payload_too_large", message=too_large)
            return

        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    refused = True
                    if not started:
                        await send_refusal(
                            send,
                            receive,
                            status=413,
                            code="payload_too_large",
                            message=too_large,
                            body_pending=message.get("more_body", False),
                        )
                    # The application sees a client that went away: it stops reading and its answer is dropped.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The application failed on the disconnect it was shown; the client already has its 413.
