"""Only a logged-in person's browser tab may send files to Reflex's ``/_upload`` endpoint.

Reflex's upload handler parses (and spools to disk) the whole multipart body before any event
handler of ours can look at the user. This pure ASGI middleware, wrapped around the whole app,
decides first: the upload request names its tab in the ``Reflex-Client-Token`` header, the tab's
state holds the login token the page keeps in local storage (``AuthState.token``, synced to the
server on every page load), and that token is verified against the database exactly like any other
protected event. No login, no body read: 401 in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from autogpt_app.api.body_limit import UPLOAD_PATH, send_refusal
from autogpt_app.auth import service
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError

if TYPE_CHECKING:
    import reflex as rx

_CLIENT_TOKEN_HEADER = b"reflex-client-token"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


async def login_token_of_tab(reflex_app: rx.App, client_token: str) -> str:
    """The login token the browser tab ``client_token`` has synced to its state ("" when none)."""
    from reflex.istate.manager.token import BaseStateToken

    from autogpt_app.ui.states.auth import AuthState

    root = await reflex_app.state_manager.get_state(BaseStateToken(ident=client_token, cls=AuthState))
    auth = await root.get_state(AuthState)
    return auth.token or ""


async def tab_is_logged_in(reflex_app: rx.App, client_token: str) -> bool:
    """Whether the tab's stored login token belongs to an existing, enabled account (and is unrevoked)."""
    if not client_token:
        return False
    token = await login_token_of_tab(reflex_app, client_token)
    if not token:
        return False
    try:
        async with session_scope() as session:
            await service.user_from_token(session, token)
    except ServiceError:
        return False
    return True


class UploadLoginGuard:
    """Refuse ``POST /_upload`` with 401 unless the sending tab belongs to a logged-in person."""

    def __init__(self, app: ASGIApp, *, reflex_app: Callable[[], rx.App]) -> None:
        self.app = app
        self.reflex_app = reflex_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") == UPLOAD_PATH and scope["method"] == "POST":
            client_token = _header(scope, _CLIENT_TOKEN_HEADER)
            if not await tab_is_logged_in(self.reflex_app(), client_token):
                await send_refusal(
                    send, receive, status=401, code="not_authenticated", message="Log in to upload files."
                )
                return
        await self.app(scope, receive, send)
