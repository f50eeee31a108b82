"""A small threaded JSON-over-HTTP server on 127.0.0.1 that fakes of web APIs build on.

A subclass implements :meth:`FakeJsonApi.answer` (a recorded request in, ``(status, body,
headers)`` out); the base records every request, serves sync and async tests alike, and lets a
test force the next answers with :meth:`FakeJsonApi.fail_next` (e.g. a 429 or a 503)::

    with FakeChatApis() as api:
        api.fail_next(503, {"message": "down"})
        ...
        assert api.requests[-1].path == "/discord/channels/1/messages"
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class ApiRequest:
    """A request the fake received (header names in lower case)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}


@dataclass
class ApiAnswer:
    """One forced answer: status, JSON body (or raw bytes) and headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeJsonApi:
    """Base of the fakes: a real HTTP server in a background thread."""

    name = "fake-api"

    def __init__(self) -> None:
        self.requests: list[ApiRequest] = []
        self._forced: deque[ApiAnswer] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> FakeJsonApi:
        handler = type("Handler", (_Handler,), {"api": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None):
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._httpd is not None, "start the fake first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # --- scripting ----------------------------------------------------------------------------

    def fail_next(self, status: int, body: Any = None, headers: dict[str, str] | None = None, *, times: int = 1):
        """Answer the next ``times`` requests with ``status`` and ``body`` instead of the real thing."""
        with self._lock:
            for _ in range(times):
                self._forced.append(ApiAnswer(status, body, dict(headers or {})))

    def answer(self, request: ApiRequest) -> ApiAnswer:
        """The answer to ``request``; subclasses implement the API here."""
        return ApiAnswer(404, {"message": "not found"})

    def _serve(self, request: ApiRequest) -> ApiAnswer:
        with self._lock:
            self.requests.append(request)
            if self._forced:
                return self._forced.popleft()
        return self.answer(request)


class _Handler(BaseHTTPRequestHandler):
    api: FakeJsonApi
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = ApiRequest(
            method=self.command,
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        answer = self.api._serve(request)
        payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        headers = {"Content-Type": "application/json", **answer.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle
