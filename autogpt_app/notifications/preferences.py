"""Per-user notification preferences: for each type, ``in_app``, ``email`` or ``off``; and the daily digest.

Defaults (no row stored): every type is ``in_app`` and the digest is off, so nobody gets e-mail
until they ask for it. ``off`` means no notification is recorded at all; ``in_app`` records it
(the bell, the notification centre, the live push); ``email`` records it *and* queues an e-mail.

The digest applies to ``run_completed`` only: with it on, finished runs are listed in one e-mail
a day (the previous UTC day's runs, sent at ``EMAIL_DIGEST_HOUR``) instead of one e-mail per run,
whatever the channel is, as long as it is not ``off``. It is stored on the user's
``run_completed`` row.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.errors import InvalidInput
from autogpt_app.notifications.models import NotificationPreference
from autogpt_app.timeutil import utcnow

__all__ = [
    "CHANNELS",
    "DEFAULT_CHANNEL",
    "DIGEST_TYPE",
    "NOTIFICATION_TYPES",
    "PreferencePublic",
    "deliveries_for",
    "delivery_for",
    "get_digest",
    "get_preferences",
    "set_digest",
    "set_preference",
]

#: Every type a user can choose for, with its label, in display order.
NOTIFICATION_TYPES: dict[str, str] = {
    "run_completed": "A run finished",
    "run_failed": "A run failed",
    "scheduled_run_failed": "A scheduled run failed",
    "scheduled_run_late": "A scheduled run started late",
    "submission_reviewed": "A submission was reviewed",
    "new_version": "A new version of an agent in my library",
    "agent_message": "Messages from my agents",
    "trigger_failed": "A trigger keeps failing",
    "review_requested": "A run waits for my review",
}

IN_APP, EMAIL, OFF = "in_app", "email", "off"
CHANNELS: tuple[str, ...] = (IN_APP, EMAIL, OFF)
DEFAULT_CHANNEL = IN_APP
#: The one type whose e-mails can be gathered into a daily digest.
DIGEST_TYPE = "run_completed"


class PreferencePublic(BaseModel):
    """One notification type with its label and the channel the user chose (or the default)."""

    type: str
    label: str
    channel: str


def _check_type(kind: str) -> str:
    if kind not in NOTIFICATION_TYPES:
        raise InvalidInput(
            f"Unknown notification type {str(kind)[:60]!r}; choose one of: {', '.join(NOTIFICATION_TYPES)}.",
            code="invalid_notification_type",
        )
    return kind


def _check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InvalidInput(
            f"A notification channel is one of: {', '.join(CHANNELS)}.", code="invalid_notification_channel"
        )
    return channel


async def _upsert(session: AsyncSession, user_id: str, kind: str, **values: object) -> None:
    """Insert the user's row for ``kind`` with ``values`` or update those columns; one statement."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    row = {"user_id": user_id, "type": kind, "channel": DEFAULT_CHANNEL, "digest": False, "updated_at": utcnow()}
    row.update(values)
    statement = dialect.insert(NotificationPreference.__table__).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "type"], set_={**values, "updated_at": row["updated_at"]}
    )
    await session.execute(statement)
    await session.flush()


async def get_preferences(session: AsyncSession, user: User) -> list[PreferencePublic]:
    """Return the user's channel for every notification type, in display order (defaults filled in)."""
    require_permission(user, Permission.USE_PLATFORM)
    stored = dict(
        (
            await session.execute(
                select(NotificationPreference.type, NotificationPreference.channel).where(
                    NotificationPreference.user_id == user.id
                )
            )
        ).all()
    )
    return [
        PreferencePublic(type=kind, label=label, channel=stored.get(kind, DEFAULT_CHANNEL))
        for kind, label in NOTIFICATION_TYPES.items()
    ]


async def set_preference(session: AsyncSession, user: User, type: str, channel: str) -> PreferencePublic:
    """Choose how the user gets notifications of ``type``: ``in_app``, ``email`` or ``off``.

    Raises:
        InvalidInput: an unknown type or channel (nothing is written).
    """
    require_permission(user, Permission.USE_PLATFORM)
    kind, channel = _check_type(type), _check_channel(channel)
    await _upsert(session, user.id, kind, channel=channel)
    return PreferencePublic(type=kind, label=NOTIFICATION_TYPES[kind], channel=channel)


async def get_digest(session: AsyncSession, user: User) -> bool:
    """Whether the user gets finished runs as one daily digest e-mail."""
    require_permission(user, Permission.USE_PLATFORM)
    value = (
        await session.execute(
            select(NotificationPreference.digest).where(
                NotificationPreference.user_id == user.id, NotificationPreference.type == DIGEST_TYPE
            )
        )
    ).scalar_one_or_none()
    return bool(value)


async def set_digest(session: AsyncSession, user: User, enabled: bool) -> bool:
    """Turn the daily digest of finished runs on or off; return the new value."""
    require_permission(user, Permission.USE_PLATFORM)
    await _upsert(session, user.id, DIGEST_TYPE, digest=bool(enabled))
    return bool(enabled)


async def delivery_for(session: AsyncSession, user_id: str, kind: str) -> tuple[str, bool]:
    """INTERNAL: ``(channel, digest)`` for one user and type; types nobody can choose are ``in_app``."""
    return (await deliveries_for(session, [user_id], kind)).get(user_id, (DEFAULT_CHANNEL, False))


async def deliveries_for(session: AsyncSession, user_ids: Iterable[str], kind: str) -> dict[str, tuple[str, bool]]:
    """INTERNAL: ``{user id: (channel, digest)}`` for many users and one type, in one query."""
    ids = list(dict.fromkeys(user_ids))
    result = {uid: (DEFAULT_CHANNEL, False) for uid in ids}
    if kind not in NOTIFICATION_TYPES or not ids:
        return result
    rows = await session.execute(
        select(NotificationPreference.user_id, NotificationPreference.channel, NotificationPreference.digest).where(
            NotificationPreference.type == kind, NotificationPreference.user_id.in_(ids)
        )
    )
    for uid, channel, digest in rows.all():
        result[uid] = (channel if channel in CHANNELS else DEFAULT_CHANNEL, bool(digest))
    return result
