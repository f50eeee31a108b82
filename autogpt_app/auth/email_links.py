"""E-mail verification and password reset by single-use, short-lived links.

A link carries a random token; only its SHA-256 is stored (``email_tokens``), so a database leak
does not hand out working links. Using a link marks it, and the account's other unused links of the
same purpose, used. Asking for a reset answers the same whether the address has an account
or not (the page and the API say "If an account exists for that address, we sent a link"), and the
asking is throttled per client address and, silently, per account.

Verification also settles ``ADMIN_EMAIL`` without ``ADMIN_PASSWORD``: the account with that address
becomes an admin only when its owner proves the address is theirs, here.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import weakref
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import passwords, throttle
from autogpt_app.auth.api_keys import revoke_all_api_keys
from autogpt_app.auth.models import EmailToken, Role, User
from autogpt_app.auth.service import get_user_by_email, normalize_email, revoke_tokens
from autogpt_app.db import after_commit, session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.notifications.email import queue_account_email
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow

log = logging.getLogger(__name__)

VERIFY, RESET = "verify", "reset"
VERIFY_PATH, RESET_PATH = "/verify-email", "/reset-password"
#: Most links of one purpose sent to one account per throttling window; more requests send nothing.
MAX_LINKS_PER_WINDOW = 3
SENT_IF_EXISTS = "If an account exists for that address, we sent a link to it. It may take a minute to arrive."
_BAD_LINK = "This link is invalid, used or expired. Ask for a new one."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link(path: str, token: str) -> str:
    return f"{get_settings().app_url.rstrip('/')}{path}?token={token}"


async def _issue(session: AsyncSession, user: User, purpose: str, lifetime: timedelta) -> str | None:
    """Store a new link token for ``user`` and return it; None when the account got enough links lately."""
    since = utcnow() - timedelta(minutes=get_settings().login_window_minutes)
    recent = (
        await session.execute(
            select(func.count()).where(
                EmailToken.user_id == user.id, EmailToken.purpose == purpose, EmailToken.created_at > since
            )
        )
    ).scalar_one()
    if recent >= MAX_LINKS_PER_WINDOW:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            email=user.email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return token


async def send_verification(session: AsyncSession, user: User) -> bool:
    """Queue an e-mail with a link that verifies ``user``'s address; False when none was sent.

    Nothing is sent to an address already verified, or when this account got enough links lately.
    """
    if user.email_verified_at is not None or user.is_disabled:
        return False
    hours = get_settings().verify_email_link_hours
    token = await _issue(session, user, VERIFY, timedelta(hours=hours))
    if token is None:
        return False
    await queue_account_email(
        session,
        user.id,
        subject="Confirm your e-mail address",
        heading=f"Hello {user.display_name}, please confirm your e-mail address",
        paragraphs=[f"Open the link below to confirm that {user.email} is yours. It works once, for {hours} hours."],
        button="Confirm my address",
        url=_link(VERIFY_PATH, token),
    )
    return True


async def resend_verification(session: AsyncSession, user: User, *, client_ip: str = "") -> None:
    """A logged-in person asks for a new verification link (throttled per address).

    Raises:
        TooManyRequests: this address asked for too many e-mails lately.
    """
    await throttle.check_address_allowed(session, throttle.EMAIL, client_ip)
    await throttle.record(session, throttle.EMAIL, user.email, client_ip)
    await send_verification(session, user)


async def _use(session: AsyncSession, token: str, purpose: str) -> tuple[EmailToken, User]:
    """Find the live token of ``purpose`` and mark it (and the account's other links of that purpose) used.

    Raises:
        InvalidInput: unknown, used, expired, or for an address the account no longer has.
    """
    if not token or len(token) > 200:
        raise InvalidInput(_BAD_LINK, code="invalid_link")
    row = (
        await session.execute(
            select(EmailToken).where(EmailToken.token_hash == _hash(token), EmailToken.purpose == purpose)
        )
    ).scalar_one_or_none()
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidInput(_BAD_LINK, code="invalid_link")
    user = await session.get(User, row.user_id)
    if user is None or user.is_disabled or user.email != row.email:
        raise InvalidInput(_BAD_LINK, code="invalid_link")
    # Conditional: of two concurrent uses of one link, only one finds it unused.
    used = await session.execute(
        update(EmailToken)
        .where(EmailToken.id == row.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise InvalidInput(_BAD_LINK, code="invalid_link")
    await session.execute(
        update(EmailToken)
        .where(EmailToken.user_id == user.id, EmailToken.purpose == purpose, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return row, user


async def _mark_verified(session: AsyncSession, user: User) -> None:
    """The owner proved the address: record it, and honour ``ADMIN_EMAIL`` for that address."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    admin_email = get_settings().admin_email.strip().lower()
    if admin_email and user.email == admin_email and user.role != Role.ADMIN.value:
        user.role = Role.ADMIN.value
    user.updated_at = utcnow()
    session.add(user)
    await session.flush()


async def verify_email(session: AsyncSession, token: str) -> User:
    """Use a verification link: the account's address counts as verified from now on.

    Raises:
        InvalidInput: the link is invalid, used or expired.
    """
    _row, user = await _use(session, token, VERIFY)
    await _mark_verified(session, user)
    return user


async def request_password_reset(session: AsyncSession, email: str, *, client_ip: str = "") -> None:
    """Have a password-reset link sent to ``email`` if an enabled account has it; say nothing either way.

    The request only counts the attempt here; looking the address up and sending happen after the
    commit, in the background (:func:`send_reset_link`), so the answer takes as long for an address
    with an account as for one without.

    Raises:
        TooManyRequests: this address asked for too many e-mails lately (whether or not the account exists).
    """
    await throttle.check_address_allowed(session, throttle.EMAIL, client_ip)
    try:
        email = normalize_email(email)
    except InvalidInput:
        return await throttle.record(session, throttle.EMAIL, "", client_ip)
    await throttle.record(session, throttle.EMAIL, email, client_ip)
    after_commit(session, lambda: _in_background(send_reset_link(email)))


_background: set[asyncio.Task] = set()
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _in_background(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` after the response on the running loop (or, in a thread without one, right here)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(work)
        return
    task = loop.create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)


async def send_reset_link(email: str) -> bool:
    """Queue a reset e-mail for the enabled account with this (normalized) address; False when none was sent.

    One at a time per process, so the per-account cap on links holds for requests in quick succession.
    """
    lock = _locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    try:
        async with lock, session_scope() as session:
            user = await get_user_by_email(session, email)
            if user is None or user.is_disabled:
                return False
            minutes = get_settings().reset_password_link_minutes
            token = await _issue(session, user, RESET, timedelta(minutes=minutes))
            if token is None:
                return False
            await queue_account_email(
                session,
                user.id,
                subject="Reset your password",
                heading=f"Hello {user.display_name}, here is your password reset link",
                paragraphs=[
                    f"Someone (we hope you) asked to reset the password of {user.email}. "
                    f"The link below lets you choose a new one. It works once, for {minutes} minutes.",
                    "If you did not ask for it, ignore this e-mail: your password stays as it is.",
                ],
                button="Choose a new password",
                url=_link(RESET_PATH, token),
            )
            return True
    except Exception:  # the person sees the generic answer either way; the reason goes to the log
        log.exception("a password-reset link could not be prepared")
        return False


async def reset_password(session: AsyncSession, token: str, *, new_password: str, revoke_api_keys: bool) -> User:
    """Use a reset link to set a new password; every session ends, and API keys too when asked.

    The link came to the address, so the address counts as verified as well.

    Raises:
        InvalidInput: the link is invalid, used or expired, or the password is weak (the link stays usable).
    """
    if not token or len(token) > 200:
        raise InvalidInput(_BAD_LINK, code="invalid_link")
    row = (await session.execute(select(EmailToken).where(EmailToken.token_hash == _hash(token)))).scalar_one_or_none()
    user = await session.get(User, row.user_id) if row else None
    if user is not None:  # check the policy first, so a weak password does not use up the link
        passwords.check_password_policy(new_password, email=user.email, display_name=user.display_name)
    _row, user = await _use(session, token, RESET)
    user.password_hash = await passwords.hash_password(new_password)
    await revoke_tokens(session, user)
    if revoke_api_keys:
        await revoke_all_api_keys(session, user)
    await _mark_verified(session, user)
    return user
