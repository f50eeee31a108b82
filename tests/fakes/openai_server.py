"""A small OpenAI-compatible HTTP server for tests: real sockets, scripted answers, recorded requests.

Tests run the real ``openai`` client (or anything else that speaks the chat-completions API) against
it. It listens on ``127.0.0.1`` on a free port, in a background thread, so it serves sync tests,
async tests and other processes alike::

    with FakeOpenAIServer() as server:
        server.reply_text("Hello!")
        server.reply_tool_call("find_agent", {"query": "news"})
        server.reply_error(429, "Slow down")            # the client's retry gets the next reply
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=server.base_url)
        ...
        assert server.completions[0].model == "gpt-4o-mini"
        assert server.completions[0].authorization == "Bearer sk-test"

Endpoints: ``POST /v1/chat/completions`` (plain JSON, or server-sent events when the request has
``"stream": true``: ``data:`` chunks with content and tool-call deltas, then ``data: [DONE]``),
``GET /v1/models`` (the ids in ``server.models``; ``None`` answers 404, as servers without a list do)
and ``POST /v1/images/generations`` (answers queued with ``reply_image``/``reply_image_error``, in
order; none left answers 500). Replies are taken from a queue in order; when it is empty, ``responder`` (a
function of the request) answers, and without one the server answers 500 so a test that asked for
more than it scripted fails loudly. Error replies carry ``retry-after-ms`` (``retry_after_ms``) so
the client's back-off stays short in tests. A streamed reply can also fail part-way:
``Reply(cut_after=n)`` drops the connection after ``n`` chunks and ``Reply(stream_error="...")``
ends the stream with an error event instead of a finish.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

_ids = itertools.count(1)


@dataclass
class ToolCall:
    """A function call the fake model makes. ``arguments`` may be a dict (sent as JSON) or raw text."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str = ""

    def arguments_text(self) -> str:
        return self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments)


@dataclass
class Reply:
    """One scripted answer.

    Attributes:
        content: The assistant's text (``None`` for a pure tool-call answer).
        tool_calls: Function calls in the answer.
        status: HTTP status; anything but 200 sends an OpenAI-style error body with ``error_message``.
        error_message: Message of the error body.
        headers: Extra response headers.
        finish_reason: Defaults to ``tool_calls`` when there are calls, else ``stop``.
        model: Model named in the answer (defaults to the one requested).
        usage: Token counts (defaults to small made-up numbers).
        delay: Seconds to wait before answering (to test time-outs).
        chunk_size: Characters per streamed content delta (default: one word per delta).
        raw_body: Sent as is with status ``status`` (for malformed answers).
        cut_after: When streaming, send only this many ``data:`` events (the first one carries the
            role; ``[DONE]`` counts too) and then close the connection without ending the body: a
            dropped stream.
        stream_error: When streaming, send an OpenAI-style ``{"error": ...}`` event with this
            message after the content and tool-call deltas, then end the stream (no finish, no
            ``[DONE]``), as providers do when they fail mid-answer.
        chunk_delay: Seconds to wait between two streamed chunks.
    """

    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    status: int = 200
    error_message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str | None = None
    model: str | None = None
    usage: dict[str, int] | None = None
    delay: float = 0.0
    chunk_size: int | None = None
    raw_body: bytes | None = None
    cut_after: int | None = None
    stream_error: str | None = None
    chunk_delay: float = 0.0


@dataclass
class RecordedRequest:
    """A request the server received (headers with lower-case names)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def model(self) -> str | None:
        data = self.json
        return data.get("model") if isinstance(data, dict) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        data = self.json
        return data.get("messages", []) if isinstance(data, dict) else []

    @property
    def stream(self) -> bool:
        data = self.json
        return bool(isinstance(data, dict) and data.get("stream"))

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    def last_user_message(self) -> str:
        """Text of the last ``user`` message (empty when there is none)."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                content = message.get("content")
                if isinstance(content, list):  # content parts
                    return "".join(part.get("text", "") for part in content if isinstance(part, dict))
                return str(content or "")
        return ""


Responder = Callable[[RecordedRequest], Reply]


class FakeOpenAIServer:
    """OpenAI-compatible chat-completions server on ``127.0.0.1`` with a queue of scripted replies.

    Args:
        api_key: When set, requests without ``Authorization: Bearer <api_key>`` get a 401.
        responder: Answers requests once the queue is empty.
        retry_after_ms: ``retry-after-ms`` header added to 408/409/429/5xx replies (``None``: none).
        host: Address to listen on.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        responder: Responder | None = None,
        retry_after_ms: int | None = 1,
        host: str = "127.0.0.1",
    ) -> None:
        self.api_key = api_key
        self.responder = responder
        self.retry_after_ms = retry_after_ms
        self.requests: list[RecordedRequest] = []
        self._queue: deque[Reply] = deque()
        #: Model ids ``GET /models`` lists; None makes it answer 404.
        self.models: list[str] | None = ["gpt-4o-mini"]
        self._image_queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._host = host
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- life cycle -------------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        """Start listening (on a free port) in a background thread."""
        handler = type("_Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer((self._host, 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and close its socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeOpenAIServer:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The ``base_url`` an OpenAI client needs: ``http://127.0.0.1:<port>/v1``."""
        return f"{self.url}/v1"

    # ---- scripting --------------------------------------------------------------------------

    def enqueue(self, *replies: Reply) -> None:
        """Add replies to the end of the queue."""
        with self._lock:
            self._queue.extend(replies)

    def reply_text(self, content: str, **options: Any) -> None:
        """Queue a plain text answer (``options`` as :class:`Reply`)."""
        self.enqueue(Reply(content=content, **options))

    def reply_tool_call(
        self, name: str, arguments: dict[str, Any] | str | None = None, *, content: str | None = None, **options: Any
    ) -> None:
        """Queue an answer calling one function."""
        self.enqueue(Reply(content=content, tool_calls=[ToolCall(name, arguments or {})], **options))

    def reply_tool_calls(self, calls: list[ToolCall], *, content: str | None = None, **options: Any) -> None:
        """Queue an answer calling several functions."""
        self.enqueue(Reply(content=content, tool_calls=list(calls), **options))

    def reply_error(self, status: int, message: str = "", *, times: int = 1, **options: Any) -> None:
        """Queue ``times`` error answers with ``status``."""
        self.enqueue(*(Reply(status=status, error_message=message, **options) for _ in range(times)))

    def reply_image(self, *, url: str | None = None, b64_json: str | None = None) -> None:
        """Queue an answer of the images endpoint with one image (a URL or base64 data)."""
        image = {"url": url} if url is not None else {"b64_json": b64_json or ""}
        with self._lock:
            self._image_queue.append(Reply(raw_body=json.dumps({"created": 0, "data": [image]}).encode()))

    def reply_image_error(self, status: int, message: str = "", *, times: int = 1) -> None:
        """Queue ``times`` error answers of the images endpoint."""
        with self._lock:
            self._image_queue.extend(Reply(status=status, error_message=message) for _ in range(times))

    @property
    def image_requests(self) -> list[RecordedRequest]:
        """The image-generation requests received, in order."""
        with self._lock:
            return [r for r in self.requests if r.path.rstrip("/").endswith("/images/generations")]

    @property
    def pending(self) -> int:
        """Scripted replies not used yet."""
        with self._lock:
            return len(self._queue)

    @property
    def completions(self) -> list[RecordedRequest]:
        """The chat-completions requests received, in order."""
        with self._lock:
            return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def clear(self) -> None:
        """Forget recorded requests and queued replies."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()
            self._image_queue.clear()

    # ---- used by the handler ----------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return self.responder(request)
        return Reply(status=500, error_message="fake OpenAI server: no scripted reply left")


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def handle(self) -> None:
        # A client that gave up (a time-out, a stopped stream) is normal here, not worth a traceback.
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read(self) -> RecordedRequest:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = RecordedRequest(self.command, self.path.split("?", 1)[0], headers, body)
        self.fake._record(request)
        return request

    def do_GET(self) -> None:
        request = self._read()
        if not self._authorized(request):
            return
        if request.path.rstrip("/").endswith("/models"):
            if self.fake.models is None:
                self._send_error(404, "There is no models list here.", "invalid_request_error")
                return
            models = [{"id": name, "object": "model", "owned_by": "fake"} for name in self.fake.models]
            self._send_json(200, {"object": "list", "data": models})
        else:
            self._send_error(404, f"Unknown path {request.path}", "invalid_request_error")

    def do_POST(self) -> None:
        request = self._read()
        if not self._authorized(request):
            return
        if request.path.rstrip("/").endswith("/images/generations"):
            self._images(request)
            return
        if not request.path.rstrip("/").endswith("/chat/completions"):
            self._send_error(404, f"Unknown path {request.path}", "invalid_request_error")
            return
        if not isinstance(request.json, dict):
            self._send_error(400, "The body is not a JSON object.", "invalid_request_error")
            return
        reply = self.fake._next_reply(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.raw_body is not None:
            self._send(reply.status, reply.raw_body, "application/json", reply.headers)
        elif reply.status != 200:
            self._send_error(reply.status, reply.error_message or f"Error {reply.status}", None, reply.headers)
        elif request.stream:
            self._stream(request, reply)
        else:
            self._send_json(200, _completion(request, reply), reply.headers)

    def _images(self, request: RecordedRequest) -> None:
        with self.fake._lock:
            reply = self.fake._image_queue.popleft() if self.fake._image_queue else None
        if reply is None:
            self._send_error(500, "fake OpenAI server: no scripted image reply left", None)
        elif reply.raw_body is not None:
            self._send(200, reply.raw_body, "application/json")
        else:
            self._send_error(reply.status, reply.error_message or f"Error {reply.status}", None)

    # ---- replies ----------------------------------------------------------------------------

    def _authorized(self, request: RecordedRequest) -> bool:
        key = self.fake.api_key
        if key is None or request.authorization == f"Bearer {key}":
            return True
        self._send_error(401, "Incorrect API key provided.", "invalid_request_error", code="invalid_api_key")
        return False

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _send_error(
        self,
        status: int,
        message: str,
        kind: str | None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        kind = kind or {429: "rate_limit_exceeded", 401: "invalid_request_error"}.get(status, "server_error")
        extra = dict(headers or {})
        if self.fake.retry_after_ms is not None and (status in (408, 409, 429) or status >= 500):
            extra.setdefault("retry-after-ms", str(self.fake.retry_after_ms))
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        self._send_json(status, body, extra)

    def _stream(self, request: RecordedRequest, reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        events = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in _stream_chunks(request, reply)]
        if reply.stream_error is None:
            events.append(b"data: [DONE]\n\n")
        else:  # no finish, no [DONE]: the error event ends the answer
            events = [
                f"data: {json.dumps(chunk)}\n\n".encode()
                for chunk in _stream_chunks(request, reply)
                if chunk["choices"] and chunk["choices"][0]["finish_reason"] is None
            ]
            error = {"message": reply.stream_error, "type": "server_error", "param": None, "code": None}
            events.append(f"data: {json.dumps({'error': error})}\n\n".encode())
        for sent, event in enumerate(events):
            if reply.cut_after is not None and sent >= reply.cut_after:
                self.close_connection = True  # the body is left unfinished: the client sees a dropped stream
                return
            if sent and reply.chunk_delay:
                time.sleep(reply.chunk_delay)
            self._write_chunk(event)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


# ---- response bodies ---------------------------------------------------------------------------


def _usage(request: RecordedRequest, reply: Reply) -> dict[str, int]:
    if reply.usage is not None:
        return reply.usage
    prompt = sum(len(str(m.get("content") or "").split()) for m in request.messages)
    completion = len((reply.content or "").split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _calls(reply: Reply) -> list[tuple[str, ToolCall]]:
    return [(call.id or f"call_{next(_ids)}", call) for call in reply.tool_calls]


def _completion(request: RecordedRequest, reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    calls = _calls(reply)
    if calls:
        message["tool_calls"] = [
            {"id": call_id, "type": "function", "function": {"name": call.name, "arguments": call.arguments_text()}}
            for call_id, call in calls
        ]
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model or request.model or "fake-model",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": reply.finish_reason or ("tool_calls" if calls else "stop"),
                "logprobs": None,
            }
        ],
        "usage": _usage(request, reply),
    }


def _pieces(text: str, size: int | None) -> list[str]:
    if not text:
        return []
    if size:
        return [text[i : i + size] for i in range(0, len(text), size)]
    return re.findall(r"\s*\S+\s*", text) or [text]


def _stream_chunks(request: RecordedRequest, reply: Reply) -> list[dict[str, Any]]:
    base = {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": reply.model or request.model or "fake-model",
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": piece}) for piece in _pieces(reply.content or "", reply.chunk_size)]
    calls = _calls(reply)
    for index, (call_id, call) in enumerate(calls):
        head = {"index": index, "id": call_id, "type": "function", "function": {"name": call.name, "arguments": ""}}
        chunks.append(chunk({"tool_calls": [head]}))
        for piece in _pieces(call.arguments_text(), reply.chunk_size or 8):
            chunks.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}))
    chunks.append(chunk({}, reply.finish_reason or ("tool_calls" if calls else "stop")))
    options = (request.json or {}).get("stream_options") or {}
    if options.get("include_usage"):
        chunks.append({**base, "choices": [], "usage": _usage(request, reply)})
    return chunks
