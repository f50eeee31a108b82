"""Accounts: sign-up, login, tokens, logout, password and profile changes.

Functions take the session first and flush; the caller (request scope) commits. Every
failure is a :class:`~autogpt_app.errors.ServiceError` with a message fit for a person.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import api_keys, passwords, throttle
from autogpt_app.auth.models import Role, User
from autogpt_app.auth.tokens import create_access_token, decode_access_token
from autogpt_app.errors import Conflict, InvalidInput, Unauthorized
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


async def signup(session: AsyncSession, *, email: str, display_name: str, password: str, client_ip: str = "") -> User:
    """Create an account (unverified; the caller sends the verification e-mail).

    Sign-ups are counted per client address. An account with the ``ADMIN_EMAIL`` address becomes
    an admin only once its owner verifies the address (``email_links.verify_email``).

    Raises:
        InvalidInput: malformed e-mail or name, or a weak password.
        Conflict: an account with this e-mail exists.
        TooManyRequests: too many sign-ups from this address lately.
    """
    await throttle.check_address_allowed(session, throttle.SIGNUP, client_ip)
    email = normalize_email(email)
    display_name = clean_display_name(display_name)
    passwords.check_password_policy(password, email=email, display_name=display_name)
    await throttle.record(session, throttle.SIGNUP, email, client_ip)
    if await get_user_by_email(session, email):
        await session.commit()  # the attempt counts even though the sign-up fails
        raise Conflict("An account with that e-mail already exists.", code="email_taken")
    user = User(
        email=email,
        display_name=display_name,
        password_hash=await passwords.hash_password(password),
        role=Role.USER.value,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same e-mail won the race
        raise Conflict("An account with that e-mail already exists.", code="email_taken") from exc
    return user


async def authenticate(session: AsyncSession, *, email: str, password: str, client_ip: str = "") -> User:
    """Check an e-mail and password and return the user.

    Unknown e-mails are verified against a dummy hash so they take as long as wrong
    passwords. A disabled account answers exactly as a wrong password does, whether the password
    is right or not (same status, message, timing and throttling), so a login attempt never tells
    anyone that a password is right. Failures are committed even though the login fails, so
    throttling holds.

    Raises:
        Unauthorized: wrong e-mail or password, or a disabled account.
        TooManyRequests: too many recent failures for this account from this address, or from this address.
    """
    try:
        email = normalize_email(email)
    except InvalidInput:
        await passwords.verify_password(passwords.dummy_hash(), password or "")
        raise Unauthorized(_BAD_LOGIN, code="bad_credentials") from None
    await throttle.check_login_allowed(session, email, client_ip)
    user = await get_user_by_email(session, email)
    ok = await passwords.verify_password(
        user.password_hash if user else passwords.dummy_hash(), (password or "")[: passwords.MAX_LENGTH]
    )
    if not ok or user is None or user.is_disabled:
        await throttle.record_failure(session, email, client_ip)
        await session.commit()
        raise Unauthorized(_BAD_LOGIN, code="bad_credentials")
    await throttle.clear_failures(session, email, client_ip)
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
    """Invalidate every token issued to ``user`` so far."""
    user.token_version += 1
    user.updated_at = utcnow()
    session.add(user)
    await session.flush()


async def log_out_everywhere(session: AsyncSession, user: User, *, revoke_api_keys: bool = False) -> None:
    """End every session of ``user`` (all tokens), and revoke their API keys too when asked."""
    await revoke_tokens(session, user)
    if revoke_api_keys:
        await api_keys.revoke_all_api_keys(session, user)


async def change_password(
    session: AsyncSession, user: User, *, current: str, new: str, revoke_api_keys: bool = False
) -> str:
    """Change ``user``'s password and return a new token (old tokens stop working; API keys too when asked).

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
    await log_out_everywhere(session, user, revoke_api_keys=revoke_api_keys)
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
