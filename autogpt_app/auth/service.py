"""Accounts: sign-up, login, tokens, logout, password and profile changes.

Functions take the session first and flush; the caller (request scope) commits. Every
failure is a :class:`~autogpt_app.errors.ServiceError` with a message fit for a person.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import passwords, throttle
from autogpt_app.auth.models import Role, User
from autogpt_app.auth.tokens import create_access_token, decode_access_token
from autogpt_app.errors import Conflict, InvalidInput, Unauthorized
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow

MAX_DISPLAY_NAME = 80
_BAD_LOGIN = "Incorrect e-mail or password."


def normalize_email(email: str) -> str:
    """Validate an e-mail address's syntax and return it lower-cased.

    Raises:
        InvalidInput: if the address is malformed.
    """
    email = (email or "").strip()
    if len(email) > 320:
        raise InvalidInput("That e-mail address is too long.", code="invalid_email")
    try:
        info = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"That e-mail address is not valid: {exc}", code="invalid_email") from exc
    return info.normalized.lower()


def clean_display_name(name: str) -> str:
    """Return a trimmed display name, or raise :class:`InvalidInput`."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Please enter a display name.", code="invalid_display_name")
    if len(name) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"Display name must be at most {MAX_DISPLAY_NAME} characters.", code="invalid_display_name")
    return name


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    """Return the user with this (already normalized) e-mail, if any."""
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def signup(session: AsyncSession, *, email: str, display_name: str, password: str) -> User:
    """Create an account.

    The first account whose e-mail matches ``ADMIN_EMAIL`` becomes an admin.

    Raises:
        InvalidInput: malformed e-mail or name, or a weak password.
        Conflict: an account with this e-mail exists.
    """
    email = normalize_email(email)
    display_name = clean_display_name(display_name)
    passwords.check_password_policy(password, email=email, display_name=display_name)
    if await get_user_by_email(session, email):
        raise Conflict("An account with that e-mail already exists.", code="email_taken")
    admin_email = get_settings().admin_email.strip().lower()
    role = Role.ADMIN if admin_email and email == admin_email else Role.USER
    user = User(
        email=email,
        display_name=display_name,
        password_hash=await passwords.hash_password(password),
        role=role.value,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same e-mail won the race
        raise Conflict("An account with that e-mail already exists.", code="email_taken") from exc
    return user


async def authenticate(session: AsyncSession, *, email: str, password: str) -> User:
    """Check an e-mail and password and return the user.

    Unknown e-mails are verified against a dummy hash so they take as long as wrong
    passwords. Failures are committed even though the login fails, so throttling holds.

    Raises:
        Unauthorized: wrong e-mail or password, or a disabled account.
        TooManyRequests: too many recent failures for this account.
    """
    try:
        email = normalize_email(email)
    except InvalidInput:
        await passwords.verify_password(passwords.dummy_hash(), password or "")
        raise Unauthorized(_BAD_LOGIN, code="bad_credentials") from None
    await throttle.check_not_throttled(session, email)
    user = await get_user_by_email(session, email)
    ok = await passwords.verify_password(
        user.password_hash if user else passwords.dummy_hash(), (password or "")[: passwords.MAX_LENGTH]
    )
    if not ok or user is None:
        await throttle.record_failure(session, email)
        await session.commit()
        raise Unauthorized(_BAD_LOGIN, code="bad_credentials")
    if user.is_disabled:
        raise Unauthorized("This account has been disabled. Contact an administrator.", code="account_disabled")
    await throttle.clear_failures(session, email)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.add(user)
    await session.flush()
    return user


def issue_token(user: User) -> str:
    """Return a fresh access token for ``user``."""
    return create_access_token(user.id, user.token_version)


async def user_from_token(session: AsyncSession, token: str) -> User:
    """Resolve a bearer token to its user.

    Raises:
        Unauthorized: tampered, expired or revoked token, unknown or disabled user.
    """
    if not token:
        raise Unauthorized("Please log in.", code="not_authenticated")
    claims = decode_access_token(token)
    user = await session.get(User, claims.user_id)
    if user is None or user.token_version != claims.version:
        raise Unauthorized("Your session has ended; please log in again.", code="token_revoked")
    if user.is_disabled:
        raise Unauthorized("This account has been disabled. Contact an administrator.", code="account_disabled")
    return user


async def revoke_tokens(session: AsyncSession, user: User) -> None:
    """Invalidate every token issued to ``user`` so far (logout everywhere)."""
    user.token_version += 1
    user.updated_at = utcnow()
    session.add(user)
    await session.flush()


async def change_password(session: AsyncSession, user: User, *, current: str, new: str) -> str:
    """Change ``user``'s password and return a new token (old tokens stop working).

    Raises:
        Unauthorized: ``current`` is wrong.
        InvalidInput: ``new`` is weak or equal to the current one.
    """
    if not await passwords.verify_password(user.password_hash, (current or "")[: passwords.MAX_LENGTH]):
        raise Unauthorized("Your current password is incorrect.", code="bad_credentials")
    passwords.check_password_policy(new, email=user.email, display_name=user.display_name)
    if current == new:
        raise InvalidInput("The new password must differ from the current one.", code="weak_password")
    user.password_hash = await passwords.hash_password(new)
    await revoke_tokens(session, user)
    return issue_token(user)


async def update_profile(session: AsyncSession, user: User, *, display_name: str) -> User:
    """Change the user's display name."""
    user.display_name = clean_display_name(display_name)
    user.updated_at = utcnow()
    session.add(user)
    await session.flush()
    return user


async def count_users(session: AsyncSession) -> int:
    """Return how many accounts exist."""
    return (await session.execute(select(func.count()).select_from(User))).scalar_one()
