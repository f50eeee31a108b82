"""Shared helpers of the messaging blocks (Discord, Slack, Telegram, Gmail): one JSON call to a
service's HTTP API through the run's guarded client, and its failures in plain words.

Every failure becomes a :class:`ServiceProblem` whose message names the service and what to do;
the token is masked out of anything the service said back, so it never reaches an output or a log.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from autogpt_app.blocks.builtin._web_helpers import open_http
from autogpt_app.blocks.sdk import RunContext
from autogpt_app.net import OutboundRequestError, SafeResponse

MASK = "********"
_DETAIL_CHARS = 200


class ServiceProblem(Exception):
    """A messaging call that failed; ``str()`` is a sentence fit for the run page (never a secret).

    ``status`` is the service's HTTP status when it answered with an error (``None`` otherwise).
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def masked(text: str, *secrets: str) -> str:
    """``text`` with every one of ``secrets`` (of 4 characters or more) replaced by a mask."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, MASK)
    return text


def _retry_after(response: SafeResponse, body: Any) -> float | None:
    """Seconds the service asks us to wait, from ``Retry-After`` or the JSON body."""
    candidates: list[Any] = [response.headers.get("retry-after")]
    if isinstance(body, dict):
        candidates.append(body.get("retry_after"))
        parameters = body.get("parameters")
        if isinstance(parameters, dict):
            candidates.append(parameters.get("retry_after"))
    for value in candidates:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds >= 0 and math.isfinite(seconds):
            return seconds
    return None


def _detail(body: Any) -> str:
    """The service's own short explanation, if its error body has one."""
    if not isinstance(body, dict):
        return ""
    for key in ("message", "description", "error_description", "error"):
        value = body.get(key)
        if isinstance(value, dict):
            value = value.get("message")
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split()).rstrip(".")
            return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"
    return ""


def explain_status(service: str, response: SafeResponse, body: Any, *, what: str = "the token") -> str:
    """A readable sentence for a non-2xx answer of ``service`` (its secrets masked by the caller)."""
    status = response.status_code
    detail = _detail(body)
    said = f": {detail}" if detail else ""
    if status == 401:
        return f"{service} did not accept {what} (HTTP 401){said}. Check the credential, or create a new one."
    if status == 403:
        return f"{service} refused the request (HTTP 403){said}. Check what the credential is allowed to do."
    if status == 404:
        return f"{service} did not find what the request names (HTTP 404){said}. Check the ids."
    if status == 429:
        wait = _retry_after(response, body)
        when = f"in {math.ceil(wait):g} seconds" if wait is not None else "in a little while"
        return f"{service} is limiting requests (HTTP 429). Try again {when}."
    if status >= 500:
        return f"{service} had a problem on its side (HTTP {status}). Try again later."
    return f"{service} refused the request (HTTP {status}){said}."


def _parsed(response: SafeResponse) -> Any:
    try:
        return response.json()
    except OutboundRequestError:
        return None


async def call_json(
    context: RunContext,
    service: str,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    secrets: tuple[str, ...] = (),
    json: Any = None,
    data: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    what: str = "the token",
) -> Any:
    """Send one request through the run's guarded client and return the JSON answer.

    Args:
        context: The block's run context (its ``http`` factory is used).
        service: The service's name as people know it ("Discord"), for messages.
        method: HTTP method.
        url: Absolute URL (may carry a secret, as Telegram's does: list it in ``secrets``).
        headers: Request headers (never shown).
        secrets: Values masked out of every message.
        json: JSON body.
        data: Form body.
        params: Query parameters.
        what: What the credential is called in a 401 message ("the bot token").

    Raises:
        ServiceProblem: unreachable, refused, limited, failing, or not answering JSON.
    """
    try:
        async with open_http(context) as http:
            response = await http.request(method, url, headers=headers, json=json, data=data, params=params)
    except OutboundRequestError as exc:
        raise ServiceProblem(masked(exc.message, *secrets)) from None
    body = _parsed(response)
    if not response.is_success:
        message = masked(explain_status(service, response, body, what=what), *secrets)
        raise ServiceProblem(message, response.status_code)
    if body is None and response.content.strip():
        raise ServiceProblem(f"{service} answered with something that is not JSON.")
    return body


def api_key(context: RunContext, service: str, field: str = "credentials") -> str:
    """The token of the run's ``field`` credential, or a readable refusal.

    Raises:
        BlockError: no credential was given.
        ServiceProblem: the credential has no token.
    """
    credential = context.secret(field)
    token = credential.api_key.get_secret_value().strip() if credential.api_key is not None else ""
    if not token:
        raise ServiceProblem(f"The {service} credential has no token: create it with the bot token as its API key.")
    return token
