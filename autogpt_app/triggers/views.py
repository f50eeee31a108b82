"""Triggers as the API and pages show them: never the secret, with their kind and outcomes in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from autogpt_app.settings import get_settings
from autogpt_app.triggers.models import Trigger, TriggerDelivery

#: Where senders POST a webhook delivery (the trigger's id goes in the braces).
RECEIVE_PATH = "/api/v1/hooks/{trigger_id}"

#: What starts the agent, in words.
KIND_LABELS: dict[str, str] = {
    "webhook": "Webhook",
    "feed": "New item in a feed",
    "page": "Web page changed",
    "imap": "New e-mail",
}
#: What came of a delivery, in words.
DELIVERY_LABELS: dict[str, str] = {
    "started": "Started a run",
    "refused": "Refused",
    "failed": "Could not start",
}
#: How a webhook sender proves itself, in words.
AUTH_LABELS: dict[str, str] = {
    "hmac": "Signed (HMAC-SHA256 of timestamp and body)",
    "bearer": "Secret in the Authorization header",
}


def kind_label(kind: str) -> str:
    """The trigger kind as a person says it ("New item in a feed")."""
    return KIND_LABELS.get(kind, kind)


def delivery_label(status: str) -> str:
    """A delivery's outcome as a person says it ("Started a run", "Refused", "Could not start")."""
    return DELIVERY_LABELS.get(status, status)


def webhook_url(trigger_id: str) -> str:
    """The address a sender posts to: the app's public address (``APP_URL``) and the receive path."""
    return get_settings().app_url.rstrip("/") + RECEIVE_PATH.format(trigger_id=trigger_id)


class TriggerPublic(BaseModel):
    """A trigger as its owner sees it. The webhook secret is never part of it (see :class:`TriggerCreated`)."""

    id: str
    graph_id: str
    graph_version: int | None
    #: ``webhook``, ``feed``, ``page`` or ``imap``.
    kind: str
    #: The kind in words ("New item in a feed").
    kind_label: str
    name: str
    is_active: bool
    #: Per kind: ``max_per_minute`` (webhook); ``url`` (feed, page); ``folder``, ``credential_id`` (imap).
    config: dict[str, Any]
    #: Agent input → path into the event (``$`` is the whole event).
    input_mapping: dict[str, str]
    #: Fixed inputs, for inputs the mapping does not fill.
    inputs: dict[str, Any]
    credentials: dict[str, str]
    #: Webhooks: ``hmac`` or ``bearer``; None for poll triggers.
    auth_mode: str | None
    #: The secret's last 4 characters (webhooks), to tell which secret a sender holds.
    secret_hint: str | None
    #: Where to POST deliveries (webhooks only).
    webhook_url: str | None
    poll_interval_seconds: int | None
    next_poll_at: datetime | None
    failure_count: int
    last_error: str | None
    last_fired_at: datetime | None
    last_execution_id: str | None
    created_at: datetime
    updated_at: datetime


class TriggerCreated(TriggerPublic):
    """A trigger just made (or whose secret was just replaced): the only answer that carries the secret."""

    #: The webhook signing secret, shown this once (None for poll triggers).
    secret: str | None = None


class DeliveryPublic(BaseModel):
    """One event a trigger received or found, and what came of it."""

    id: str
    trigger_id: str
    received_at: datetime
    #: ``started``, ``refused`` or ``failed``.
    status: str
    #: The outcome in words.
    status_label: str
    http_status: int | None
    execution_id: str | None
    error: str | None
    summary: str | None


class DeliveryPage(BaseModel):
    """One page of a trigger's deliveries, newest first, with how many there are in all."""

    items: list[DeliveryPublic]
    total: int
    offset: int
    limit: int


def to_public(row: Trigger) -> TriggerPublic:
    """The owner's view of a trigger row (no secret)."""
    return TriggerPublic(
        id=row.id,
        graph_id=row.graph_id,
        graph_version=row.graph_version,
        kind=row.kind,
        kind_label=kind_label(row.kind),
        name=row.name,
        is_active=row.is_active,
        config=dict(row.config or {}),
        input_mapping=dict(row.input_mapping or {}),
        inputs=dict(row.inputs or {}),
        credentials=dict(row.credentials or {}),
        auth_mode=row.auth_mode,
        secret_hint=row.secret_hint,
        webhook_url=webhook_url(row.id) if row.kind == "webhook" else None,
        poll_interval_seconds=row.poll_interval_seconds,
        next_poll_at=row.next_poll_at,
        failure_count=row.failure_count,
        last_error=row.last_error,
        last_fired_at=row.last_fired_at,
        last_execution_id=row.last_execution_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def delivery_public(row: TriggerDelivery) -> DeliveryPublic:
    """A delivery row as the trigger's page and the API show it."""
    return DeliveryPublic(
        id=row.id,
        trigger_id=row.trigger_id,
        received_at=row.received_at,
        status=row.status,
        status_label=delivery_label(row.status),
        http_status=row.http_status,
        execution_id=row.execution_id,
        error=row.error,
        summary=row.summary,
    )
