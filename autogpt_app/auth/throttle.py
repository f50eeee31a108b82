"""Login throttling: too many failures for one account within a window → refuse for a while.

Failures are rows in the database so the limit holds across processes and restarts and
needs no extra server in embedded mode.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import LoginFailure
from autogpt_app.errors import TooManyRequests
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.wording import plural


async def check_not_throttled(session: AsyncSession, email: str) -> None:
    """Raise :class:`TooManyRequests` if ``email`` has too many recent failures."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    since = utcnow() - window
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                LoginFailure.email == email, LoginFailure.created_at > since
            )
        )
    ).one()
    if count >= settings.login_max_failures:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
        retry_after = max(1, int((oldest + window - utcnow()).total_seconds()))
        minutes = math.ceil(retry_after / 60)
        raise TooManyRequests(
            f"Too many failed login attempts. Try again in {plural(minutes, 'minute')}.",
            retry_after=retry_after,
            code="login_throttled",
        )


async def record_failure(session: AsyncSession, email: str) -> None:
    """Record one failed attempt for ``email`` and prune rows past the window."""
    settings = get_settings()
    session.add(LoginFailure(email=email))
    cutoff = utcnow() - timedelta(minutes=settings.login_window_minutes)
    await session.execute(delete(LoginFailure).where(LoginFailure.created_at < cutoff))
    await session.flush()


async def clear_failures(session: AsyncSession, email: str) -> None:
    """Forget failures for ``email`` after a successful login."""
    await session.execute(delete(LoginFailure).where(LoginFailure.email == email))
