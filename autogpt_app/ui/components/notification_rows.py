"""What a notification row shows: the row models of the bell and the centre, and their pure helpers.

Labels, relative times, one-line snippets and safe links are computed on the server, so a page's
state holds only what it shows, already cut to size. Nothing here reads the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import reflex as rx
from pydantic import BaseModel

from autogpt_app.errors import InvalidInput
from autogpt_app.notifications import service
from autogpt_app.notifications.models import NotificationPublic
from autogpt_app.timeutil import relative_time
from autogpt_app.ui.components.outputs import format_time

#: Characters of a notification's body a row shows on one line.
SNIPPET_CHARS = 140
#: The value of the centre's type filter that shows every type.
ALL_TYPES = "all"
#: How a notification type can reach the user, and the labels of those channels.
CHANNELS: dict[str, str] = {"in_app": "In-app", "email": "E-mail", "off": "Off"}


class NotificationRow(BaseModel):
    """One notification as the bell and the centre show it."""

    id: str
    type: str
    type_label: str
    title: str
    snippet: str
    body: str
    when: str
    when_full: str
    unread: bool
    href: str


class TypeOption(BaseModel):
    """One choice of the centre's type filter."""

    value: str
    label: str


class PreferenceRow(BaseModel):
    """How one notification type reaches the user: ``in_app``, ``email`` or ``off``."""

    type: str
    label: str
    channel: str


def type_labels() -> dict[str, str]:
    """The known notification types and their labels (empty while preferences are unavailable)."""
    try:
        from autogpt_app.notifications.preferences import NOTIFICATION_TYPES
    except ImportError:
        return {}
    return dict(NOTIFICATION_TYPES)


def type_label(kind: str, labels: dict[str, str] | None = None) -> str:
    """A type's label: the known one, else the type in words (``agent_message`` → ``Agent message``)."""
    labels = type_labels() if labels is None else labels
    return labels.get(kind) or kind.replace("_", " ").replace(".", " ").strip().capitalize()


def snippet(body: str, limit: int = SNIPPET_CHARS) -> str:
    """The body on one line, cut to ``limit`` characters."""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_link(link: str | None) -> str:
    """``link`` if it is a path of this site or an http(s) address, else ``""`` (never ``javascript:``…)."""
    try:
        return service.clean_link(link) or ""
    except InvalidInput:
        return ""


def go_to(link: str | None) -> Any:
    """The event that opens a notification's link: same-site paths in the tab, web addresses in a new one."""
    target = safe_link(link)
    if not target:
        return None
    return rx.redirect(target) if target.startswith("/") else rx.redirect(target, is_external=True)


def to_row(
    item: NotificationPublic, labels: dict[str, str] | None = None, now: datetime | None = None, zone: str = "UTC"
) -> NotificationRow:
    """A notification as a row (its link checked again: only safe links become clickable).

    Its time reads "3 minutes ago"; the exact time, on the clock of ``zone`` (the viewer's), is its tooltip.
    """
    return NotificationRow(
        id=item.id,
        type=item.type,
        type_label=type_label(item.type, labels),
        title=item.title,
        snippet=snippet(item.body),
        body=item.body[:2000],
        when=relative_time(item.created_at, zone, now),
        when_full=format_time(item.created_at, zone),
        unread=item.read_at is None,
        href=safe_link(item.link),
    )


def range_label(offset: int, count: int, total: int) -> str:
    """``"21–40 of 45"`` (or ``"0 of 0"``)."""
    return f"{offset + 1}–{offset + count} of {total}" if count else f"0 of {total}"


def count_label(count: int) -> str:
    """The badge text: the count, ``99+`` past 99."""
    return "99+" if count > 99 else str(count)
