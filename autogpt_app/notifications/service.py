"""Create, list and mark notifications; push each new one live on the owner's bus channel.

Functions take the session first and flush; the caller commits. A new notification is published
as a ``notification`` event on :func:`~autogpt_app.bus.user_channel` only once the transaction has
committed (:func:`~autogpt_app.db.after_commit`), so a rolled-back request never announces a row
that does not exist. Reading functions are owner-checked: another user's id is "not found".
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pydantic_core import PydanticSerializationError, to_json
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.bus import get_bus, user_channel
from autogpt_app.db import after_commit
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.notifications.models import MAX_LINK, MAX_TITLE, MAX_TYPE, Notification, NotificationPublic
from autogpt_app.timeutil import utcnow

__all__ = [
    "NotificationPublic",
    "create_notification",
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "unread_count",
]

log = logging.getLogger(__name__)

MAX_BODY = 10_000
MAX_DATA_BYTES = 16_384
MAX_PAGE = 100
EVENT_TYPE = "notification"

_TYPE_RE = re.compile(rf"^[a-z][a-z0-9_.-]{{0,{MAX_TYPE - 1}}}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clean_type(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if not _TYPE_RE.match(kind):
        raise InvalidInput(
            f"A notification type is 1 to {MAX_TYPE} lower-case letters, digits, '_', '.' or '-'.",
            code="invalid_notification_type",
        )
    return kind


def _clean_title(title: str) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise InvalidInput("A notification needs a title.", code="invalid_notification_title")
    return _shorten(title, MAX_TITLE)


def _clean_body(body: str) -> str:
    body = str(body or "").replace("\r\n", "\n").strip()
    return _shorten(body, MAX_BODY)


def clean_link(link: str | None) -> str | None:
    """Return ``link`` if it is a path of this site or an http(s) address, ``None`` if empty.

    Raises:
        InvalidInput: another scheme (``javascript:``, ``data:``…), a protocol-relative ``//host``,
            control characters, or more than 500 characters.
    """
    link = (link or "").strip()
    if not link:
        return None
    lowered = link.lower()
    is_path = link.startswith("/") and not link.startswith(("//", "/\\"))
    is_web = lowered.startswith(("http://", "https://")) and len(link) > len("https://")
    if not (is_path or is_web) or _CONTROL_RE.search(link) or "\\" in link[:10]:
        raise InvalidInput(
            "A notification link must be an http(s) address or a path of this site starting with '/'.",
            code="invalid_notification_link",
        )
    if len(link) > MAX_LINK:
        raise InvalidInput(
            f"A notification link may be at most {MAX_LINK} characters.", code="invalid_notification_link"
        )
    return link


def _clean_data(data: dict[str, Any] | None) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput("Notification data must be an object.", code="invalid_notification_data")
    try:
        encoded = to_json(data)
    except PydanticSerializationError:
        raise InvalidInput("Notification data must hold JSON values only.", code="invalid_notification_data") from None
    if len(encoded) > MAX_DATA_BYTES:
        raise InvalidInput(
            f"Notification data may be at most {MAX_DATA_BYTES} bytes as JSON.", code="invalid_notification_data"
        )
    return json.loads(encoded)


def _public(row: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=row.id,
        type=row.type,
        title=row.title,
        body=row.body,
        link=row.link,
        data=dict(row.data or {}),
        read_at=row.read_at,
        created_at=row.created_at,
    )


async def _announce(user_id: str, payload: dict[str, Any]) -> None:
    try:
        await get_bus().publish(user_channel(user_id), EVENT_TYPE, payload)
    except Exception:  # live push is best effort; the row is the record
        log.warning("could not publish notification %s for user %s", payload.get("id"), user_id)


async def create_notification(
    session: AsyncSession,
    user_id: str,
    *,
    type: str,
    title: str,
    body: str = "",
    link: str | None = None,
    data: dict[str, Any] | None = None,
) -> NotificationPublic:
    """Record a notification for the user ``user_id`` and push it live once committed.

    INTERNAL: callers (services, the execution engine) decide who is notified; there is no
    permission check here. The title is collapsed to one line and cut to 200 characters, the body
    cut to 10,000 characters.

    Raises:
        InvalidInput: empty title, malformed type, a link that is not a site path or http(s)
            address, or data that is not small JSON.
    """
    row = Notification(
        user_id=user_id,
        type=_clean_type(type),
        title=_clean_title(title),
        body=_clean_body(body),
        link=clean_link(link),
        data=_clean_data(data),
    )
    session.add(row)
    await session.flush()
    public = _public(row)
    payload = public.model_dump(mode="json")
    after_commit(session, lambda: _announce(user_id, payload))
    log.info("notification %s (%s) created for user %s", row.id, row.type, user_id)
    return public


async def list_notifications(
    session: AsyncSession, user: User, *, unread_only: bool = False, offset: int = 0, limit: int = 20
) -> list[NotificationPublic]:
    """Return ``user``'s notifications, newest first, one page (``limit`` at most 100)."""
    require_permission(user, Permission.USE_PLATFORM)
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = (
        query.order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(max(0, offset))
        .limit(min(max(1, limit), MAX_PAGE))
    )
    return [_public(row) for row in (await session.execute(query)).scalars()]


async def unread_count(session: AsyncSession, user: User) -> int:
    """Return how many of ``user``'s notifications are unread."""
    require_permission(user, Permission.USE_PLATFORM)
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    return int((await session.execute(query)).scalar_one())


async def mark_read(session: AsyncSession, user: User, notification_id: str) -> NotificationPublic:
    """Mark one of ``user``'s notifications read (again is fine: the first time is kept).

    Raises:
        NotFound: no such notification, or it belongs to someone else.
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await session.get(Notification, notification_id) if notification_id and len(notification_id) <= 64 else None
    if row is None or row.user_id != user.id:
        raise NotFound("No such notification.", code="notification_not_found")
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        await session.flush()
    return _public(row)


async def mark_all_read(session: AsyncSession, user: User) -> int:
    """Mark every unread notification of ``user`` read; return how many changed."""
    require_permission(user, Permission.USE_PLATFORM)
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return int(result.rowcount or 0)
