"""Who is logged in: the token in browser storage, checked server-side on every protected event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import service
from autogpt_app.auth.client_address import client_address
from autogpt_app.auth.models import Role, User
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.timeutil import zone_or_utc
from autogpt_app.ui import routes

TOKEN_STORAGE_KEY = "agpt_token"
#: The cookie remembering the viewer's time zone (as the browser reports it), so times show on their clock.
TIMEZONE_COOKIE = "agpt_tz"
#: Asks the browser which time zone it is in (an IANA name such as ``Europe/Paris``).
BROWSER_TIMEZONE_JS = "Intl.DateTimeFormat().resolvedOptions().timeZone"

#: Returned by :meth:`AuthState._attempt` when the action did not happen.
FAILED: Any = object()


class AuthState(rx.State):
    """The session's user, as the pages see it. Never holds a password hash or a secret."""

    token: str = rx.LocalStorage("", name=TOKEN_STORAGE_KEY, sync=True)
    user_id: str = ""
    user_email: str = ""
    user_name: str = ""
    user_role: str = ""
    #: Whether the user's e-mail address is verified (True until known, so no notice flashes).
    email_verified: bool = True
    #: On the login and sign-up pages: the same-site page to return to afterwards ("" for home).
    next_path: str = ""
    #: The viewer's time zone, told by the browser on every page load (see :meth:`learn_timezone`).
    viewer_timezone: str = rx.Cookie("", name=TIMEZONE_COOKIE, max_age=400 * 86400)

    @rx.var
    def is_authenticated(self) -> bool:
        """Whether a verified user is attached to this page."""
        return self.user_id != ""

    @rx.var
    def is_admin(self) -> bool:
        """Whether the verified user is an admin (decides the Admin link)."""
        return self.user_role == Role.ADMIN.value

    @rx.var
    def user_initial(self) -> str:
        """First letter of the display name, for the avatar."""
        return (self.user_name[:1] or "?").upper()

    def _zone(self) -> str:
        """The viewer's IANA time zone, or ``UTC`` until the browser has said which."""
        return zone_or_utc(self.viewer_timezone)

    @rx.event
    def learn_timezone(self):
        """``on_load`` of every page: ask the browser for its time zone (kept in a cookie for the next loads)."""
        return rx.call_script(BROWSER_TIMEZONE_JS, callback=AuthState.remember_timezone)

    @rx.event
    def remember_timezone(self, value: Any):
        """Keep the browser's time zone when it is a real one (anything else leaves times in UTC)."""
        zone = zone_or_utc(str(value or ""))
        if zone != self.viewer_timezone:
            self.viewer_timezone = zone

    def _client_ip(self) -> str:
        """The visitor's address, for throttling (X-Forwarded-For only behind ``TRUSTED_PROXY_COUNT`` proxies)."""
        headers = {k.lower(): v for k, v in self.router.headers.raw_headers.items()}
        # Reflex keeps the socket's own peer under this name; its client_ip may already be a forwarded one.
        return client_address(headers.get("asgi-scope-client") or self.router.session.client_ip, headers)

    def _show_user(self, user: User | None) -> None:
        self.user_id = user.id if user else ""
        self.user_email = user.email if user else ""
        self.user_name = user.display_name if user else ""
        self.user_role = user.role if user else ""
        self.email_verified = user.email_verified_at is not None if user else True

    async def _resolve_user(self) -> User | None:
        """Re-check the stored token against the database; forget it if it is no good."""
        if not self.token:
            self._show_user(None)
            return None
        try:
            async with session_scope() as session:
                user = await service.user_from_token(session, self.token)
        except ServiceError:
            self.token = ""
            self._show_user(None)
            return None
        self._show_user(user)
        return user

    async def _require_user(self) -> User:
        """Return the verified user for a protected event, or raise.

        Every handler that reads or changes a user's data calls this first.
        """
        user = await self._resolve_user()
        if user is None:
            raise PermissionError("not logged in")
        return user

    async def _attempt(self, action: Callable[[AsyncSession, User], Awaitable[Any]], *, error_field: str) -> Any:
        """Run ``action(session, user)`` for the verified user in one transaction.

        A service's refusal goes, as its readable message, into the state field ``error_field``.

        Returns:
            The action's result, or :data:`FAILED` (then :meth:`_after_failure` says what to do).
        """
        try:
            user = await self._require_user()
            async with session_scope() as session:
                return await action(session, await session.merge(user))
        except PermissionError:
            return FAILED
        except ServiceError as exc:
            setattr(self, error_field, exc.message)
            return FAILED

    async def _browse(self, action: Callable[[AsyncSession, User | None], Awaitable[Any]], *, error_field: str) -> Any:
        """Run the read-only ``action(session, user)`` for whoever is looking, logged in or not.

        Public pages (the marketplace) use it: ``user`` is the verified user, or None for a visitor.
        A service's refusal goes, as its readable message, into the state field ``error_field``.

        Returns:
            The action's result, or :data:`FAILED`.
        """
        try:
            user = await self._resolve_user()
            async with session_scope() as session:
                return await action(session, await session.merge(user) if user else None)
        except ServiceError as exc:
            setattr(self, error_field, exc.message)
            return FAILED

    def _after_failure(self):
        """After :data:`FAILED`: send a visitor whose session ended to the login page."""
        return self._login_redirect() if not self.user_id else None

    def _login_redirect(self):
        """To the login page, which comes back here (the same address, query included) afterwards."""
        url = self.router.url
        here = (url.path or routes.HOME) + (f"?{url.query}" if url.query else "")
        return rx.redirect(routes.login_with_next(here))

    @rx.event
    async def resolve_visitor(self):
        """``on_load`` of pages anyone may open: show the account menu when the visitor is logged in."""
        await self._resolve_user()

    @rx.event
    async def check_login(self):
        """``on_load`` of protected pages: send visitors without a valid session to the login page."""
        if await self._resolve_user() is None:
            return self._login_redirect()
        return None

    @rx.event
    async def check_admin(self):
        """``on_load`` of admin pages: log in first; non-admins go home with a message."""
        user = await self._resolve_user()
        if user is None:
            return self._login_redirect()
        if user.role != Role.ADMIN.value:
            return [rx.redirect(routes.HOME), rx.toast.error("That page is for administrators.")]
        return None

    @rx.event
    async def skip_if_logged_in(self):
        """``on_load`` of login and sign-up: remember where to return; a logged-in visitor goes there now."""
        self.next_path = routes.safe_next(self.router.url.query_parameters.get("next", ""))
        if await self._resolve_user() is not None:
            return rx.redirect(self.next_path or routes.HOME)
        return None

    @rx.var
    def login_href(self) -> str:
        """The login page, returning to :attr:`next_path` (links between login and sign-up keep it)."""
        return routes.login_with_next(self.next_path)

    @rx.var
    def signup_href(self) -> str:
        """The sign-up page, returning to :attr:`next_path`."""
        return routes.login_with_next(self.next_path, routes.SIGNUP)

    def _start_session(self, user: User):
        """Store a fresh token and go where the visitor was heading."""
        self.token = service.issue_token(user)
        self._show_user(user)
        # Only same-site paths: an open redirect would let a link send people anywhere.
        target = routes.safe_next(self.router.url.query_parameters.get("next", "")) or routes.HOME
        self.next_path = ""
        return rx.redirect(target)

    @rx.event
    async def logout(self):
        """Revoke this user's tokens and forget the session."""
        if self.token:
            try:
                async with session_scope() as session:
                    user = await service.user_from_token(session, self.token)
                    await service.revoke_tokens(session, user)
            except ServiceError:
                pass
        self.token = ""
        self._show_user(None)
        return rx.redirect(routes.LOGIN)
