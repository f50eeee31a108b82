"""The FastAPI application that carries ``/api/v1`` and, mounted inside it, the Reflex app."""

from __future__ import annotations

from fastapi import FastAPI

from autogpt_app.api import (
    account_routes,
    admin_routes,
    auth_routes,
    chat_routes,
    credentials_routes,
    execution_routes,
    graph_routes,
    library_routes,
    mcp_routes,
    notification_routes,
    review_routes,
    schedule_routes,
    store_routes,
    trigger_routes,
)
from autogpt_app.api.body_limit import API_PREFIX, BodySizeLimit
from autogpt_app.api.errors import error_response, install_error_handlers
from autogpt_app.api.mcp_endpoint import MCP_PATH, McpEndpoint


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
        trigger_routes.router,
        trigger_routes.hooks_router,
        chat_routes.router,
        mcp_routes.router,
        review_routes.router,
    )
    for router in routers:
        api.include_router(router, prefix=API_PREFIX)

    # The platform as an MCP server (api/mcp_endpoint.py); its session manager runs in the app's lifespan.
    api.add_route(MCP_PATH, McpEndpoint(), methods=["GET", "POST", "DELETE"], include_in_schema=False)

    @api.api_route(
        f"{API_PREFIX}/{{path:path}}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
    )
    async def _unknown(path: str):
        return error_response(404, "not_found", f"No API endpoint at {API_PREFIX}/{path}.")

    # Wraps the mounted Reflex app too: every route of the site has a body limit (api/body_limit.py).
    api.add_middleware(BodySizeLimit)
    return api
