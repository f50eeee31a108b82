"""Web request blocks: HTTP requests (with optional host-scoped credentials) and webhooks.

Every request goes through the SSRF-guarded client (:class:`~autogpt_app.net.SafeHTTP`): only
public http(s) addresses, each redirect checked, bodies capped in size, an overall time limit.
Failures come out on the ``error`` pin as the client's readable message (never headers or secrets).

The HTTP request blocks use AutoGPT's ids and pin names (``SendWebRequestBlock``,
``SendAuthenticatedWebRequestBlock``) so its agent exports import.

Host-scoped credentials (provider ``http``) add their headers only when the request's host is the
credential's host. Redirects are then followed here, hop by hop, and the credential's headers are
dropped for good as soon as a hop leaves the first origin (scheme, host and port):
``SafeHTTP`` itself only drops ``Authorization``/``Cookie`` on such hops, not custom headers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, ClassVar, Literal

import httpx
from pydantic import Field, field_validator

from autogpt_app.blocks.builtin._web_helpers import BLOCKED_LOOPBACK, BLOCKED_METADATA, NOT_HTTP, WebProblem, open_http
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialRequirement,
    CredentialSecret,
    CredentialsRef,
    RunContext,
)
from autogpt_app.net import OutboundRequestError, SafeHTTP, SafeResponse, checked_url
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DROPPED_CROSS_ORIGIN = frozenset({"authorization", "proxy-authorization", "cookie"})
_HOP_BY_HOP = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer"}
)
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}")


def _clean_headers(headers: dict[str, Any]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for name, value in headers.items():
        name = str(name).strip()
        text = "" if value is None else str(value)
        if not _HEADER_NAME.fullmatch(name):
            raise WebProblem(f"The header name {name[:40]!r} is not valid.")
        if any(c in text for c in "\r\n\0"):
            raise WebProblem(f"The value of the header {name!r} contains a line break.")
        if name.lower() not in _HOP_BY_HOP:
            clean[name] = text
    return clean


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _host_key(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def credential_headers(credential: CredentialSecret | None, url: httpx.URL) -> dict[str, str]:
    """The credential's headers in clear when ``url``'s host is the credential's host, else none."""
    if credential is None or not credential.host or not credential.headers:
        return {}
    if _host_key(url.raw_host.decode("ascii")) != _host_key(credential.host):
        log.info("host-scoped credential %s not applied: the request goes to another host", credential.id)
        return {}
    return {name: value.get_secret_value() for name, value in credential.headers.items()}


async def send_scoped(
    http: SafeHTTP, method: str, url: httpx.URL, headers: dict[str, str], secret_names: set[str], **body: Any
) -> SafeResponse:
    """Send a request carrying credential headers, following redirects hop by hop.

    The headers named in ``secret_names`` (and ``Authorization``/``Cookie``) are removed as soon as
    a redirect leaves the first origin and are not restored if a later hop comes back.
    """
    settings = get_settings()
    limit, total = settings.outbound_max_redirects, settings.outbound_timeout_seconds
    origin, current, hops = _origin(url), url, 0
    try:
        async with asyncio.timeout(total):
            while True:
                response = await http.request(method, current, headers=headers, follow_redirects=False, **body)
                location = response.headers.get("location", "").strip()
                if response.status_code not in _REDIRECTS or not location:
                    return response
                if hops >= limit:
                    raise OutboundRequestError(
                        f"Too many redirects from {current.host} (the limit is {limit}).", code="too_many_redirects"
                    )
                hops += 1
                try:
                    joined = current.join(location)
                except (httpx.InvalidURL, ValueError):
                    raise OutboundRequestError(
                        f"The redirect from {current.host} points to an invalid URL.", code="invalid_url"
                    ) from None
                target = checked_url(joined.copy_with(fragment=None))
                if _origin(target) != origin:
                    dropped = {n.lower() for n in secret_names} | _DROPPED_CROSS_ORIGIN
                    headers = {k: v for k, v in headers.items() if k.lower() not in dropped}
                if (response.status_code == 303 and method != "HEAD") or (
                    response.status_code in (301, 302) and method == "POST"
                ):
                    method, body = "GET", {}
                    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                current = target
    except TimeoutError:
        raise OutboundRequestError(
            f"The request to {current.host} timed out after {total:g} seconds.", code="timeout"
        ) from None


def _body_arguments(body: Any, json_format: bool, headers: dict[str, str]) -> dict[str, Any]:
    """How to send ``body``: JSON for dicts and lists (a form for a dict when ``json_format`` is off)."""
    if body is None:
        return {}
    if isinstance(body, str):
        if json_format:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict | list):
                return {"json": parsed}
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "text/plain; charset=utf-8"
        return {"content": body.encode()}
    if isinstance(body, dict) and not json_format:
        return {"data": {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}}
    return {"json": body}


def _decoded(response: SafeResponse, json_format: bool) -> Any:
    text = response.text()
    if json_format and text.strip():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class SendWebRequestBlock(Block):
    """Sends an HTTP request and routes the answer by status."""

    id = "6595ae1f-b924-42cb-9a41-551a0611c4b4"
    name = "HTTP request"
    autogpt_name = "SendWebRequestBlock"
    description = (
        "Sends an HTTP request to a public web address and passes on the answer: 'response' for success, "
        "'client_error' for 4xx and 'server_error' for 5xx answers."
    )
    categories = (BlockCategory.WEB, BlockCategory.OUTPUT)
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="http",
            types=("host_scoped",),
            description="Headers (e.g. an API key) added only when the request goes to the credential's host",
            optional=True,
        ),
    )

    class Input(BlockInput):
        url: str = Field(description="The address to send the request to, e.g. https://api.example.com/items")
        method: HttpMethod = Field(default="POST", description="The HTTP method")
        headers: dict[str, Any] = Field(default_factory=dict, description="Headers to send")
        json_format: bool = Field(
            default=True, description="Send the body as JSON and read the answer as JSON when it is JSON"
        )
        body: Any = Field(default=None, description="The body: JSON for dicts and lists, text otherwise")
        credentials: CredentialsRef | None = Field(default=None, description="Optional host-scoped headers")

        @field_validator("method", mode="before")
        @classmethod
        def _upper(cls, value: Any) -> Any:
            return value.strip().upper() if isinstance(value, str) else value

    class Output(BlockOutput):
        response: Any = Field(description="The answer of a successful (2xx/3xx) request")
        client_error: Any = Field(description="The answer when the server says the request was wrong (4xx)")
        server_error: Any = Field(description="The answer when the server failed (5xx)")
        status: int = Field(description="The HTTP status code of the answer")

    require_credential: ClassVar[bool] = False
    examples = (
        BlockExample(
            input={"url": "http://127.0.0.1/", "method": "GET"},
            output=[("error", BLOCKED_LOOPBACK)],
            description="local addresses are refused",
        ),
        BlockExample(
            input={"url": "http://169.254.169.254/latest/meta-data/", "method": "GET"},
            output=[("error", BLOCKED_METADATA)],
            description="the cloud metadata service is refused",
        ),
        BlockExample(input={"url": "file:///etc/passwd", "method": "GET"}, output=[("error", NOT_HTTP)]),
        BlockExample(
            input={"url": "https://example.com/", "headers": {"Bad\nName": "x"}},
            output=[("error", "The header name 'Bad\\nName' is not valid.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            url = checked_url(input.url)
            headers = _clean_headers(input.headers)
            body = _body_arguments(input.body, input.json_format, headers)
            if self.require_credential:
                context.secret("credentials")  # a readable failure when it is missing
            secret = credential_headers(context.credentials.get("credentials"), url)
            async with open_http(context) as http:
                if secret:
                    merged = {**secret, **headers}  # the agent's own headers win, as in AutoGPT
                    response = await send_scoped(http, input.method, url, merged, set(secret), **body)
                else:
                    response = await http.request(input.method, url, headers=headers, **body)
        except (OutboundRequestError, WebProblem, BlockError) as exc:
            yield "error", getattr(exc, "message", None) or str(exc)
            return
        result = _decoded(response, input.json_format)
        if response.status_code >= 500:
            yield "server_error", result
        elif response.status_code >= 400:
            yield "client_error", result
        else:
            yield "response", result
        yield "status", response.status_code


class SendAuthenticatedWebRequestBlock(SendWebRequestBlock):
    """The HTTP request with a required host-scoped credential."""

    id = "fff86bcd-e001-4bad-a7f6-2eae4720c8dc"
    name = "HTTP request with credentials"
    autogpt_name = "SendAuthenticatedWebRequestBlock"
    description = (
        "Sends an HTTP request with the headers of a host-scoped credential (e.g. an API key), which are "
        "only ever sent to the credential's host."
    )
    credentials = (
        CredentialRequirement(
            field="credentials",
            provider="http",
            types=("host_scoped",),
            description="Headers (e.g. an API key) added only when the request goes to the credential's host",
        ),
    )

    class Input(SendWebRequestBlock.Input):
        credentials: CredentialsRef | None = Field(default=None, description="Host-scoped headers to send")

    examples = (
        BlockExample(
            input={"url": "http://169.254.169.254/latest", "method": "GET"},
            output=[("error", BLOCKED_METADATA)],
            secrets={
                "credentials": {
                    "provider": "http",
                    "type": "host_scoped",
                    "host": "169.254.169.254",
                    "headers": {"X-Api-Key": "example-key"},  # type: ignore[dict-item]
                }
            },
        ),
        BlockExample(
            input={"url": "file:///etc/passwd"},
            output=[("error", NOT_HTTP)],
            secrets={"credentials": {"provider": "http", "type": "host_scoped", "host": "example.com"}},
        ),
        BlockExample(
            input={"url": "https://example.com/"},
            output=[("error", "No credential was provided for 'credentials'.")],
            description="the credential is required",
        ),
    )
    require_credential = True


# ---------------------------------------------------------------------------------------------
# Webhook
# ---------------------------------------------------------------------------------------------


class SendWebhookBlock(Block):
    """POSTs a payload to a webhook address."""

    id = "2f6f9155-0bc8-42df-80fb-775fa9bbb12f"
    name = "Send webhook"
    description = "Posts data (as JSON) to a webhook address, e.g. a chat channel or an automation service."
    categories = (BlockCategory.WEB, BlockCategory.OUTPUT)

    class Input(BlockInput):
        url: str = Field(description="The webhook address")
        payload: Any = Field(default=None, description="What to send: sent as JSON (text that is not JSON as text)")
        headers: dict[str, Any] = Field(default_factory=dict, description="Extra headers to send")

    class Output(BlockOutput):
        status: int = Field(description="The HTTP status code of the answer")
        response: Any = Field(description="The answer (parsed when it is JSON)")

    examples = (
        BlockExample(
            input={"url": "http://10.0.0.5/hook", "payload": {"text": "hi"}},
            output=[("error", "Requests to private or local addresses are not allowed (10.0.0.5).")],
        ),
        BlockExample(input={"url": "file:///etc/passwd", "payload": "x"}, output=[("error", NOT_HTTP)]),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            headers = _clean_headers(input.headers)
            body = _body_arguments(input.payload, True, headers)
            if isinstance(input.payload, str) and "json" in body:
                body = {"content": input.payload.encode()}
                headers["Content-Type"] = "application/json"
            elif not body:
                body = {"json": None}
            async with open_http(context) as http:
                response = await http.post(input.url, headers=headers, **body)
        except (OutboundRequestError, WebProblem) as exc:
            yield "error", getattr(exc, "message", None) or str(exc)
            return
        yield "status", response.status_code
        yield "response", _decoded(response, True)
        if response.status_code >= 400:
            yield "error", f"The webhook at {httpx.URL(response.url).host} answered with HTTP {response.status_code}."
