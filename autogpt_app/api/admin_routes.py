"""``/admin``: user management for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from autogpt_app.api.deps import CurrentAdmin, SessionDep
from autogpt_app.api.schemas import UserAdminUpdate, UserList
from autogpt_app.auth import admin
from autogpt_app.auth.models import UserPublic
from autogpt_app.errors import InvalidInput

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users", response_model=UserList)
async def list_users(
    actor: CurrentAdmin,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE_SIZE)] = 20,
    include_system: Annotated[
        bool, Query(description="Also list the platform's own accounts (the seed catalogue's creators)")
    ] = False,
) -> UserList:
    """List users, searchable by e-mail or name, one page at a time."""
    page = await admin.list_users(session, actor, query=q, offset=offset, limit=limit, include_system=include_system)
    return UserList(items=page.items, total=page.total, offset=page.offset, limit=page.limit)


@router.patch("/users/{user_id}", response_model=UserPublic)
async def update_user(user_id: str, body: UserAdminUpdate, actor: CurrentAdmin, session: SessionDep) -> UserPublic:
    """Change a user's role and/or disable or enable the account."""
    result = None
    if body.role is not None:
        result = await admin.set_role(session, actor, user_id, body.role)
    if body.disabled is not None:
        result = await admin.set_disabled(session, actor, user_id, body.disabled)
    if result is None:
        raise InvalidInput("Nothing to change: give 'role' and/or 'disabled'.")
    return result
