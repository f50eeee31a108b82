"""Table and public shape of the notifications domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow

MAX_TYPE = 50
MAX_TITLE = 200
MAX_LINK = 500


class Notification(SQLModel, table=True):
    """One message for one user (e.g. an agent's "Send notification" block), read or not."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE", max_length=36)
    #: What produced it, e.g. ``agent_message``; the UI may pick an icon by it.
    type: str = Field(max_length=MAX_TYPE)
    title: str = Field(max_length=MAX_TITLE)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: A path of this site (``/runs/…``) or an http(s) address; never another scheme.
    link: str | None = Field(default=None, max_length=MAX_LINK)
    #: Ids that give context (e.g. ``execution_id``); JSON values only, never secrets.
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NotificationPublic(BaseModel):
    """A notification as its owner sees it in pages, API responses and bus events."""

    id: str
    type: str
    title: str
    body: str
    link: str | None = None
    data: dict[str, Any] = {}
    read_at: datetime | None = None
    created_at: datetime

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(SQLModel, table=True):
    """How one user wants one type of notification: ``in_app``, ``email`` or ``off``.

    No row means the default (``in_app``, no digest). ``digest`` only means something on the
    ``run_completed`` row: finished runs are listed in one e-mail a day instead of one each.
    """

    __tablename__ = "notification_preferences"

    user_id: str = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE", max_length=36)
    type: str = Field(primary_key=True, max_length=MAX_TYPE)
    channel: str = Field(default="in_app", max_length=10)
    digest: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EmailOutbox(SQLModel, table=True):
    """One e-mail waiting to be sent (or sent, failed, capped): written in the transaction that wants it.

    The sender (:mod:`autogpt_app.notifications.email`) claims due rows, sends them over SMTP and
    records the outcome; the recipient's address is read from ``users`` at send time.
    """

    __tablename__ = "email_outbox"
    __table_args__ = (
        Index("ix_email_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_email_outbox_user_sent", "user_id", "sent_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    #: ``notification`` (one notification) or ``digest`` (the daily list of finished runs).
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=MAX_TITLE + 50)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    #: ``queued`` → ``sent`` | ``failed`` (gave up after the retries) | ``capped`` (over the daily cap).
    status: str = Field(default="queued", max_length=10)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: The last SMTP error in words (never a password).
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: Set on mails that must exist once only (``digest:<user>:<date>``).
    dedupe_key: str | None = Field(default=None, unique=True, max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
