"""The connection-level SSRF guard: URL checks and an ``httpx`` transport that dials checked IPs.

* :func:`checked_url` refuses anything but ``http``/``https``, URLs with ``user:password@``, and
  numeric hosts (in any spelling) that denote non-public addresses; it rewrites such hosts to the
  canonical address, as browsers do.
* :class:`GuardedTransport` opens every connection through a network backend that resolves the
  host **once** (:func:`~autogpt_app.net.addresses.resolve_public`), refuses it if any answer is
  non-public, and connects to a checked IP. TLS still uses the URL's host name for SNI and
  certificate verification, and the ``Host`` header is unchanged. No proxies, no Unix sockets.
* :func:`safe_client` wraps that transport in an ``httpx.AsyncClient`` for SDKs.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

from autogpt_app.net.addresses import (
    BlockedAddress,
    InvalidOutboundURL,
    is_public_address,
    parse_host_literal,
    resolve_public,
)
from autogpt_app.net.capped import CappedTransport
from autogpt_app.settings import get_settings

USER_AGENT = "AutoGPT-Platform/0.1"
_SCHEMES = ("http", "https")
_SHOWN_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,15}")
_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0)


def checked_url(url: str | httpx.URL) -> httpx.URL:
    """Validate a URL before any connection and normalise numeric hosts.

    Args:
        url: Absolute URL.

    Returns:
        The URL, with a numeric host rewritten to its canonical address (``0x7f.1`` → ``127.0.0.1``).

    Raises:
        InvalidOutboundURL: Not http/https, credentials present, no host, malformed.
        BlockedAddress: The host is a numeric literal of a non-public address.
    """
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidOutboundURL("The URL is not valid.") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        shown = f"{scheme}:" if _SHOWN_SCHEME.fullmatch(scheme) else "none or invalid"
        raise InvalidOutboundURL(
            f"Only http:// and https:// URLs are allowed (scheme: {shown}).", code="unsupported_scheme"
        )
    if "@" in parts.netloc:
        raise InvalidOutboundURL(
            "URLs with embedded credentials (user:password@host) are not allowed; send credentials in a header.",
            code="credentials_in_url",
        )
    host = parts.hostname
    if not host:
        raise InvalidOutboundURL("The URL has no host name.")
    literal = parse_host_literal(host)
    if literal is not None:
        trusted = {str(literal), host.lower()} & get_settings().trusted_hosts  # OUTBOUND_TRUSTED_HOSTS
        if not trusted and not is_public_address(literal):
            raise BlockedAddress(f"Requests to private or local addresses are not allowed ({literal}).")
        netloc = f"[{literal}]" if literal.version == 6 else str(literal)
        if port is not None:
            netloc += f":{port}"
        text = urlunsplit((scheme, netloc, parts.path, parts.query, ""))
    try:
        result = httpx.URL(text)
    except httpx.InvalidURL:
        raise InvalidOutboundURL("The URL is not valid.") from None
    if result.scheme not in _SCHEMES or result.userinfo or not result.host:
        raise InvalidOutboundURL("The URL is not valid.")
    return result


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Network backend that resolves once, checks every answer, and dials a checked IP."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_public(host, port)
        failure: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # resolve_public never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("Requests to local sockets are not allowed.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An ``httpx`` transport whose every connection goes through the address check.

    No proxy, no Unix socket, no environment settings: only direct TCP to checked addresses.
    """

    def __init__(self, *, verify: ssl.SSLContext | bool = True, limits: httpx.Limits = _LIMITS) -> None:
        # super().__init__ is skipped on purpose: it would build a pool on the unguarded backend.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(),
        )


def safe_client(
    *,
    verify: ssl.SSLContext | bool = True,
    timeout: float | httpx.Timeout | None = None,
    max_bytes: int | None = None,
    **kwargs: Any,
) -> httpx.AsyncClient:
    """Return an ``httpx.AsyncClient`` whose connections are SSRF-guarded.

    For SDKs that need a client object (``AsyncOpenAI(base_url=..., http_client=safe_client())``).
    Every connection, including ones made while following redirects, is checked; response size is
    not capped here (streamed LLM answers), so prefer :class:`SafeHTTP` for fetching user URLs.
    A refused destination raises :class:`BlockedAddress` out of the client call.

    Args:
        verify: TLS verification: ``True``, ``False`` or an ``ssl.SSLContext``.
        timeout: ``httpx`` timeout; defaults to ``outbound_timeout_seconds``.
        max_bytes: When given, a response body longer than this raises ``response_too_large``
            (counted on the wire, for SDKs that stream, see :mod:`autogpt_app.net.capped`).
        **kwargs: Other ``httpx.AsyncClient`` arguments (``base_url``, ``headers``, ...).

    Raises:
        TypeError: For arguments that would bypass the guard (``transport``, ``mounts``, ``proxy``,
            ``trust_env``, ``app``).
    """
    for key in ("transport", "mounts", "proxy", "trust_env", "app"):
        if key in kwargs:
            raise TypeError(f"safe_client() does not accept {key!r}: it would bypass the address check")
    headers = httpx.Headers({"User-Agent": USER_AGENT})
    headers.update(kwargs.pop("headers", None) or {})
    transport: httpx.AsyncBaseTransport = GuardedTransport(verify=verify)
    if max_bytes is not None:
        transport = CappedTransport(transport, max_bytes)
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        timeout=timeout if timeout is not None else get_settings().outbound_timeout_seconds,
        headers=headers,
        **kwargs,
    )
