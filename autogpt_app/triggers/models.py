"""Tables of the triggers domain: the triggers, what each delivered, and what poll triggers have seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow

MAX_NAME = 200
#: What starts the agent: a signed ``POST`` (``webhook``), a new item in an RSS/Atom ``feed``, a
#: ``page`` whose extracted text changed, a new message in an ``imap`` folder.
KINDS: tuple[str, ...] = ("webhook", "feed", "page", "imap")
#: How a webhook delivery proves it comes from the person's sender.
AUTH_MODES: tuple[str, ...] = ("hmac", "bearer")
#: A delivery's outcome: ``started`` (a run was made), ``refused`` (signature, size, rate, paused…:
#: nothing ran), ``failed`` (accepted but the run could not start: inputs, credentials, …).
DELIVERY_STATUSES: tuple[str, ...] = ("started", "refused", "failed")


class Trigger(SQLModel, table=True):
    """Starts one of the owner's agents when something happens, with stored inputs and credentials."""

    __tablename__ = "triggers"
    __table_args__ = (
        Index("ix_triggers_user", "user_id"),
        Index("ix_triggers_active_next_poll", "is_active", "next_poll_at"),
        CheckConstraint("kind IN ('webhook', 'feed', 'page', 'imap')", name="ck_triggers_kind"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    graph_id: str = Field(foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    #: The pinned version; None runs the agent's active version at each firing.
    graph_version: int | None = Field(default=None)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=MAX_NAME)
    is_active: bool = Field(default=True)
    #: What the trigger watches: ``{"url": …}`` (feed, page), ``{"folder": …, "credential_id": …}``
    #: (imap); for a webhook ``{"max_per_minute": …}``. Never secrets.
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Which agent input gets which part of the event: ``{input name: path}``; a path is ``$`` (the
    #: whole body or item) or dotted keys into it (``$.pull_request.title``).
    input_mapping: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Fixed inputs, used for inputs the mapping does not fill.
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Which of the owner's credentials each need of the agent uses: {need key: credential id}.
    credentials: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Webhooks only: ``hmac`` (signature of timestamp and body) or ``bearer`` (the secret itself).
    auth_mode: str | None = Field(default=None, max_length=10)
    #: Webhooks only: the signing secret, encrypted with the credentials' keys; shown once at creation
    #: or rotation, never again.
    secret_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: The secret's last 4 characters, so a person can tell which one a sender holds.
    secret_hint: str | None = Field(default=None, max_length=8)
    #: Poll triggers only: seconds between looks, and when the next look is due (UTC).
    poll_interval_seconds: int | None = Field(default=None)
    next_poll_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: What a poll trigger remembers besides seen items (a page's content hash, a feed's ETag…).
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Failures in a row (a refused delivery does not count; a feed that cannot be read does); the
    #: owner is notified when it reaches the threshold, and it resets on the next success.
    failure_count: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_fired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_execution_id: str | None = Field(default=None, max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TriggerDelivery(SQLModel, table=True):
    """One event a trigger received or found, and what came of it (the log on the trigger's page)."""

    __tablename__ = "trigger_deliveries"
    __table_args__ = (
        Index("ix_trigger_deliveries_trigger_received", "trigger_id", "received_at"),
        #: A signed delivery is accepted once: its signature's hash is kept, a replay hits this.
        UniqueConstraint("trigger_id", "replay_key", name="uq_trigger_deliveries_replay"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    trigger_id: str = Field(foreign_key="triggers.id", ondelete="CASCADE", max_length=36)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: ``started`` | ``refused`` | ``failed`` (see ``DELIVERY_STATUSES``).
    status: str = Field(max_length=10)
    #: The HTTP status a webhook sender got (None for poll triggers).
    http_status: int | None = Field(default=None)
    execution_id: str | None = Field(default=None, max_length=36)
    #: Why it was refused or failed, in words (never a secret).
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: What the event was, in a few words: the feed item's title, the e-mail's subject, the body's size.
    summary: str | None = Field(default=None, max_length=300)
    #: SHA-256 of an accepted webhook signature (replay protection); None otherwise.
    replay_key: str | None = Field(default=None, max_length=64)


class TriggerItem(SQLModel, table=True):
    """An item a poll trigger has seen (a feed entry's id, a message's id, a page's content hash).
    Inserting it is the claim: only the transaction whose insert wins starts the run, so an item fires
    once even with two schedulers."""

    __tablename__ = "trigger_items"

    trigger_id: str = Field(foreign_key="triggers.id", ondelete="CASCADE", primary_key=True, max_length=36)
    #: SHA-256 of the item's identity (hex).
    item_key: str = Field(primary_key=True, max_length=64)
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    execution_id: str | None = Field(default=None, max_length=36)
