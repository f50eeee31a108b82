"""The MCP SDK's own server (FastMCP, streamable HTTP) with a few tools, behind a bearer token,
served by uvicorn in a thread on a free port: what a third-party MCP server looks like to our client."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from mcp.server.fastmcp import FastMCP
from starlette.responses import JSONResponse

from tests.api.server import free_port

TOKEN = "reference-token-8c1f2e"


def _server() -> FastMCP:
    server = FastMCP("reference", stateless_http=True)

    @server.tool()
    def add(a: int, b: int) -> int:
        """Adds two whole numbers."""
        return a + b

    @server.tool()
    def shout(text: str) -> str:
        """Repeats the text in capitals."""
        return text.upper()

    @server.tool()
    def explode(reason: str) -> str:
        """Always fails, with the reason given."""
        raise ValueError(f"the tool broke: {reason}")

    return server


class _BearerOnly:
    """Refuses any request without an accepted ``Authorization: Bearer`` token (as a real server would: 401)."""

    def __init__(self, app, accepts: Callable[[str], bool]) -> None:
        self.app = app
        self.accepts = accepts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            scheme, _, token = headers.get(b"authorization", b"").decode().partition(" ")
            if scheme != "Bearer" or not self.accepts(token):
                response = JSONResponse({"error": "invalid_token"}, status_code=401)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


@contextmanager
def reference_server(accepts: Callable[[str], bool] = TOKEN.__eq__) -> Iterator[str]:
    """Serve the reference server until the block ends; yields its MCP endpoint's URL.

    ``accepts`` says which bearer tokens it takes (``TOKEN`` only, unless told otherwise).
    """
    port = free_port()
    app = _BearerOnly(_server().streamable_http_app(), accepts)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="mcp-reference", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the reference MCP server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
