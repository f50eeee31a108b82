"""The FastAPI application that carries ``/api/v1`` and, mounted inside it, the Reflex app."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from autogpt_app.api import (
    account_routes,
    admin_routes,
    auth_routes,
    chat_routes,
    credentials_routes,
    execution_routes,
    graph_routes,
    library_routes,
    notification_routes,
    schedule_routes,
    store_routes,
)
from autogpt_app.api.errors import error_response, install_error_handlers

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Agent file uploads may be up to 5 MB, plus the multipart envelope.
FILE_BODY_BYTES = 6 * 1024 * 1024
FILE_PATH_ENDINGS = ("/upload", "/upload/preview", "/import", "/import/preview")


class BodySizeLimit:
    """Refuse API request bodies over a limit with 413 before reading them into memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES, prefix: str = API_PREFIX) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        max_bytes = FILE_BODY_BYTES if scope["path"].rstrip("/").endswith(FILE_PATH_ENDINGS) else self.max_bytes
        too_large = error_response(413, "payload_too_large", f"Request body is larger than {max_bytes} bytes.")
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > max_bytes:
                await too_large(scope, receive, send)
                return
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await too_large(scope, receive, send)


class _TooLarge(Exception):
    pass


def build_api() -> FastAPI:
    """Create the API application with every router and the JSON error handlers."""
    api = FastAPI(
        title="AutoGPT Platform API",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    install_error_handlers(api)
    routers = (
        auth_routes.router,
        account_routes.router,
        admin_routes.router,
        credentials_routes.router,
        graph_routes.blocks_router,
        graph_routes.router,
        execution_routes.router,
        notification_routes.router,
        store_routes.router,
        library_routes.router,
        schedule_routes.router,
        chat_routes.router,
    )
    for router in routers:
        api.include_router(router, prefix=API_PREFIX)

    @api.api_route(
        f"{API_PREFIX}/{{path:path}}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    async def _unknown(path: str):
        return error_response(404, "not_found", f"No API endpoint at {API_PREFIX}/{path}.")

    api.add_middleware(BodySizeLimit)
    return api
