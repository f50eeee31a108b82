"""The copilot's OpenAI-compatible provider: streamed chat completions with tool calls.

Any server that speaks the chat-completions API works (OpenAI, Ollama, vLLM, LM Studio, ...). The
endpoint is the operator's: ``OPENAI_BASE_URL`` (default OpenAI), ``OPENAI_API_KEY`` and
``OPENAI_MODEL`` from the settings, never anything a user typed.

**Why no SSRF guard here.** The LLM *blocks* take their base URL from a user's credential, so they
connect through :func:`~autogpt_app.net.safe_client`, which refuses private addresses. The copilot's
base URL can only be set by whoever runs the platform (an environment variable), and pointing it at
a model on the same machine or network (``http://localhost:11434/v1`` for Ollama) is the common
self-hosted set-up, so it is trusted as configured: only its scheme is checked, and a
``user:password@`` in it is refused (HTTP libraries log request URLs).

**Streaming.** Each content delta is yielded at once as a :class:`TextChunk`. Tool-call deltas are
collected by their ``index`` and yielded, complete, as one :class:`ToolCallsChunk` at the end of
the turn; arguments that are not a JSON object give ``arguments=None`` with ``raw_arguments`` kept.

**Failures.** 408/409/429, 5xx, dropped connections, time-outs and streams cut before their finish
are retried with exponential back-off (or the server's ``retry-after``), but only while nothing
has been yielded yet, so text the person already saw is never repeated. Past that point, or once
the retries are spent, :class:`ProviderError` is raised with a short message that names neither
the key nor the URL (the details go to the log, without the key).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import openai

from autogpt_app.chat.providers.base import (
    ChatMessage,
    ProviderChunk,
    ProviderError,
    TextChunk,
    ToolCall,
    ToolCallsChunk,
    ToolSpec,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
#: Further attempts after a transient failure that happened before anything was streamed.
MAX_RETRIES = 3
#: First back-off delay in seconds; it doubles on each retry (with jitter), up to ``MAX_RETRY_DELAY``.
RETRY_BASE_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
#: A server's ``retry-after`` is obeyed up to this many seconds (longer waits fail instead).
MAX_RETRY_AFTER = 20.0
#: Seconds to open a connection.
CONNECT_TIMEOUT_SECONDS = 10.0
#: Longest silence, in seconds, between two pieces of a streamed answer (first token included).
READ_TIMEOUT_SECONDS = 60.0

_MASK = "****"
#: Things in provider messages that look like keys (``sk-...``), masked even when not ours.
_KEY_LIKE = re.compile(r"\b(sk|rk|pk)-[A-Za-z0-9_\-*]{6,}")
#: An assistant tool call left without an answer (e.g. a stopped turn) gets this tool result,
#: because the chat-completions API refuses a history where a call has no ``tool`` message.
UNANSWERED_TOOL_RESULT = json.dumps({"type": "error", "message": "The tool call was not completed."})


# ---- request shapes ----------------------------------------------------------------------------


def tool_to_openai(spec: ToolSpec) -> dict[str, Any]:
    """The chat-completions ``tools`` entry for ``spec``."""
    parameters = spec.parameters or {"type": "object", "properties": {}}
    return {
        "type": "function",
        "function": {"name": spec.name, "description": spec.description, "parameters": parameters},
    }


def _arguments_text(call: ToolCall) -> str:
    if call.arguments is not None:
        return json.dumps(call.arguments, ensure_ascii=False)
    # Malformed arguments are sent back only if they are JSON at all: several servers parse the
    # history's arguments and answer 400 to invalid JSON, which would break the whole conversation.
    try:
        json.loads(call.raw_arguments)
    except ValueError:
        return "{}"
    return call.raw_arguments


def message_to_openai(message: ChatMessage) -> dict[str, Any]:
    """One :class:`ChatMessage` in the chat-completions ``messages`` shape."""
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        return {
            "role": "assistant",
            "content": message.content or None,
            "tool_calls": [
                {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": _arguments_text(call)}}
                for call in message.tool_calls
            ],
        }
    return {"role": message.role, "content": message.content}


def messages_to_openai(messages: Iterable[ChatMessage]) -> list[dict[str, Any]]:
    """The conversation in the chat-completions shape, repaired so the API accepts it.

    Every assistant tool call is followed by a ``tool`` message answering it (a call left without
    one, say by a stopped turn, gets :data:`UNANSWERED_TOOL_RESULT`), and ``tool`` messages that
    answer no earlier call are dropped: the API refuses both.
    """
    result: list[dict[str, Any]] = []
    waiting: list[str] = []  # call ids of the last assistant message not answered yet
    for message in messages:
        if message.role == "tool":
            if message.tool_call_id in waiting:
                waiting.remove(message.tool_call_id)
                result.append(message_to_openai(message))
            continue
        result.extend(_unanswered(waiting))
        waiting = [call.id for call in message.tool_calls] if message.role == "assistant" else []
        result.append(message_to_openai(message))
    result.extend(_unanswered(waiting))
    return result


def _unanswered(call_ids: list[str]) -> list[dict[str, Any]]:
    return [{"role": "tool", "tool_call_id": call_id, "content": UNANSWERED_TOOL_RESULT} for call_id in call_ids]


# ---- streamed tool calls -----------------------------------------------------------------------


def parse_arguments(raw: str) -> dict[str, Any] | None:
    """Tool-call arguments as a dict: ``{}`` for none, ``None`` for anything but a JSON object."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)


class ToolCallAccumulator:
    """Joins streamed tool-call deltas into complete :class:`ToolCall` objects.

    Deltas are matched by ``index``; the first ``id`` and ``name`` seen win and argument pieces are
    concatenated. Servers that omit the index, or reuse one index with a new call id, still give
    one call per id.
    """

    def __init__(self) -> None:
        self._calls: list[_PartialCall] = []
        self._by_index: dict[int, _PartialCall] = {}

    def __bool__(self) -> bool:
        return bool(self._calls)

    def add(self, delta: Any) -> None:
        """Fold one tool-call delta (an object with ``index``, ``id`` and ``function``) in."""
        index = getattr(delta, "index", None)
        call_id = getattr(delta, "id", None) or ""
        current = self._by_index.get(index) if index is not None else (self._calls[-1] if self._calls else None)
        if current is None or (call_id and current.id and call_id != current.id):
            current = _PartialCall()
            self._calls.append(current)
            if index is not None:
                self._by_index[index] = current
        if call_id and not current.id:
            current.id = call_id
        function = getattr(delta, "function", None)
        if function is not None:
            name = getattr(function, "name", None)
            if name and not current.name:
                current.name = name
            arguments = getattr(function, "arguments", None)
            if arguments:
                current.parts.append(arguments)

    def calls(self) -> list[ToolCall]:
        """The complete calls, in the order they started."""
        result = []
        for partial in self._calls:
            raw = "".join(partial.parts)
            result.append(
                ToolCall(
                    id=partial.id or f"call_{uuid.uuid4().hex[:24]}",
                    name=partial.name,
                    arguments=parse_arguments(raw),
                    raw_arguments=raw,
                )
            )
        return result


# ---- the provider ------------------------------------------------------------------------------


class _CutOff(Exception):
    """The stream ended before the model finished its answer."""


class OpenAIProvider:
    """A copilot model behind any OpenAI-compatible chat-completions endpoint.

    Args:
        api_key: The endpoint's key (never logged, never shown).
        base_url: The endpoint, e.g. ``http://localhost:11434/v1``; empty means OpenAI.
        model: The model name sent with every request.
        max_retries: Further attempts after a transient failure before anything was streamed.
        retry_base_delay: First back-off delay in seconds (doubles on each retry).
        connect_timeout: Seconds to open a connection.
        read_timeout: Longest silence, in seconds, between two pieces of the answer.
        temperature: Sampling temperature; ``None`` leaves the server's default.
    """

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "",
        model: str = DEFAULT_MODEL,
        max_retries: int = MAX_RETRIES,
        retry_base_delay: float = RETRY_BASE_DELAY,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
        read_timeout: float = READ_TIMEOUT_SECONDS,
        temperature: float | None = None,
    ) -> None:
        self.model = model.strip() or DEFAULT_MODEL
        self.max_retries = max(0, max_retries)
        self.retry_base_delay = max(0.0, retry_base_delay)
        self.temperature = temperature
        self._api_key = api_key
        base = base_url.strip() or DEFAULT_BASE_URL
        parts = urlsplit(base)
        #: Host only (no user:password@, no path): what the log names.
        self.host = parts.hostname or "?"
        self._config_error = ""
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self._config_error = "The copilot's language model address (OPENAI_BASE_URL) is not an http(s) URL."
        elif "@" in parts.netloc:
            # HTTP libraries log request URLs, and the key belongs in OPENAI_API_KEY anyway.
            self._config_error = (
                "The copilot's language model address (OPENAI_BASE_URL) must not contain user:password@."
            )
        if self._config_error:
            base = DEFAULT_BASE_URL
        # The client's own retries are off: ours know whether text was already streamed.
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base,
            max_retries=0,
            timeout=openai.Timeout(read_timeout, connect=connect_timeout),
        )

    def __repr__(self) -> str:
        return f"OpenAIProvider(host={self.host!r}, model={self.model!r})"

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.close()

    def _request(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages_to_openai(messages),
            "stream": True,
        }
        if tools:  # the API refuses an empty list
            request["tools"] = [tool_to_openai(tool) for tool in tools]
            request["tool_choice"] = "auto"
        if self.temperature is not None:
            request["temperature"] = self.temperature
        return request

    async def stream(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> AsyncIterator[ProviderChunk]:
        """Stream one model turn: text chunks as they come, then at most one :class:`ToolCallsChunk`.

        Raises:
            ProviderError: the endpoint failed after the retries, or failed after text was streamed.
        """
        if self._config_error:
            raise ProviderError(self._config_error)
        request = self._request(messages, tools)
        attempt = 0
        while True:
            streamed = False
            finished = False
            calls = ToolCallAccumulator()
            try:
                response = await self._client.chat.completions.create(**request)
                async with response:
                    async for chunk in response:
                        for choice in chunk.choices[:1]:
                            delta = choice.delta
                            if delta is not None and delta.content:
                                streamed = True
                                yield TextChunk(text=delta.content)
                            if delta is not None and delta.tool_calls:
                                for tool_delta in delta.tool_calls:
                                    calls.add(tool_delta)
                            if choice.finish_reason:
                                finished = True
                if not finished:
                    raise _CutOff
            except (openai.OpenAIError, _CutOff) as exc:
                if finished and isinstance(exc, openai.APIConnectionError):
                    # The answer was complete; only the end of the stream ([DONE]) was lost.
                    log.info("copilot model at %s: stream closed after the finish", self.host)
                elif not streamed and attempt < self.max_retries and _is_transient(exc):
                    attempt += 1
                    delay = self._retry_delay(attempt, exc)
                    log.info(
                        "copilot model at %s failed (%s); retry %d/%d in %.2fs",
                        self.host,
                        _describe(exc),
                        attempt,
                        self.max_retries,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                else:
                    detail = self._detail(exc) if isinstance(exc, openai.APIError) else ""
                    log.warning("copilot model at %s failed: %s %s", self.host, _describe(exc), detail)
                    raise self._failure(exc, streamed) from None
            if calls:
                yield ToolCallsChunk(calls=calls.calls())
            return

    def _retry_delay(self, attempt: int, exc: BaseException) -> float:
        wait = _retry_after(exc)
        if wait is not None:
            return wait
        delay = min(MAX_RETRY_DELAY, self.retry_base_delay * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not a secret

    def _scrub(self, text: str) -> str:
        if len(self._api_key) >= 4:
            text = text.replace(self._api_key, _MASK)
        text = _KEY_LIKE.sub(_MASK, text)
        return re.sub(r"://[^/\s@]*@", "://", text)  # user:password@ in any URL

    def _detail(self, exc: openai.APIStatusError | openai.APIError) -> str:
        body = exc.body
        message = ""
        if isinstance(body, dict):
            inner = body.get("error", body)
            message = str(inner.get("message") or "") if isinstance(inner, dict) else str(inner or "")
        elif isinstance(body, str):
            message = body
        return self._scrub(" ".join(message.split())[:300])

    def _failure(self, exc: BaseException, streamed: bool) -> ProviderError:
        """A :class:`ProviderError` for ``exc`` whose message is fit for the chat."""
        if streamed:
            if isinstance(exc, openai.APITimeoutError):
                reason = "the model stopped answering"
            elif isinstance(exc, openai.APIConnectionError | _CutOff):
                reason = "the connection was lost"
            else:
                reason = "the model failed"
            return ProviderError(f"The copilot's answer was interrupted ({reason}). Please try again.", retryable=True)
        if isinstance(exc, _CutOff):
            return ProviderError(
                "The copilot's language model ended its answer too early. Please try again.", retryable=True
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status in (401, 403):
                return ProviderError(
                    f"The copilot's language model refused its API key (HTTP {status}). "
                    "An administrator should check OPENAI_API_KEY."
                )
            if status == 429:
                if _is_quota(exc):
                    return ProviderError("The copilot's language model account has no quota left (HTTP 429).")
                return ProviderError(
                    "The copilot's language model is busy (rate limited). Please try again soon.", retryable=True
                )
            detail = self._detail(exc)
            message = f"The copilot's language model answered with an error (HTTP {status})"
            return ProviderError(message + (f": {detail}" if detail else "."), retryable=status >= 500)
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError(
                "The copilot's language model did not answer in time. Please try again.", retryable=True
            )
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError(
                "Could not reach the copilot's language model. Please try again later.", retryable=True
            )
        if isinstance(exc, openai.APIError):
            detail = self._detail(exc)
            return ProviderError(
                "The copilot's language model failed" + (f": {detail}" if detail else "."), retryable=True
            )
        return ProviderError(f"The copilot's language model failed ({type(exc).__name__}).")


def _is_quota(exc: openai.APIStatusError) -> bool:
    body = exc.body
    inner = body.get("error", body) if isinstance(body, dict) else None
    return isinstance(inner, dict) and inner.get("code") == "insufficient_quota"


def _is_transient(exc: BaseException) -> bool:
    """Whether trying the same request again may succeed."""
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status == 429:
            return not _is_quota(exc)
        return status in (408, 409) or status >= 500
    # Connection errors and time-outs, an error event in the stream, a stream cut short.
    return isinstance(exc, openai.APIError | _CutOff)


def _retry_after(exc: BaseException) -> float | None:
    """The server's requested wait (``retry-after-ms`` / ``retry-after`` seconds), if sane."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            continue
        if 0 <= seconds <= MAX_RETRY_AFTER:
            return seconds
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, _CutOff):
        return "stream ended before the finish"
    return type(exc).__name__
