"""Starting a run for a trigger and recording what came of it: one place for webhooks and poll triggers.

Every event a trigger receives or finds becomes one ``trigger_deliveries`` row: ``started`` with the
run it made, ``refused`` (nothing ran: a bad signature, too large, too many, paused) or ``failed``
(accepted, but the run could not start: the agent's inputs or credentials no longer fit, it is
archived, the feed could not be read). Failures in a row are counted on the trigger; when they reach
``FAILURES_BEFORE_NOTICE`` the owner gets one ``trigger_failed`` notification, and the count resets
on the next success. Refusals do not count: a stranger's bad requests must not page the owner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import InvalidInput, ServiceError
from autogpt_app.executions import service as executions
from autogpt_app.notifications.service import create_notification
from autogpt_app.scheduling.firing import is_archived
from autogpt_app.timeutil import utcnow
from autogpt_app.triggers.mapping import map_inputs
from autogpt_app.triggers.models import Trigger, TriggerDelivery

log = logging.getLogger(__name__)

STARTED, REFUSED, FAILED = "started", "refused", "failed"
NOTIFICATION_TYPE = "trigger_failed"
#: Failures in a row before the owner is told (once per run of failures).
FAILURES_BEFORE_NOTICE = 3
MAX_SUMMARY = 300
TRIGGER_LINK = "/library/triggers/{trigger_id}"

_T = Trigger.__table__.c


@dataclass(frozen=True)
class Outcome:
    """What became of one event: the delivery row written, and the run it started if any."""

    status: str
    delivery_id: str
    execution_id: str | None = None
    error: str | None = None


def _summary(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


async def _deliver(session: AsyncSession, trigger_id: str, status: str, **values: Any) -> TriggerDelivery:
    delivery = TriggerDelivery(trigger_id=trigger_id, status=status, **values)
    session.add(delivery)
    await session.flush()
    return delivery


async def begin_write(session: AsyncSession, trigger_id: str) -> None:
    """On SQLite, open the transaction as a writer before any savepoint (a no-op on PostgreSQL).

    The SQLite driver begins a transaction only before a write. A savepoint opened first would start
    a transaction of its own (and its release would commit it), and reads taken before the first
    write could make that write fail at once ("database is locked") when another connection
    committed meanwhile. An update that changes nothing takes the write lock, waiting its turn.
    """
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(
            update(Trigger.__table__).where(_T.id == trigger_id).values(failure_count=_T.failure_count)
        )


async def start_run(
    session: AsyncSession,
    trigger: Trigger,
    event: Any,
    *,
    summary: str | None = None,
    http_status: int | None = None,
    replay_key: str | None = None,
) -> Outcome:
    """Start the trigger's agent for ``event`` (mapped to inputs) and record the delivery.

    The run is created as the trigger's owner through ``executions.add_graph_execution`` — the same
    input, credential and disabled-block rules as a run from the page — inside a savepoint, so a run
    that is refused leaves nothing half-written; the delivery and the failure count are kept either
    way. The run is enqueued when the caller commits.
    """
    await begin_write(session, trigger.id)
    now = utcnow()
    user = await session.get(User, trigger.user_id)
    execution_id: str | None = None
    error: str | None = None
    try:
        if user is None or user.is_disabled:
            raise InvalidInput("The trigger's owner can no longer run agents.")
        if await is_archived(session, trigger.user_id, trigger.graph_id):
            raise InvalidInput("The agent is archived; restore it from your library to let this trigger run it.")
        inputs = map_inputs(dict(trigger.input_mapping or {}), event, dict(trigger.inputs or {}))
        async with session.begin_nested():
            execution = await executions.add_graph_execution(
                session,
                user,
                trigger.graph_id,
                version=trigger.graph_version,
                inputs=inputs,
                credentials=dict(trigger.credentials or {}),
            )
        execution_id = execution.id
    except ServiceError as exc:
        error = exc.message
    if error is None:
        delivery = await _deliver(
            session,
            trigger.id,
            STARTED,
            http_status=http_status,
            execution_id=execution_id,
            summary=_summary(summary),
            replay_key=replay_key,
            received_at=now,
        )
        await session.execute(
            update(Trigger.__table__)
            .where(_T.id == trigger.id)
            .values(last_fired_at=now, last_execution_id=execution_id, failure_count=0, last_error=None)
        )
        log.info("trigger %s started execution %s", trigger.id, execution_id)
        return Outcome(STARTED, delivery.id, execution_id)
    outcome = await record_failure(
        session, trigger, error, summary=summary, http_status=http_status, replay_key=replay_key
    )
    return outcome


async def record_failure(
    session: AsyncSession,
    trigger: Trigger,
    error: str,
    *,
    summary: str | None = None,
    http_status: int | None = None,
    replay_key: str | None = None,
) -> Outcome:
    """Record an event that could not start a run (or a poll that could not look), count the failure,
    and notify the owner when ``FAILURES_BEFORE_NOTICE`` failures in a row are reached."""
    delivery = await _deliver(
        session,
        trigger.id,
        FAILED,
        http_status=http_status,
        error=error,
        summary=_summary(summary),
        replay_key=replay_key,
    )
    count = (
        await session.execute(
            update(Trigger.__table__)
            .where(_T.id == trigger.id)
            .values(failure_count=_T.failure_count + 1, last_error=error, updated_at=utcnow())
            .returning(_T.failure_count)
        )
    ).scalar_one()
    log.warning("trigger %s failed (%d in a row): %s", trigger.id, count, error)
    if count == FAILURES_BEFORE_NOTICE:
        await create_notification(
            session,
            trigger.user_id,
            type=NOTIFICATION_TYPE,
            title=f"Trigger “{trigger.name}” keeps failing",
            body=f"It failed {count} times in a row. The last error: {error}",
            link=TRIGGER_LINK.format(trigger_id=trigger.id),
            data={"trigger_id": trigger.id, "graph_id": trigger.graph_id},
        )
    return Outcome(FAILED, delivery.id, None, error)


async def record_refusal(
    session: AsyncSession, trigger_id: str, error: str, *, http_status: int, summary: str | None = None
) -> Outcome:
    """Record a webhook delivery that was refused before anything ran (it does not count as a failure)."""
    delivery = await _deliver(
        session, trigger_id, REFUSED, http_status=http_status, error=error, summary=_summary(summary)
    )
    return Outcome(REFUSED, delivery.id, None, error)
