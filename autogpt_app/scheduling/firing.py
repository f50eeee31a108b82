"""Firing a schedule: claim the due occurrence atomically, start the run, record the outcome.

Exactly once: a firing first moves ``next_run_at`` from the due time to the next occurrence with
one conditional statement, ``UPDATE schedules SET next_run_at = <next> WHERE id = :id AND
next_run_at = <due>``. Only the caller whose statement changed one row goes on to create the
execution, in the same transaction: two schedulers, a retried job or a stale job all find zero
rows and do nothing. If the transaction rolls back (a crash before commit), the claim rolls back
with it and the occurrence is still due.

Coalescing and grace: the next occurrence is computed from *now*, so occurrences missed while no
scheduler ran collapse into this one firing; a firing more than the misfire grace period
(``SCHEDULER_MISFIRE_GRACE_SECONDS``, 60 s) after its due time is skipped instead of run late.

One-off schedules (``run_at`` set) have no next occurrence: the claim sets ``next_run_at = NULL,
is_active = false``, so the row stays, inactive, with its outcome. A one-off was asked for
explicitly, so a late one still runs — and its owner is told it started late — up to
``ONE_OFF_MAX_LATENESS_SECONDS`` (24 h) after its time; later it is recorded as missed
(``last_status = "FAILED"``, ``last_error`` says when it was due) and its owner is notified.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.errors import InvalidInput, ServiceError
from autogpt_app.executions import service as executions
from autogpt_app.executions.models import GraphExecution
from autogpt_app.library.models import LibraryAgent
from autogpt_app.notifications.service import create_notification
from autogpt_app.scheduling import cron as cronlib
from autogpt_app.scheduling import once as oncelib
from autogpt_app.scheduling.models import Schedule
from autogpt_app.settings import get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.wording import plural

log = logging.getLogger(__name__)

FAILED = "FAILED"
NOTIFICATION_TYPE = "scheduled_run_failed"
LATE_NOTIFICATION_TYPE = "scheduled_run_late"
RUN_LINK = "/runs/{execution_id}"

#: Outcomes of :func:`fire`.
FIRED, FAILED_TO_START, SKIPPED_LATE, NOT_DUE, INACTIVE, TAKEN, MISSED = (
    "fired",
    "failed",
    "skipped_late",
    "not_due",
    "inactive",
    "taken",
    "missed",
)

_S = Schedule.__table__.c


@dataclass(frozen=True)
class FireResult:
    """What a firing did, and when the schedule is due next (None when it is not active)."""

    outcome: str
    schedule_id: str
    next_run_at: datetime | None
    due_at: datetime | None = None
    execution_id: str | None = None
    error: str | None = None
    #: How late a one-off's run started, when it started after the misfire grace period.
    late_by: timedelta | None = None


def duration_words(span: timedelta) -> str:
    """``2 hours 5 minutes``, ``5 minutes``, ``40 seconds`` (rounded down to whole minutes past an hour)."""
    seconds = max(0, int(span.total_seconds()))
    hours, minutes = divmod(seconds // 60, 60)
    if hours:
        return plural(hours, "hour") + (f" {plural(minutes, 'minute')}" if minutes else "")
    if minutes:
        return plural(minutes, "minute")
    return plural(seconds, "second")


async def is_archived(session: AsyncSession, user_id: str, graph_id: str) -> bool:
    """Whether the agent is archived in the user's library (no library entry: not archived)."""
    value = (
        await session.execute(
            select(LibraryAgent.is_archived).where(LibraryAgent.user_id == user_id, LibraryAgent.graph_id == graph_id)
        )
    ).scalar_one_or_none()
    return bool(value)


async def fire(
    session: AsyncSession,
    schedule_id: str,
    *,
    now: datetime | None = None,
    grace_seconds: float | None = None,
    max_lateness_seconds: float | None = None,
) -> FireResult:
    """Fire the schedule's due occurrence if it is due at ``now`` and nobody fired it yet.

    Creates the execution through :func:`~autogpt_app.executions.service.add_graph_execution` as
    the schedule's owner (the run is enqueued after the caller commits). When the agent's inputs
    or credentials no longer fit (or it is archived), records ``last_status = "FAILED"`` with the
    reason and notifies the owner (once per run of failures, not at every firing; every time for
    a one-off). A one-off fires once, late if need be (see the module's notes).

    INTERNAL: called by the scheduler, with a session of its own (``db.session_scope()``).
    """
    now = now or utcnow()
    settings = get_settings()
    grace = timedelta(seconds=settings.scheduler_misfire_grace_seconds if grace_seconds is None else grace_seconds)
    max_late = timedelta(
        seconds=settings.one_off_max_lateness_seconds if max_lateness_seconds is None else max_lateness_seconds
    )
    row = (
        await session.execute(
            select(
                _S.user_id,
                _S.graph_id,
                _S.graph_version,
                _S.name,
                _S.cron,
                _S.run_at,
                _S.timezone,
                _S.inputs,
                _S.credentials,
                _S.is_active,
                _S.next_run_at,
                _S.last_status,
            ).where(_S.id == schedule_id)
        )
    ).one_or_none()
    if row is None or not row.is_active or row.next_run_at is None:
        return FireResult(INACTIVE, schedule_id, None)
    due = row.next_run_at
    if due > now:
        return FireResult(NOT_DUE, schedule_id, due, due)
    once = row.run_at is not None
    try:
        # A one-off has no next occurrence: claiming it also makes it inactive.
        following = None if once else cronlib.next_run(row.cron, row.timezone, now)
    except InvalidInput as exc:  # a stored expression this version no longer accepts
        following = None
        log.error("schedule %s has an invalid cron or time zone: %s", schedule_id, exc.message)
    claim = await session.execute(
        update(Schedule.__table__)
        .where(_S.id == schedule_id, _S.is_active.is_(True), _S.next_run_at == due)
        .values(next_run_at=following, is_active=following is not None)
    )
    if claim.rowcount != 1:
        # Fired (or changed) by someone else: report when it is due now, so the caller re-plans.
        current = (
            await session.execute(select(_S.is_active, _S.next_run_at).where(_S.id == schedule_id))
        ).one_or_none()
        planned = current.next_run_at if current is not None and current.is_active else None
        return FireResult(TAKEN, schedule_id, planned, due)
    if once:
        if now - due > max_late:
            return await _missed(session, schedule_id, row, due, now, max_late)
        late_by = now - due if now - due > grace else None
        return await _start_run(session, schedule_id, row, due, None, now, late_by=late_by)
    if now - due > grace:
        log.warning(
            "schedule %s: the run due at %s is %.0fs late (grace %.0fs); skipped, next at %s",
            schedule_id,
            due.isoformat(),
            (now - due).total_seconds(),
            grace.total_seconds(),
            following.isoformat() if following else "never",
        )
        return FireResult(SKIPPED_LATE, schedule_id, following, due)
    return await _start_run(session, schedule_id, row, due, following, now)


def _when(moment: datetime, timezone: str) -> str:
    try:
        return f"{oncelib.local_text(moment, timezone)} ({timezone})"
    except Exception:  # a zone removed from the system since it was stored
        return f"{oncelib.local_text(moment, 'UTC')} (UTC)"


async def _missed(session: AsyncSession, schedule_id: str, row, due, now, max_late: timedelta) -> FireResult:
    """A one-off found more than ``max_late`` after its time: record it as missed and tell its owner."""
    error = (
        f"Missed: it was due on {_when(due, row.timezone)}, but no scheduler was running until "
        f"{_when(now, row.timezone)}, more than {duration_words(max_late)} later. Give it a new time to run it."
    )
    await session.execute(
        update(Schedule.__table__)
        .where(_S.id == schedule_id)
        .values(last_run_at=now, last_execution_id=None, last_status=FAILED, last_error=error)
    )
    log.warning("one-off schedule %s was missed (due %s, now %s)", schedule_id, due.isoformat(), now.isoformat())
    if await session.get(User, row.user_id) is not None:
        await create_notification(
            session,
            row.user_id,
            type=NOTIFICATION_TYPE,
            title=f"Scheduled run “{row.name}” was missed",
            body=error,
            link="/schedules",
            data={"schedule_id": schedule_id, "graph_id": row.graph_id, "due_at": due.isoformat()},
        )
    return FireResult(MISSED, schedule_id, None, due, None, error)


async def _start_run(
    session: AsyncSession, schedule_id: str, row, due, following, now, *, late_by: timedelta | None = None
) -> FireResult:
    user = await session.get(User, row.user_id)
    execution_id: str | None = None
    error: str | None = None
    try:
        if user is None:
            raise InvalidInput("The schedule's owner no longer exists.")
        if await is_archived(session, row.user_id, row.graph_id):
            raise InvalidInput("The agent is archived; restore it from your library to run it on a schedule.")
        # A savepoint: a refused run leaves no half-written rows, but the claim above stays.
        async with session.begin_nested():
            execution = await executions.add_graph_execution(
                session,
                user,
                row.graph_id,
                version=row.graph_version,
                inputs=dict(row.inputs or {}),
                credentials=dict(row.credentials or {}),
            )
            # Marks the run as this schedule's, so a failure is told as a scheduled run's.
            await session.execute(
                update(GraphExecution.__table__)
                .where(GraphExecution.__table__.c.id == execution.id)
                .values(schedule_id=schedule_id)
            )
        execution_id = execution.id
    except ServiceError as exc:
        error = exc.message
    status = execution.status if execution_id else FAILED
    await session.execute(
        update(Schedule.__table__)
        .where(_S.id == schedule_id)
        .values(last_run_at=now, last_execution_id=execution_id, last_status=status, last_error=error)
    )
    once = row.run_at is not None
    if error is None:
        log.info("schedule %s fired (due %s): execution %s", schedule_id, due.isoformat(), execution_id)
        if late_by is not None:
            await create_notification(
                session,
                row.user_id,
                type=LATE_NOTIFICATION_TYPE,
                title=f"Scheduled run “{row.name}” started late",
                body=(
                    f"It was due on {_when(due, row.timezone)}, but no scheduler was running then; "
                    f"it started {duration_words(late_by)} late, on {_when(now, row.timezone)}."
                ),
                link=RUN_LINK.format(execution_id=execution_id),
                data={"schedule_id": schedule_id, "graph_id": row.graph_id, "due_at": due.isoformat()},
            )
        return FireResult(FIRED, schedule_id, following, due, execution_id, late_by=late_by)
    log.warning("schedule %s could not start its run: %s", schedule_id, error)
    if (once or row.last_status != FAILED) and user is not None:
        after = (
            "It was a one-off run; give it a new time on the Schedules page to try again."
            if once
            else "The schedule stays active; edit it or the agent, or pause it."
        )
        await create_notification(
            session,
            row.user_id,
            type=NOTIFICATION_TYPE,
            title=f"Scheduled run '{row.name}' could not start",
            body=f"{error}\n\n{after}",
            link="/schedules",
            data={"schedule_id": schedule_id, "graph_id": row.graph_id, "due_at": due.isoformat()},
        )
    return FireResult(FAILED_TO_START, schedule_id, following, due, None, error)
