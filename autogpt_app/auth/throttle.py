"""Throttling of logins, sign-ups and account e-mails, per account and per client address.

Attempts are rows in ``login_failures`` so the limits hold across processes and restarts and need no
extra server in embedded mode. The limits are chosen so nobody can lock a known account out:

* failed logins count per *account and address*: guessing someone's password from one address stops
  that address for that account, while the owner, from their own address, still gets in;
* failed logins count per *address* across all accounts, so one address cannot try many accounts;
* sign-ups and requests for verification or reset e-mails count per address.

An empty ``client_ip`` means an internal caller (the command line, tests), not a network client: the
per-address limits do not apply to it; the per-account login limit does. The API and the pages always
pass the address of the request (:mod:`autogpt_app.auth.client_address`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import LoginFailure
from autogpt_app.errors import TooManyRequests
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.wording import plural

LOGIN, SIGNUP, EMAIL = "login", "signup", "email"

_MESSAGES = {
    LOGIN: ("Too many failed login attempts. Try again in {wait}.", "login_throttled"),
    SIGNUP: ("Too many sign-ups from your network. Try again in {wait}.", "signup_throttled"),
    EMAIL: ("Too many e-mails asked for from your network. Try again in {wait}.", "email_throttled"),
}


def _window() -> timedelta:
    return timedelta(minutes=get_settings().login_window_minutes)


def _refuse(kind: str, oldest: datetime, since: datetime) -> TooManyRequests:
    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
    retry_after = max(1, int((oldest + _window() - utcnow()).total_seconds()))
    message, code = _MESSAGES[kind]
    return TooManyRequests(
        message.format(wait=plural(math.ceil(retry_after / 60), "minute")), retry_after=retry_after, code=code
    )


async def _check(session: AsyncSession, kind: str, limit: int, *conditions) -> None:
    since = utcnow() - _window()
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                LoginFailure.kind == kind, LoginFailure.created_at > since, *conditions
            )
        )
    ).one()
    if count >= limit:
        raise _refuse(kind, oldest, since)


async def check_login_allowed(session: AsyncSession, email: str, client_ip: str = "") -> None:
    """Raise :class:`TooManyRequests` if this account from this address, or this address, failed too often."""
    settings = get_settings()
    if client_ip:
        await _check(session, LOGIN, settings.login_max_failures_per_address, LoginFailure.client_ip == client_ip)
    await _check(
        session, LOGIN, settings.login_max_failures, LoginFailure.email == email, LoginFailure.client_ip == client_ip
    )


async def check_address_allowed(session: AsyncSession, kind: str, client_ip: str = "") -> None:
    """Raise :class:`TooManyRequests` if ``client_ip`` used up its ``kind`` (sign-up or e-mail) allowance."""
    if not client_ip:
        return
    settings = get_settings()
    limit = settings.signup_max_per_address if kind == SIGNUP else settings.account_email_max_per_address
    await _check(session, kind, limit, LoginFailure.client_ip == client_ip)


async def record(session: AsyncSession, kind: str, email: str, client_ip: str = "") -> None:
    """Count one attempt of ``kind`` and prune rows past the window."""
    session.add(LoginFailure(kind=kind, email=email, client_ip=client_ip))
    await session.execute(delete(LoginFailure).where(LoginFailure.created_at < utcnow() - _window()))
    await session.flush()


async def record_failure(session: AsyncSession, email: str, client_ip: str = "") -> None:
    """Record one failed login for ``email`` from ``client_ip``."""
    await record(session, LOGIN, email, client_ip)


async def clear_failures(session: AsyncSession, email: str, client_ip: str = "") -> None:
    """Forget this account's failed logins from ``client_ip`` after a successful login there.

    The address's other failures (other accounts) stay counted.
    """
    await session.execute(
        delete(LoginFailure).where(
            LoginFailure.kind == LOGIN, LoginFailure.email == email, LoginFailure.client_ip == client_ip
        )
    )
