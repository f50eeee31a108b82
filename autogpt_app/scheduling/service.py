"""Schedules: create, list, read, update, pause, resume, delete — always for their owner only.

A schedule repeats on a cron expression (``kind == "cron"``) or runs once at ``run_at``
(``kind == "once"``); exactly one of the two is set. A one-off that has run (or was missed) stays
listed, inactive, with its outcome; giving it a new time schedules it again, resuming it does not.

Functions take the session first and flush; the caller commits. Another user's schedule id answers
:class:`NotFound` like an unknown one. A schedule is checked by the same rules as a manual run
(inputs against the agent's schema, credentials resolvable) and a refused one writes nothing.
Every change is announced as a ``schedule_changed`` bus event once committed, so a running
scheduler re-plans that schedule's job at once.

**Archive and delete of agents** (owned by the library): whoever archives an agent must call
:func:`pause_for_graph`, and whoever removes an agent from a user's library must call
:func:`delete_for_graph`, with the same session, so the schedules change in the same transaction.
Deleting the graph itself removes its schedules through the foreign key (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.auth.permissions import Permission, require_permission
from autogpt_app.bus import get_bus
from autogpt_app.db import after_commit
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.executions.service import resolve_credentials, validate_inputs
from autogpt_app.graphs.models import GraphPublic
from autogpt_app.graphs.service import get_graph
from autogpt_app.scheduling import SCHEDULE_CHANGED, SCHEDULER_CHANNEL
from autogpt_app.scheduling import cron as cronlib
from autogpt_app.scheduling import once as oncelib
from autogpt_app.scheduling.firing import fire, is_archived
from autogpt_app.scheduling.models import MAX_NAME, Schedule, SchedulePublic
from autogpt_app.scheduling.views import describe_cron, describe_once, has_run, to_public
from autogpt_app.timeutil import utcnow

__all__ = [
    "create_schedule",
    "delete_for_graph",
    "delete_schedule",
    "describe_cron",
    "describe_once",
    "fire",
    "get_schedule",
    "has_run",
    "list_schedules",
    "list_schedules_page",
    "pause_for_graph",
    "pause_schedule",
    "resume_schedule",
    "to_public",
    "update_schedule",
]

log = logging.getLogger(__name__)

MAX_PAGE = 100
_UNSET: Any = object()


def announce(session: AsyncSession, action: str, schedule_ids: Iterable[str]) -> None:
    """Publish ``schedule_changed`` for ``schedule_ids`` once the session commits (best effort)."""
    ids = list(dict.fromkeys(schedule_ids))
    if not ids:
        return

    async def publish() -> None:
        try:
            for start in range(0, len(ids), 500):
                await get_bus().publish(
                    SCHEDULER_CHANNEL, SCHEDULE_CHANGED, {"action": action, "schedule_ids": ids[start : start + 500]}
                )
        except Exception:  # the table is the truth; the scheduler's periodic resync catches up
            log.warning("could not announce %s of %d schedule(s)", action, len(ids))

    after_commit(session, publish)


def _clean_name(name: str) -> str:
    clean = " ".join(str(name or "").split())
    if not clean:
        raise InvalidInput("A schedule needs a name.", code="invalid_name")
    if len(clean) > MAX_NAME:
        raise InvalidInput(f"A schedule name is at most {MAX_NAME} characters.", code="invalid_name")
    return clean


def _one_of(cron: str | None, run_at: datetime | None) -> None:
    """A schedule either repeats or runs once: exactly one of ``cron`` and ``run_at``."""
    if cron is not None and run_at is not None:
        raise InvalidInput(
            "Give either a cron expression to repeat or a time to run once (run_at), not both.",
            code="invalid_schedule",
        )
    if cron is None and run_at is None:
        raise InvalidInput(
            "Give a cron expression to repeat (e.g. '0 8 * * 1-5') or a time to run once (run_at).",
            code="invalid_schedule",
        )


async def _checked_run_settings(
    session: AsyncSession,
    user: User,
    graph: GraphPublic,
    inputs: dict[str, Any] | None,
    credentials: dict[str, str] | None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check inputs and credentials as a manual run would; return what to store.

    Only the inputs the user gave are kept (coerced): the agent's defaults apply at each firing.
    Only explicit credential choices are kept: a need without one takes the owner's newest
    matching credential at each firing, exactly like a manual run.
    """
    if await is_archived(session, user.id, graph.id):
        raise Conflict("This agent is archived; restore it from your library to schedule it.", code="agent_archived")
    given = inputs if inputs is not None else {}
    values = validate_inputs(graph.input_schema, given)
    if credentials is not None and not isinstance(credentials, dict):
        raise InvalidInput("Credentials must be an object of need → credential id.", code="invalid_credentials")
    chosen = {str(k): str(v) for k, v in (credentials or {}).items()}
    await resolve_credentials(session, user, graph.credentials_input_schema, chosen)
    return {k: v for k, v in values.items() if k in given}, chosen


async def create_schedule(
    session: AsyncSession,
    user: User,
    *,
    graph_id: str,
    graph_version: int | None = None,
    name: str,
    cron: str | None = None,
    run_at: datetime | None = None,
    timezone: str = "UTC",
    inputs: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
) -> SchedulePublic:
    """Schedule one of the user's agents: repeating on ``cron``, or once at ``run_at``.

    ``run_at`` with an offset is that moment; without one it is a wall-clock time in ``timezone``
    (see :mod:`autogpt_app.scheduling.once` for the rules: future, at most a year ahead, not in a
    daylight-saving gap).

    Raises:
        NotFound: not the user's agent (or no such version).
        Conflict: ``agent_archived``.
        InvalidInput: ``invalid_schedule`` (neither or both of ``cron`` and ``run_at``),
            ``invalid_cron``, ``invalid_run_at``, ``invalid_timezone``, ``invalid_name``, and the
            run errors (``inputs_missing``, ``invalid_inputs``, ``credentials_missing``,
            ``invalid_credentials``).
    """
    require_permission(user, Permission.USE_PLATFORM)
    clean_name = _clean_name(name)
    _one_of(cron, run_at)
    expr = cronlib.validate_cron(cron) if cron is not None else None
    zone = cronlib.validate_timezone(timezone)
    now = utcnow()
    when = oncelib.resolve(run_at, zone, now=now) if run_at is not None else None
    graph = await get_graph(session, user, graph_id, graph_version)
    stored_inputs, stored_credentials = await _checked_run_settings(session, user, graph, inputs, credentials)
    row = Schedule(
        user_id=user.id,
        graph_id=graph.id,
        graph_version=graph_version,
        name=clean_name,
        cron=expr,
        run_at=when,
        timezone=zone,
        inputs=stored_inputs,
        credentials=stored_credentials,
        next_run_at=when if when is not None else cronlib.next_run(expr, zone, now),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    announce(session, "created", [row.id])
    return to_public(row)


async def _owned(session: AsyncSession, user: User, schedule_id: str) -> Schedule:
    require_permission(user, Permission.USE_PLATFORM)
    row = await session.get(Schedule, schedule_id) if schedule_id and len(schedule_id) <= 64 else None
    if row is None or row.user_id != user.id:
        raise NotFound("No such schedule.", code="schedule_not_found")
    return row


async def list_schedules(
    session: AsyncSession, user: User, *, offset: int = 0, limit: int = 50, graph_id: str | None = None
) -> list[SchedulePublic]:
    """The user's schedules (optionally of one agent), newest first, one page (``limit`` at most 100)."""
    require_permission(user, Permission.USE_PLATFORM)
    query = select(Schedule).where(Schedule.user_id == user.id)
    if graph_id:
        query = query.where(Schedule.graph_id == graph_id)
    query = (
        query.order_by(Schedule.created_at.desc(), Schedule.id.desc())
        .offset(max(0, offset))
        .limit(min(max(1, limit), MAX_PAGE))
    )
    return [to_public(row) for row in (await session.execute(query)).scalars()]


class SchedulePage(BaseModel):
    """One page of a user's schedules, newest first, with how many there are in all (for paging)."""

    items: list[SchedulePublic]
    total: int
    offset: int
    limit: int


async def list_schedules_page(
    session: AsyncSession, user: User, *, offset: int = 0, limit: int = 50, graph_id: str | None = None
) -> SchedulePage:
    """Like :func:`list_schedules`, with the total count of the user's schedules (of ``graph_id`` if given)."""
    offset, limit = max(0, offset), min(max(1, limit), MAX_PAGE)
    items = await list_schedules(session, user, offset=offset, limit=limit, graph_id=graph_id)
    if offset == 0 and len(items) < limit:
        total = len(items)  # the whole list fits on the first page: no count needed
    else:
        count = select(func.count()).select_from(Schedule).where(Schedule.user_id == user.id)
        if graph_id:
            count = count.where(Schedule.graph_id == graph_id)
        total = int((await session.execute(count)).scalar_one())
    return SchedulePage(items=items, total=total, offset=offset, limit=limit)


async def get_schedule(session: AsyncSession, user: User, schedule_id: str) -> SchedulePublic:
    """One of the user's schedules."""
    return to_public(await _owned(session, user, schedule_id))


async def update_schedule(
    session: AsyncSession,
    user: User,
    schedule_id: str,
    *,
    name: str | None = None,
    cron: str | None = None,
    run_at: datetime | None = None,
    timezone: str | None = None,
    inputs: dict[str, Any] | None = None,
    credentials: dict[str, str] | None = None,
    graph_version: int | None = _UNSET,
    is_active: bool | None = None,
) -> SchedulePublic:
    """Change any of name, cron or run_at, time zone, inputs, credentials, pinned version, active.

    Everything is checked before anything is written; a new cron, time zone or a resume plans the
    next run from now (missed runs are not caught up). ``cron`` turns a one-off into a repeating
    schedule and ``run_at`` a repeating one into a one-off. A one-off that has run is scheduled
    again by a new ``run_at`` (or a ``cron``), not by a resume; a time zone alone keeps a one-off's
    moment (a naive ``run_at`` is read in the new zone).

    Raises:
        The errors of :func:`create_schedule`, ``NotFound`` for another user's schedule, and
        ``Conflict`` (``schedule_finished``) when resuming a one-off that has already run.
    """
    row = await _owned(session, user, schedule_id)
    clean_name = _clean_name(name) if name is not None else row.name
    if cron is not None and run_at is not None:
        _one_of(cron, run_at)
    expr = cronlib.validate_cron(cron) if cron is not None else (row.cron if run_at is None else None)
    zone = cronlib.validate_timezone(timezone) if timezone is not None else row.timezone
    now = utcnow()
    when = oncelib.resolve(run_at, zone, now=now) if run_at is not None else (row.run_at if cron is None else None)
    version = row.graph_version if graph_version is _UNSET else graph_version
    done = has_run(row)
    rescheduled = done and (run_at is not None or cron is not None)
    activate = (row.is_active or rescheduled) if is_active is None else bool(is_active)
    if when is not None and activate and run_at is None and not row.is_active:
        if done:
            at = f"{oncelib.local_text(row.last_run_at, row.timezone)} ({row.timezone})"
            what = f"already ran once, on {at}" if row.last_execution_id else f"was due once and did not run ({at})"
            raise Conflict(f"“{row.name}” {what}; give it a new time to run it again.", code="schedule_finished")
        oncelib.resolve(when, zone, now=now)  # resuming a paused one-off: its time must still be ahead
    stored_inputs, stored_credentials = row.inputs, row.credentials
    run_settings_changed = inputs is not None or credentials is not None or version != row.graph_version
    if run_settings_changed or (activate and not row.is_active):
        graph = await get_graph(session, user, row.graph_id, version)
        stored_inputs, stored_credentials = await _checked_run_settings(
            session,
            user,
            graph,
            inputs if inputs is not None else row.inputs,
            credentials if credentials is not None else row.credentials,
        )
    if not activate:
        next_run_at = None
    elif when is not None:
        changed = run_at is not None or not row.is_active or row.next_run_at is None
        next_run_at = when if changed else row.next_run_at
    elif not row.is_active or expr != row.cron or zone != row.timezone or row.next_run_at is None:
        next_run_at = cronlib.next_run(expr, zone, now)
    else:
        next_run_at = row.next_run_at
    row.name, row.cron, row.run_at, row.timezone, row.graph_version = clean_name, expr, when, zone, version
    row.inputs, row.credentials = dict(stored_inputs or {}), dict(stored_credentials or {})
    action = "updated" if activate == row.is_active else ("resumed" if activate else "paused")
    row.is_active, row.next_run_at, row.updated_at = activate, next_run_at, now
    session.add(row)
    await session.flush()
    announce(session, action, [row.id])
    return to_public(row)


async def pause_schedule(session: AsyncSession, user: User, schedule_id: str) -> SchedulePublic:
    """Stop firing until resumed (pausing a paused schedule is fine)."""
    return await update_schedule(session, user, schedule_id, is_active=False)


async def resume_schedule(session: AsyncSession, user: User, schedule_id: str) -> SchedulePublic:
    """Fire again from the next occurrence after now; runs missed while paused are not caught up.

    A paused one-off fires at its time if that is still ahead; one that has run is not resumed
    (give it a new time with :func:`update_schedule`).

    Raises:
        InvalidInput/Conflict: the agent's inputs or credentials no longer fit, or it is archived;
            ``invalid_run_at`` (a paused one-off's time has passed); ``schedule_finished``.
    """
    return await update_schedule(session, user, schedule_id, is_active=True)


async def delete_schedule(session: AsyncSession, user: User, schedule_id: str) -> None:
    """Delete one of the user's schedules (its past runs stay)."""
    row = await _owned(session, user, schedule_id)
    await session.delete(row)
    await session.flush()
    announce(session, "deleted", [schedule_id])


async def pause_for_graph(session: AsyncSession, graph_id: str, *, user_id: str | None = None) -> int:
    """Pause every active schedule of an agent (for archiving it); return how many were paused.

    INTERNAL (no permission check): call it from the service that archives, in the same session.
    """
    conditions = [Schedule.graph_id == graph_id, Schedule.is_active.is_(True)]
    if user_id is not None:
        conditions.append(Schedule.user_id == user_id)
    ids = list((await session.execute(select(Schedule.id).where(*conditions))).scalars())
    if ids:
        await session.execute(
            update(Schedule)
            .where(Schedule.id.in_(ids))
            .values(is_active=False, next_run_at=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        await session.flush()
        announce(session, "paused", ids)
    return len(ids)


async def delete_for_graph(session: AsyncSession, graph_id: str, *, user_id: str | None = None) -> int:
    """Delete every schedule of an agent (for removing it); return how many were deleted.

    INTERNAL (no permission check): call it from the service that deletes, in the same session.
    """
    conditions = [Schedule.graph_id == graph_id]
    if user_id is not None:
        conditions.append(Schedule.user_id == user_id)
    ids = list((await session.execute(select(Schedule.id).where(*conditions))).scalars())
    if ids:
        await session.execute(delete(Schedule).where(Schedule.id.in_(ids)).execution_options(synchronize_session=False))
        await session.flush()
        announce(session, "deleted", ids)
    return len(ids)
