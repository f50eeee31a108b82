"""The API application as a real server serves it, for tests that need real sockets (``granian``).

Besides the API it mounts, like the Reflex app in production, a catch-all application that reads
every request body to the end, so a test can see that the body limit guards paths outside ``/api``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from autogpt_app.api.app import build_api


async def _read_all(scope, receive, send) -> None:
    request = Request(scope, receive)
    body = await request.body()
    await JSONResponse({"read": len(body)})(scope, receive, send)


app = build_api()
app.mount("", _read_all)
