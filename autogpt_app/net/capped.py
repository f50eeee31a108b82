"""A transport wrapper that stops a response body once it passes a byte limit (for streamed answers).

:class:`~autogpt_app.net.client.SafeHTTP` reads whole bodies and caps them itself; SDKs that stream
through an ``httpx.AsyncClient`` (an MCP server's event stream) get the same guard here, counted on
the bytes as they arrive from the wire.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from autogpt_app.net.addresses import OutboundRequestError


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int, host: str) -> None:
        self._inner = inner
        self._limit = limit
        self._host = host

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise OutboundRequestError(
                    f"The response from {self._host} is larger than {self._limit // 1024} KB.",
                    code="response_too_large",
                )
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class CappedTransport(httpx.AsyncBaseTransport):
    """Wraps ``inner``: every response body longer than ``max_bytes`` raises ``response_too_large``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_bytes: int) -> None:
        self._inner = inner
        self._max_bytes = max_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the inner transport; its body is counted as it is read."""
        response = await self._inner.handle_async_request(request)
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _CappedStream(stream, self._max_bytes, request.url.host)
        return response

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()
