"""``/notifications``: the calling user's notifications (list, unread count, read, delete) and preferences."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.notifications import preferences, service
from autogpt_app.notifications.models import MAX_TYPE, NotificationPublic
from autogpt_app.notifications.preferences import PreferencePublic

router = APIRouter(prefix="/notifications", tags=["notifications"])

NotificationId = Annotated[str, Path(max_length=64)]


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int


class Preferences(BaseModel):
    """The caller's channel for every notification type, and whether finished runs come as a daily digest."""

    items: list[PreferencePublic]
    digest: bool


class ChannelChoice(BaseModel):
    channel: Literal["in_app", "email", "off"]


class DigestChoice(BaseModel):
    enabled: bool


@router.get("", response_model=list[NotificationPublic])
async def list_notifications(
    user: ReadUser,
    session: SessionDep,
    response: Response,
    unread: bool = False,
    type: Annotated[str | None, Query(max_length=MAX_TYPE)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 20,
) -> list[NotificationPublic]:
    """The caller's notifications, newest first (``?unread=true``: only unread; ``?type=run_failed``: one type).

    The total matching the filters is in the ``X-Total-Count`` header.
    """
    page = await service.list_page(session, user, type=type or None, unread_only=unread, offset=offset, limit=limit)
    response.headers["X-Total-Count"] = str(page.total)
    return page.items


@router.get("/unread-count", response_model=UnreadCount)
async def unread_count(user: ReadUser, session: SessionDep) -> UnreadCount:
    """How many of the caller's notifications are unread."""
    return UnreadCount(unread=await service.unread_count(session, user))


@router.post("/read-all", response_model=MarkedRead)
async def mark_all_read(user: CurrentUser, session: SessionDep) -> MarkedRead:
    """Mark every unread notification of the caller read."""
    return MarkedRead(marked=await service.mark_all_read(session, user))


@router.get("/preferences", response_model=Preferences)
async def get_preferences(user: ReadUser, session: SessionDep) -> Preferences:
    """How the caller gets each type of notification (``in_app``, ``email`` or ``off``) and the digest setting."""
    return Preferences(
        items=await preferences.get_preferences(session, user), digest=await preferences.get_digest(session, user)
    )


# Declared before ``/preferences/{type}`` so that "digest" is not taken for a notification type.
@router.put("/preferences/digest", response_model=DigestChoice)
async def set_digest(choice: DigestChoice, user: CurrentUser, session: SessionDep) -> DigestChoice:
    """Get finished runs as one e-mail a day (the previous day's runs) instead of one e-mail each."""
    return DigestChoice(enabled=await preferences.set_digest(session, user, choice.enabled))


@router.put("/preferences/{type}", response_model=PreferencePublic)
async def set_preference(
    type: Annotated[str, Path(max_length=MAX_TYPE)], choice: ChannelChoice, user: CurrentUser, session: SessionDep
) -> PreferencePublic:
    """Choose how the caller gets notifications of one type."""
    return await preferences.set_preference(session, user, type, choice.channel)


@router.post("/{notification_id}/read", response_model=NotificationPublic)
async def mark_read(notification_id: NotificationId, user: CurrentUser, session: SessionDep) -> NotificationPublic:
    """Mark one of the caller's notifications read."""
    return await service.mark_read(session, user, notification_id)


@router.delete("/{notification_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_notification(notification_id: NotificationId, user: CurrentUser, session: SessionDep) -> Response:
    """Delete one of the caller's notifications."""
    await service.delete_notification(session, user, notification_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
