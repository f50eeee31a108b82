"""Calling a web service's HTTP API from a block: one request, a readable failure, never a secret.

The blocks that speak to a named service (a search engine, Wikipedia, OpenWeatherMap, Google Maps,
YouTube) send their request through the run's guarded client (:func:`open_http`) with
:func:`call_service`. Whatever goes wrong — the address refused, a timeout, the service saying the
key is wrong (401/403), too many requests (429), a failure on its side (5xx), an answer that is not
JSON — becomes a :class:`~autogpt_app.blocks.sdk.BlockError` whose message names the service and
the status, and never holds a URL (keys sometimes travel in the query string) or a header.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from autogpt_app.blocks.builtin._web_helpers import open_http
from autogpt_app.blocks.sdk import BlockError, RunContext
from autogpt_app.net import OutboundRequestError, SafeResponse


def join_url(base: str, path: str) -> str:
    """``base`` (a configured service address) with ``path`` appended, one slash between them."""
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


def status_message(service: str, status: int, detail: str = "") -> str:
    """What a person reads when ``service`` answered ``status``; ``detail`` is the service's own reason."""
    if status in (401, 403):
        text = f"{service} refused the request (HTTP {status}): check the API key in the credential."
    elif status == 429:
        text = f"{service} says there were too many requests (HTTP 429); wait a moment or check the plan's limits."
    elif status >= 500:
        text = f"{service} had a problem on its side (HTTP {status}); try again later."
    else:
        text = f"{service} refused the request (HTTP {status})."
    if detail:
        text = f"{text} It said: {detail[:300]}"
    return text


_DETAIL_KEYS = ("message", "detail", "error", "readableMessage")


def _error_detail(response: SafeResponse) -> str:
    """The reason a service gave in its error body, when it gave one in a usual place."""
    try:
        body = json.loads(response.text())
    except ValueError:
        return ""
    return _first_text(body, depth=3)


def _first_text(value: Any, *, depth: int) -> str:
    """The first non-empty text under the usual keys (``{"error": {"message": …}}``, ``{"detail": …}``)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict) and depth > 0:
        for key in _DETAIL_KEYS:
            if text := _first_text(value.get(key), depth=depth - 1):
                return text
    return ""


async def send(
    context: RunContext,
    service: str,
    method: str,
    url: str | httpx.URL,
    *,
    secrets: tuple[str, ...] = (),
    **request: Any,
) -> SafeResponse:
    """Send one request to ``service`` and return its answer, whatever its status.

    Raises:
        BlockError: the request could not be sent (address refused, timeout, connection failed).
    """
    try:
        async with open_http(context) as http:
            return await http.request(method, url, **request)
    except OutboundRequestError as exc:
        raise BlockError(_scrub(f"{service} could not be reached: {exc.message}", secrets)) from None


def check_answer(
    service: str, response: SafeResponse, *, secrets: tuple[str, ...] = (), hints: dict[int, str] | None = None
) -> SafeResponse:
    """Return ``response`` when it is a success (2xx), else raise its readable failure.

    Raises:
        BlockError: the service answered with an error status.
    """
    if response.is_success:
        return response
    if hints and response.status_code in hints:
        raise BlockError(hints[response.status_code])
    raise BlockError(_scrub(status_message(service, response.status_code, _error_detail(response)), secrets))


async def call_service(
    context: RunContext,
    service: str,
    method: str,
    url: str | httpx.URL,
    *,
    secrets: tuple[str, ...] = (),
    hints: dict[int, str] | None = None,
    **request: Any,
) -> SafeResponse:
    """Send one request to ``service`` and return its successful (2xx) answer.

    Args:
        context: The block run (its guarded HTTP client is used).
        service: The service's name as people know it, for messages ("Brave Search").
        method: HTTP method.
        url: Full address of the endpoint.
        secrets: Values that must never appear in a message (API keys); removed if a service echoes them.
        hints: Messages of the caller's own for some statuses (e.g. what a 403 means for this service).
        **request: Passed to :meth:`SafeHTTP.request` (``headers``, ``params``, ``json``...).

    Raises:
        BlockError: the request could not be sent or the service answered with an error.
    """
    response = await send(context, service, method, url, secrets=secrets, **request)
    return check_answer(service, response, secrets=secrets, hints=hints)


def json_answer(service: str, response: SafeResponse) -> Any:
    """The JSON body of ``response``, or a readable failure when it is not JSON."""
    try:
        return json.loads(response.text())
    except ValueError:
        raise BlockError(f"{service} answered with something that is not JSON.") from None


def _scrub(message: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            message = message.replace(secret, "****")
    return message
