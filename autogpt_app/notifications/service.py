"""Create, list, mark and delete notifications; push each new one live on the owner's bus channel.

Functions take the session first and flush; the caller commits. A new notification is published
as a ``notification`` event on :func:`~autogpt_app.bus.user_channel` only once the transaction has
committed (:func:`~autogpt_app.db.after_commit`), so a rolled-back request never announces a row
that does not exist; marking read and deleting publish ``notifications_changed`` the same way, so
the user's other tabs update their count. Reading functions are owner-checked: another user's id
is "not found".

Creating honours the owner's preferences (:mod:`autogpt_app.notifications.preferences`): ``off``
records nothing, ``email`` also queues an e-mail in the same transaction
(:mod:`autogpt_app.notifications.email`), except finished runs of a user who chose the daily digest.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, to_json
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.bus import get_bus, user_channel
from autogpt_app.db import after_commit
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.notifications import email as mail
from autogpt_app.notifications import preferences
from autogpt_app.notifications.models import (
    MAX_LINK,
    MAX_TITLE,
    MAX_TYPE,
    EmailOutbox,
    Notification,
    NotificationPublic,
)
from autogpt_app.timeutil import utcnow

__all__ = [
    "NotificationPage",
    "NotificationPublic",
    "create_for_users",
    "create_notification",
    "delete_notification",
    "list_notifications",
    "list_page",
    "mark_all_read",
    "mark_read",
    "unread_count",
]

log = logging.getLogger(__name__)

MAX_BODY = 10_000
MAX_DATA_BYTES = 16_384
MAX_PAGE = 100
EVENT_TYPE = "notification"
#: Published when notifications were read or deleted, so the user's other tabs update their count.
CHANGED_EVENT_TYPE = "notifications_changed"

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


async def _announce(user_id: str, payload: dict[str, Any], kind: str = EVENT_TYPE) -> None:
    try:
        await get_bus().publish(user_channel(user_id), kind, payload)
    except Exception:  # live push is best effort; the row is the record
        log.warning("could not publish %s %s for user %s", kind, payload.get("id"), user_id)


async def announce(row: Any) -> None:
    """Push a notification recorded outside this module (a Core statement's returned row, or its
    values as a mapping) live, unless the bus knows nobody listens.

    INTERNAL: the row must be committed already.
    """
    values = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    user_id = str(values["user_id"])
    if not get_bus().may_deliver(user_channel(user_id)):
        return
    public = NotificationPublic.model_validate(values)
    await _announce(user_id, public.model_dump(mode="json"))
    log.debug("notification %s (%s) created for user %s", public.id, public.type, user_id)


def _announce_change(session: AsyncSession, user_id: str, payload: dict[str, Any]) -> None:
    """Once committed, tell the user's open pages that notifications were read or deleted."""
    after_commit(session, lambda: _announce(user_id, payload, CHANGED_EVENT_TYPE))


def _wants_email(channel: str, digest: bool, kind: str) -> bool:
    """Whether a new notification is mailed at once (finished runs of digest users wait for the digest)."""
    return channel == preferences.EMAIL and not (digest and kind == preferences.DIGEST_TYPE)


async def create_notification(
    session: AsyncSession,
    user_id: str,
    *,
    type: str,
    title: str,
    body: str = "",
    link: str | None = None,
    data: dict[str, Any] | None = None,
) -> NotificationPublic | None:
    """Record a notification for the user ``user_id`` (as their preferences say) and push it live once committed.

    INTERNAL: callers (services, the execution engine) decide who is notified; there is no
    permission check here. The title is collapsed to one line and cut to 200 characters, the body
    cut to 10,000 characters. With the user's channel for ``type`` set to ``off`` nothing is
    recorded and None is returned; with ``email`` an e-mail is queued in the same transaction.

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
    channel, digest = await preferences.delivery_for(session, user_id, row.type)
    if channel == preferences.OFF:
        log.debug("notification (%s) for user %s not recorded: turned off", row.type, user_id)
        return None
    session.add(row)
    await session.flush()
    public = _public(row)
    if _wants_email(channel, digest, row.type):
        await mail.queue_notification(session, user_id, public)
    payload = public.model_dump(mode="json")
    after_commit(session, lambda: _announce(user_id, payload))
    log.info("notification %s (%s) created for user %s", row.id, row.type, user_id)
    return public


async def create_for_users(
    session: AsyncSession,
    deliveries: dict[str, tuple[str, bool]],
    *,
    type: str,
    title: str,
    body: str = "",
    link: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Record the same notification for many users in a bounded number of statements; return how many.

    INTERNAL. ``deliveries`` maps each user id to their ``(channel, digest)`` preference for
    ``type`` (as :func:`~autogpt_app.notifications.preferences.deliveries_for` returns): users with
    ``off`` are skipped, those with ``email`` also get an e-mail queued. Each row is pushed live
    after commit.
    """
    kind, title, body, link, data = (
        _clean_type(type),
        _clean_title(title),
        _clean_body(body),
        clean_link(link),
        _clean_data(data),
    )
    rows = [
        Notification(user_id=uid, type=kind, title=title, body=body, link=link, data=dict(data))
        for uid, (channel, _digest) in deliveries.items()
        if channel != preferences.OFF
    ]
    if not rows:
        return 0
    session.add_all(rows)
    await session.flush()
    mailed = [row for row in rows if _wants_email(*deliveries[row.user_id], kind)]
    if mailed:
        # The text is the same for everyone: render it once.
        subject, text, html = mail.render_notification(_public(mailed[0]))
        session.add_all(
            EmailOutbox(
                user_id=row.user_id, kind=mail.KIND_NOTIFICATION, subject=subject, text_body=text, html_body=html
            )
            for row in mailed
        )
        await session.flush()
    payloads = [(row.user_id, _public(row).model_dump(mode="json")) for row in rows]

    async def announce_all() -> None:
        for uid, payload in payloads:
            await _announce(uid, payload)

    after_commit(session, announce_all)
    log.info("notification (%s) created for %d user(s), %d e-mail(s) queued", kind, len(rows), len(mailed))
    return len(rows)


class NotificationPage(BaseModel):
    """One page of a user's notifications, newest first, with the total for paging."""

    items: list[NotificationPublic]
    total: int
    offset: int
    limit: int


def _filtered(user: User, type: str | None, unread_only: bool) -> list[Any]:
    conditions: list[Any] = [Notification.user_id == user.id]
    if type:
        conditions.append(Notification.type == str(type)[:MAX_TYPE])
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    return conditions


async def list_notifications(
    session: AsyncSession,
    user: User,
    *,
    unread_only: bool = False,
    offset: int = 0,
    limit: int = 20,
    type: str | None = None,
) -> list[NotificationPublic]:
    """Return ``user``'s notifications, newest first, one page (``limit`` at most 100), optionally of one type."""
    require_permission(user, Permission.USE_PLATFORM)
    query = (
        select(Notification)
        .where(*_filtered(user, type, unread_only))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(max(0, offset))
        .limit(min(max(1, limit), MAX_PAGE))
    )
    return [_public(row) for row in (await session.execute(query)).scalars()]


async def list_page(
    session: AsyncSession,
    user: User,
    *,
    type: str | None = None,
    unread_only: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> NotificationPage:
    """One page of ``user``'s notifications (optionally one type, or unread only), newest first, with the total."""
    require_permission(user, Permission.USE_PLATFORM)
    offset, limit = max(0, offset), min(max(1, limit), MAX_PAGE)
    conditions = _filtered(user, type, unread_only)
    total = (await session.execute(select(func.count()).select_from(Notification).where(*conditions))).scalar_one()
    items = await list_notifications(session, user, type=type, unread_only=unread_only, offset=offset, limit=limit)
    return NotificationPage(items=items, total=int(total), offset=offset, limit=limit)


async def unread_count(session: AsyncSession, user: User) -> int:
    """Return how many of ``user``'s notifications are unread."""
    require_permission(user, Permission.USE_PLATFORM)
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    return int((await session.execute(query)).scalar_one())


async def _owned(session: AsyncSession, user: User, notification_id: str) -> Notification:
    row = await session.get(Notification, notification_id) if notification_id and len(notification_id) <= 64 else None
    if row is None or row.user_id != user.id:
        raise NotFound("No such notification.", code="notification_not_found")
    return row


async def mark_read(session: AsyncSession, user: User, notification_id: str) -> NotificationPublic:
    """Mark one of ``user``'s notifications read (again is fine: the first time is kept).

    Raises:
        NotFound: no such notification, or it belongs to someone else.
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await _owned(session, user, notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        await session.flush()
        _announce_change(session, user.id, {"read": [row.id]})
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
    changed = int(result.rowcount or 0)
    if changed:
        _announce_change(session, user.id, {"all_read": changed})
    return changed


async def delete_notification(session: AsyncSession, user: User, notification_id: str) -> None:
    """Delete one of ``user``'s notifications.

    Raises:
        NotFound: no such notification, or it belongs to someone else (nothing is deleted).
    """
    require_permission(user, Permission.USE_PLATFORM)
    row = await _owned(session, user, notification_id)
    await session.execute(
        delete(Notification)
        .where(Notification.id == row.id, Notification.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    session.expunge(row)
    await session.flush()
    _announce_change(session, user.id, {"deleted": [notification_id]})
