"""Receiving a webhook delivery: who may send, how much, how often, and the run it starts.

``POST /api/v1/hooks/{trigger id}`` carries no login: the trigger's secret is the authentication.
The id is a uuid4 (122 random bits), so a URL cannot be guessed; the secret proves the sender:

* ``hmac`` (default): ``X-Signature-Timestamp: <unix seconds>`` and
  ``X-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>``. The timestamp must
  be within ``WEBHOOK_REPLAY_WINDOW_SECONDS`` of the server's clock, and each signature is accepted
  once (its SHA-256 is kept on the delivery; a unique constraint makes a concurrent replay lose too).
* ``bearer``: ``Authorization: Bearer <secret>`` (no replay protection: for senders that cannot sign).

The checks, in order: unknown trigger (404, nothing recorded), body too large (413), signature
(401), paused (409), more than ``max_per_minute`` started or failed deliveries in the last 60 s
(429 with ``Retry-After``), replay (401). Each refusal is a ``refused`` delivery — but at most
:data:`REFUSALS_RECORDED_PER_MINUTE` per trigger a minute are written, so a flood of bad requests
cannot fill the table. The body is the event: parsed JSON when it is JSON, otherwise its text as one
string. An accepted delivery becomes a run through :func:`firing.start_run` (202); one whose run
cannot start (inputs missing, agent archived…) is a ``failed`` delivery (422 with the reason).

Refusals are returned as a :class:`Receipt`, not raised, so the caller commits the refusal's record.
No answer or log line carries the secret, the signature or the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.errors import NotFound
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers import firing
from autogpt_app.triggers.models import Trigger, TriggerDelivery
from autogpt_app.triggers.service import secret_of

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "x-signature-timestamp"
SIGNATURE_HEADER = "x-signature"
SIGNATURE_PREFIX = "sha256="
#: Refused deliveries written per trigger per minute; further refusals are answered, not recorded.
REFUSALS_RECORDED_PER_MINUTE = 30
WINDOW = timedelta(seconds=60)
_D = TriggerDelivery.__table__.c


@dataclass(frozen=True)
class Receipt:
    """The answer to one delivery: the HTTP status, and either the run it started or why not."""

    status: int
    outcome: str
    code: str = ""
    message: str = ""
    delivery_id: str | None = None
    execution_id: str | None = None
    retry_after: int | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The JSON answer: the delivery and its run (202), or the API's error shape."""
        if self.outcome == firing.STARTED:
            return {"delivery_id": self.delivery_id, "execution_id": self.execution_id, "status": self.outcome}
        return {"error": {"code": self.code, "message": self.message}}

    def headers(self) -> dict[str, str]:
        """``Retry-After`` for a delivery refused for coming too often."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


def sign(secret: str, timestamp: int | str, raw_body: bytes) -> str:
    """The ``X-Signature`` value a sender puts on ``raw_body`` sent at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def _event(raw_body: bytes) -> tuple[Any, str]:
    """The body as an event (JSON, else its text) and a few words about it for the log."""
    size = f"{len(raw_body):,} bytes"
    text = raw_body.decode("utf-8", errors="replace")
    try:
        return json.loads(text), f"{size} of JSON"
    except ValueError:
        return text, f"{size} of text"


def _check_signature(
    secret: str, mode: str, headers: Mapping[str, str], raw_body: bytes, now: datetime
) -> tuple[str, str, str | None]:
    """``("", "", replay key)`` when the sender proved itself, else ``(code, message, None)``."""
    if mode == "bearer":
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return "signature_missing", "Send the trigger's secret as 'Authorization: Bearer <secret>'.", None
        if not hmac.compare_digest(given.strip().encode(), secret.encode()):
            return "signature_invalid", "The secret does not match this trigger's.", None
        return "", "", None
    timestamp, signature = headers.get(TIMESTAMP_HEADER, "").strip(), headers.get(SIGNATURE_HEADER, "").strip()
    if not timestamp or not signature:
        return (
            "signature_missing",
            "Sign the delivery: X-Signature-Timestamp (unix seconds) and "
            "X-Signature: sha256=<HMAC-SHA256 of '<timestamp>.' and the body>.",
            None,
        )
    if not timestamp.isdigit() or len(timestamp) > 12:
        return "signature_invalid", "X-Signature-Timestamp must be a time in unix seconds.", None
    if not hmac.compare_digest(signature.lower().encode(), sign(secret, timestamp, raw_body).encode()):
        return "signature_invalid", "The signature does not match the body and the trigger's secret.", None
    window = get_settings().webhook_replay_window_seconds
    if abs(now.timestamp() - int(timestamp)) > window:
        return "signature_stale", f"The signature's timestamp is more than {window} seconds from now.", None
    return "", "", hashlib.sha256(signature.lower().encode()).hexdigest()


async def _count_since(session: AsyncSession, trigger_id: str, since: datetime, *statuses: str) -> tuple[int, Any]:
    row = (
        await session.execute(
            select(func.count(), func.min(_D.received_at)).where(
                _D.trigger_id == trigger_id, _D.received_at > since, _D.status.in_(statuses)
            )
        )
    ).one()
    return int(row[0]), row[1]


async def _refuse(
    session: AsyncSession,
    trigger_id: str,
    status: int,
    code: str,
    message: str,
    *,
    now: datetime,
    summary: str | None = None,
    retry_after: int | None = None,
) -> Receipt:
    """Answer a refusal; record it unless this trigger's refusals this minute reached the cap."""
    log.info("webhook delivery to trigger %s refused (%d %s)", trigger_id, status, code)
    recorded, _ = await _count_since(session, trigger_id, now - WINDOW, firing.REFUSED)
    delivery_id = None
    if recorded < REFUSALS_RECORDED_PER_MINUTE:
        outcome = await firing.record_refusal(session, trigger_id, message, http_status=status, summary=summary)
        delivery_id = outcome.delivery_id
    return Receipt(status, firing.REFUSED, code, message, delivery_id=delivery_id, retry_after=retry_after)


async def receive(
    session: AsyncSession,
    trigger_id: str,
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime | None = None,
) -> Receipt:
    """Check one delivery to a webhook trigger and start its agent (see the module's doc for the rules).

    Args:
        trigger_id: The id in the URL.
        raw_body: The body exactly as sent (the signature covers these bytes).
        headers: The request's headers (any case).
        now: The server's clock (tests).

    Raises:
        NotFound: no such webhook (unknown, deleted, or not a webhook): nothing is recorded.
    """
    now = now or utcnow()
    trigger = await session.get(Trigger, trigger_id) if 0 < len(trigger_id) <= 64 else None
    if trigger is None or trigger.kind != "webhook":
        raise NotFound("No such webhook.", code="webhook_not_found")
    headers = {str(k).lower(): str(v) for k, v in headers.items()}
    limit = get_settings().webhook_max_body_bytes
    size = f"{len(raw_body):,} bytes"
    if len(raw_body) > limit:
        return await _refuse(
            session, trigger.id, 413, "payload_too_large", f"The body is larger than {limit:,} bytes.", now=now
        )
    code, message, replay_key = _check_signature(
        secret_of(trigger), trigger.auth_mode or "hmac", headers, raw_body, now
    )
    if code:
        return await _refuse(session, trigger.id, 401, code, message, now=now, summary=size)
    if not trigger.is_active:
        message = "This trigger is paused: its owner can resume it on the agent's page."
        return await _refuse(session, trigger.id, 409, "trigger_paused", message, now=now, summary=size)
    per_minute = int((trigger.config or {}).get("max_per_minute") or 60)
    taken, oldest = await _count_since(session, trigger.id, now - WINDOW, firing.STARTED, firing.FAILED)
    if taken >= per_minute:
        wait = max(1, math.ceil(((oldest or now) + WINDOW - now).total_seconds()))
        message = f"This trigger accepts at most {per_minute} deliveries a minute; try again in {wait} s."
        return await _refuse(
            session, trigger.id, 429, "too_many_deliveries", message, now=now, summary=size, retry_after=wait
        )
    replayed = "This signed delivery was already received; sign each delivery anew."
    if replay_key is not None:
        seen = await session.execute(select(_D.id).where(_D.trigger_id == trigger.id, _D.replay_key == replay_key))
        if seen.first() is not None:
            return await _refuse(session, trigger.id, 401, "signature_replayed", replayed, now=now, summary=size)
    event, summary = _event(raw_body)
    callbacks = session.info.setdefault("after_commit", [])
    queued = len(callbacks)
    the_id = trigger.id
    await firing.begin_write(session, the_id)
    try:
        async with session.begin_nested():
            outcome = await firing.start_run(
                session, trigger, event, summary=summary, http_status=202, replay_key=replay_key
            )
    except IntegrityError:  # the same signature won a moment ago in another request
        del callbacks[queued:]  # its run was rolled back with the savepoint: nothing to enqueue
        if (await session.execute(select(Trigger.id).where(Trigger.id == the_id))).first() is None:
            raise NotFound("No such webhook.", code="webhook_not_found") from None  # deleted meanwhile
        return await _refuse(session, the_id, 401, "signature_replayed", replayed, now=now, summary=size)
    if outcome.status == firing.STARTED:
        return Receipt(202, firing.STARTED, delivery_id=outcome.delivery_id, execution_id=outcome.execution_id)
    await session.execute(update(TriggerDelivery.__table__).where(_D.id == outcome.delivery_id).values(http_status=422))
    return Receipt(422, firing.FAILED, "run_not_started", outcome.error or "", delivery_id=outcome.delivery_id)
