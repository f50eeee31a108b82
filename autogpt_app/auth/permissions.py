"""Role-based access control: which role may do what, and the check services call."""

from __future__ import annotations

from enum import StrEnum

from autogpt_app.auth.models import Role, User
from autogpt_app.errors import Forbidden


class Permission(StrEnum):
    """Things a user may be allowed to do. Services check these, not role names."""

    USE_PLATFORM = "platform:use"
    MANAGE_OWN_API_KEYS = "api_keys:manage_own"
    VIEW_USERS = "users:view"
    MANAGE_USERS = "users:manage"
    REVIEW_SUBMISSIONS = "store:review"
    VIEW_ALL_EXECUTIONS = "executions:view_all"


_USER_PERMISSIONS = frozenset({Permission.USE_PLATFORM, Permission.MANAGE_OWN_API_KEYS})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.USER: _USER_PERMISSIONS,
    Role.ADMIN: _USER_PERMISSIONS | frozenset(Permission),
}


def has_permission(user: User, permission: Permission) -> bool:
    """Return whether ``user`` may do ``permission`` (a disabled user may do nothing)."""
    if user.is_disabled:
        return False
    try:
        role = Role(user.role)
    except ValueError:
        return False
    return permission in ROLE_PERMISSIONS[role]


def require_permission(user: User, permission: Permission) -> None:
    """Raise :class:`Forbidden` unless ``user`` holds ``permission``."""
    if not has_permission(user, permission):
        raise Forbidden("You do not have permission to do that.")
