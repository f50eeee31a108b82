"""The HTTP client blocks use: checked redirects, size cap after decompression, overall time limit.

Connections go through :class:`~autogpt_app.net.ssrf.GuardedTransport` (resolve once, check every
address, dial a checked IP). On top of that, :class:`SafeHTTP`:

* follows redirects by hand (at most ``outbound_max_redirects``), checking each ``Location`` like
  the first URL and dropping ``Authorization``/``Cookie``/``Host`` when the origin changes;
* streams the body and stops once it passes ``outbound_max_response_bytes`` *after* gzip/deflate
  decoding, so a small compressed bomb cannot blow up memory;
* bounds the whole exchange, redirects included, by ``outbound_timeout_seconds``;
* ignores environment proxies and keeps no cookies between requests.
"""

from __future__ import annotations

import asyncio
import codecs
import json as jsonlib
import ssl
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Any

import httpx

from autogpt_app.net.addresses import InvalidOutboundURL, OutboundRequestError
from autogpt_app.net.ssrf import USER_AGENT, GuardedTransport, checked_url
from autogpt_app.settings import get_settings

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CROSS_ORIGIN_DROPPED = ("authorization", "proxy-authorization", "cookie", "host")
_BODY_HEADERS = ("content-type", "content-length", "transfer-encoding", "content-encoding")


def _no_cookies() -> CookieJar:
    # A bare jar (not httpx.Cookies, which the client would copy into a fresh, permissive jar).
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


@dataclass(frozen=True, slots=True)
class SafeResponse:
    """A fully read (and decompressed) response.

    Attributes:
        status_code: HTTP status of the final response.
        headers: Response headers.
        content: Body bytes, already decoded from gzip/deflate.
        url: Final URL, after redirects.
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status_code < 300

    @property
    def encoding(self) -> str:
        """The charset named by ``Content-Type``, or ``utf-8``."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                name = value.strip().strip("\"'")
                try:
                    return codecs.lookup(name).name
                except LookupError:
                    break
        return "utf-8"

    def text(self) -> str:
        """The body as text (undecodable bytes replaced)."""
        return self.content.decode(self.encoding, errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON.

        Raises:
            OutboundRequestError: The body is not valid JSON (code ``invalid_json``).
        """
        try:
            return jsonlib.loads(self.content)
        except ValueError:
            host = httpx.URL(self.url).host
            raise OutboundRequestError(f"The response from {host} is not valid JSON.", code="invalid_json") from None


class SafeHTTP:
    """SSRF-guarded HTTP for blocks: checked redirects, size cap, overall time limit.

    Use as an async context manager (or call :meth:`aclose`); one instance may serve many
    concurrent requests. It keeps no cookies. For a one-off request use :func:`safe_request`.

    Args:
        timeout: Overall seconds per request, redirects included (default ``outbound_timeout_seconds``).
        max_bytes: Largest decoded body (default ``outbound_max_response_bytes``).
        max_redirects: Redirects to follow (default ``outbound_max_redirects``).
        verify: TLS verification: ``True``, ``False`` or an ``ssl.SSLContext``.
        user_agent: ``User-Agent`` header sent unless a request sets its own.
    """

    def __init__(
        self,
        *,
        timeout: float | None = None,
        max_bytes: int | None = None,
        max_redirects: int | None = None,
        verify: ssl.SSLContext | bool = True,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(verify=verify),
            trust_env=False,
            follow_redirects=False,
            cookies=_no_cookies(),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> SafeHTTP:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._client.aclose()

    async def request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        content: bytes | str | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - an overall limit, applied with asyncio.timeout
        max_bytes: int | None = None,
        follow_redirects: bool = True,
    ) -> SafeResponse:
        """Send a request and read the whole (capped) response.

        Args:
            method: HTTP method.
            url: Absolute ``http``/``https`` URL without credentials.
            headers: Request headers (never echoed in errors).
            params: Query parameters added to ``url``.
            content: Raw body. Give at most one of ``content``, ``json`` and ``data``.
            json: Body encoded as JSON.
            data: Body form-encoded.
            timeout: Overall seconds for this request, redirects included.
            max_bytes: Largest decoded body for this request.
            follow_redirects: Follow 3xx ``Location`` (each hop checked); ``False`` returns the 3xx.

        Returns:
            The final response, fully read. Non-2xx statuses are returned, not raised.

        Raises:
            InvalidOutboundURL: Scheme other than http/https, credentials in the URL, malformed URL.
            BlockedAddress: The URL, or a redirect, points at a non-public address.
            OutboundRequestError: Timeout, body too large, too many redirects, connection failure.
        """
        settings = get_settings()
        total = timeout or self._timeout or settings.outbound_timeout_seconds
        limit = max_bytes or self._max_bytes or settings.outbound_max_response_bytes
        max_redirects = self._max_redirects if self._max_redirects is not None else settings.outbound_max_redirects
        current = checked_url(url)
        if params:
            current = current.copy_merge_params(params)
        method = method.upper()
        body: dict[str, Any] = {"content": content, "json": json, "data": data}
        request_headers = httpx.Headers(headers or {})
        try:
            async with asyncio.timeout(total):
                redirects = 0
                while True:
                    request = self._client.build_request(
                        method, current, headers=request_headers, timeout=httpx.Timeout(total), **body
                    )
                    response = await self._client.send(request, stream=True)
                    try:
                        location = response.headers.get("location", "").strip()
                        if not (follow_redirects and location and response.status_code in _REDIRECT_STATUSES):
                            payload = await _read_capped(response, limit, current.host)
                            return SafeResponse(response.status_code, response.headers, payload, str(current))
                    finally:
                        await response.aclose()
                    if redirects >= max_redirects:
                        raise OutboundRequestError(
                            f"Too many redirects from {current.host} (the limit is {max_redirects}).",
                            code="too_many_redirects",
                        )
                    redirects += 1
                    target = _redirect_target(current, location)
                    if (target.scheme, target.host, target.port) != (current.scheme, current.host, current.port):
                        for name in _CROSS_ORIGIN_DROPPED:
                            request_headers.pop(name, None)
                    if _redirect_method(method, response.status_code) != method:
                        method = _redirect_method(method, response.status_code)
                        body = {}
                        for name in _BODY_HEADERS:
                            request_headers.pop(name, None)
                    current = target
        except TimeoutError:
            raise _timeout_error(current.host, total) from None
        except httpx.TimeoutException as exc:
            raise _timeout_error(current.host, total) from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise InvalidOutboundURL("The URL is not valid.") from exc
        except httpx.TransportError as exc:
            reason = (str(exc) or type(exc).__name__)[:200]
            raise OutboundRequestError(
                f"The connection to {current.host} failed: {reason}", code="connection_failed"
            ) from exc

    async def get(self, url: str | httpx.URL, **kwargs: Any) -> SafeResponse:
        """Shortcut for ``request("GET", url, ...)``."""
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str | httpx.URL, **kwargs: Any) -> SafeResponse:
        """Shortcut for ``request("POST", url, ...)``."""
        return await self.request("POST", url, **kwargs)


async def safe_request(method: str, url: str | httpx.URL, **kwargs: Any) -> SafeResponse:
    """Send one request with a fresh :class:`SafeHTTP`; arguments as :meth:`SafeHTTP.request`."""
    async with SafeHTTP() as http:
        return await http.request(method, url, **kwargs)


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    try:
        joined = current.join(location)
    except (httpx.InvalidURL, ValueError):
        raise InvalidOutboundURL(f"The redirect from {current.host} points to an invalid URL.") from None
    return checked_url(joined.copy_with(fragment=None))


def _redirect_method(method: str, status: int) -> str:
    if status == 303 and method != "HEAD":
        return "GET"
    if status in (301, 302) and method == "POST":
        return "GET"
    return method


def _timeout_error(host: str, seconds: float) -> OutboundRequestError:
    return OutboundRequestError(f"The request to {host} timed out after {seconds:g} seconds.", code="timeout")


def _too_large(host: str, limit: int) -> OutboundRequestError:
    return OutboundRequestError(f"The response from {host} is larger than {limit} bytes.", code="response_too_large")


async def _read_capped(response: httpx.Response, limit: int, host: str) -> bytes:
    """Read the body, decompressing gzip/deflate ourselves, and stop once it exceeds ``limit``."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(host, limit)
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), limit, host)
    chunks = [decoder.feed(raw) async for raw in response.aiter_raw()]
    chunks.append(decoder.flush())
    return b"".join(chunks)


class _BoundedDecoder:
    """Content-Encoding decoder that never produces more than ``limit`` bytes in total."""

    def __init__(self, content_encoding: str, limit: int, host: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        self._limit, self._host, self._produced = limit, host, 0
        self._inflater: Any = None
        self._deflate_probe = False
        if not codings:
            return
        if codings == ["gzip"] or codings == ["x-gzip"]:
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif codings == ["deflate"]:
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
            self._deflate_probe = True  # servers send raw deflate too; decide on the first chunk
        else:
            shown = ", ".join(c[:20] for c in codings[:3])
            raise OutboundRequestError(
                f"The response from {host} uses an unsupported content encoding ({shown}).",
                code="unsupported_encoding",
            )

    def feed(self, data: bytes) -> bytes:
        if self._inflater is None:
            return self._count(data)
        try:
            out = self._inflater.decompress(data, self._limit - self._produced + 1)
        except zlib.error:
            if not self._deflate_probe:
                raise self._undecodable() from None
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self._deflate_probe = False
            return self.feed(data)
        self._deflate_probe = False
        return self._count(out)

    def flush(self) -> bytes:
        if self._inflater is None:
            return b""
        try:
            return self._count(self._inflater.flush())
        except zlib.error:
            raise self._undecodable() from None

    def _count(self, data: bytes) -> bytes:
        self._produced += len(data)
        if self._produced > self._limit:
            raise _too_large(self._host, self._limit)
        return data

    def _undecodable(self) -> OutboundRequestError:
        return OutboundRequestError(f"The compressed response from {self._host} is corrupt.", code="decode_failed")
