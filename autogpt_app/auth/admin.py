"""User administration: list users, change roles, disable and enable accounts, bootstrap admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import passwords
from autogpt_app.auth.models import Role, User, UserPublic
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.auth.service import get_user_by_email, normalize_email, revoke_tokens
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.timeutil import utcnow

MAX_PAGE_SIZE = 100
#: Addresses under the reserved ``.invalid`` domain belong to the platform's own accounts (the seed
#: catalogue's creators): sign-up refuses them, so no person has one.
SYSTEM_EMAIL_PATTERN = "%.invalid"


@dataclass(frozen=True)
class UserPage:
    """One page of users and the total that match."""

    items: list[UserPublic]
    total: int
    offset: int
    limit: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_users(
    session: AsyncSession,
    actor: User,
    *,
    query: str = "",
    offset: int = 0,
    limit: int = 20,
    include_system: bool = False,
) -> UserPage:
    """Return users matching ``query`` (e-mail or name), oldest first, one page at a time.

    The platform's own accounts (``.invalid`` addresses: the seed catalogue's creators) are left
    out unless ``include_system``.
    """
    require_permission(actor, Permission.VIEW_USERS)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    stmt = select(User)
    if not include_system:
        stmt = stmt.where(~func.lower(User.email).like(SYSTEM_EMAIL_PATTERN))
    if query.strip():
        pattern = f"%{_escape_like(query.strip().lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.order_by(User.created_at, User.id).offset(offset).limit(limit))).scalars()
    return UserPage(
        items=[UserPublic.model_validate(u, from_attributes=True) for u in rows],
        total=total,
        offset=offset,
        limit=limit,
    )


async def _target(session: AsyncSession, actor: User, user_id: str) -> User:
    require_permission(actor, Permission.MANAGE_USERS)
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return user


async def set_role(session: AsyncSession, actor: User, user_id: str, role: str) -> UserPublic:
    """Give ``user_id`` the role ``role``. Admins cannot demote themselves (no lock-out).

    Tokens are kept: the role is not in the token but read on every request, so the user's
    next page load or API call already sees it.
    """
    try:
        new_role = Role(role)
    except ValueError:
        raise InvalidInput(f"Unknown role {role!r}; choose one of: user, admin.", code="invalid_role") from None
    user = await _target(session, actor, user_id)
    if user.id == actor.id and new_role != Role.ADMIN:
        raise Conflict("You cannot remove your own admin role.", code="self_demotion")
    if user.role != new_role.value:
        user.role = new_role.value
        user.updated_at = utcnow()
        session.add(user)
        await session.flush()
    return UserPublic.model_validate(user, from_attributes=True)


async def set_disabled(session: AsyncSession, actor: User, user_id: str, disabled: bool) -> UserPublic:
    """Disable or enable an account; disabling revokes its tokens at once."""
    user = await _target(session, actor, user_id)
    if user.id == actor.id and disabled:
        raise Conflict("You cannot disable your own account.", code="self_disable")
    if user.is_disabled != disabled:
        user.is_disabled = disabled
        await revoke_tokens(session, user)
    return UserPublic.model_validate(user, from_attributes=True)


async def ensure_admin(
    session: AsyncSession, email: str, password: str | None = None, *, require_verified: bool = False
) -> tuple[User | None, str]:
    """Make ``email`` an admin: promote an existing account, or create one if a password is given.

    With ``require_verified`` (the ``ADMIN_EMAIL`` setting at start-up, as opposed to an operator's
    ``create-admin`` command) an existing account is promoted only if its owner verified the address:
    anyone can sign up with any address, so an unverified account proves nothing.

    Returns:
        The user (None when it does not exist and no password was given) and what happened,
        in words for the command line.
    """
    email = normalize_email(email)
    user = await get_user_by_email(session, email)
    if user is not None:
        if user.role == Role.ADMIN.value and not user.is_disabled:
            return user, f"{email} is already an admin."
        if require_verified and user.email_verified_at is None:
            return user, (
                f"{email} has an account whose address is not verified yet; it becomes an admin when its "
                "owner follows the link in the verification e-mail."
            )
        user.role = Role.ADMIN.value
        user.is_disabled = False
        user.updated_at = utcnow()
        await revoke_tokens(session, user)
        return user, f"{email} is now an admin."
    if not password:
        return None, f"No account for {email} yet; give a password to create it."
    passwords.check_password_policy(password, email=email)
    user = User(
        email=email,
        display_name=email.split("@", 1)[0][:80] or "Admin",
        password_hash=await passwords.hash_password(password),
        role=Role.ADMIN.value,
    )
    session.add(user)
    await session.flush()
    return user, f"Created admin account {email}."
