"""``/notifications``: the calling user's notifications, the unread count, marking them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from autogpt_app.api.deps import CurrentUser, SessionDep
from autogpt_app.notifications import service
from autogpt_app.notifications.models import NotificationPublic

router = APIRouter(prefix="/notifications", tags=["notifications"])

NotificationId = Annotated[str, Path(max_length=64)]


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int


@router.get("", response_model=list[NotificationPublic])
async def list_notifications(
    user: CurrentUser,
    session: SessionDep,
    unread: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 20,
) -> list[NotificationPublic]:
    """The caller's notifications, newest first (``?unread=true``: only unread ones)."""
    return await service.list_notifications(session, user, unread_only=unread, offset=offset, limit=limit)


@router.get("/unread-count", response_model=UnreadCount)
async def unread_count(user: CurrentUser, session: SessionDep) -> UnreadCount:
    """How many of the caller's notifications are unread."""
    return UnreadCount(unread=await service.unread_count(session, user))


@router.post("/read-all", response_model=MarkedRead)
async def mark_all_read(user: CurrentUser, session: SessionDep) -> MarkedRead:
    """Mark every unread notification of the caller read."""
    return MarkedRead(marked=await service.mark_all_read(session, user))


@router.post("/{notification_id}/read", response_model=NotificationPublic)
async def mark_read(notification_id: NotificationId, user: CurrentUser, session: SessionDep) -> NotificationPublic:
    """Mark one of the caller's notifications read."""
    return await service.mark_read(session, user, notification_id)
