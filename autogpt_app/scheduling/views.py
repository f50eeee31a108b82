"""How a schedule reads: its public shape with words and next run times, and the form's previews.

A repeating schedule lists its next five run times in its own zone; a one-off lists its one time
until it has run. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from autogpt_app.scheduling import cron as cronlib
from autogpt_app.scheduling import once as oncelib
from autogpt_app.scheduling.models import CronPreview, OncePreview, Schedule, SchedulePublic
from autogpt_app.timeutil import utcnow

__all__ = ["NEXT_RUNS_SHOWN", "describe_cron", "describe_once", "has_run", "to_public"]

NEXT_RUNS_SHOWN = 5
_SECOND = timedelta(seconds=1)


@lru_cache(maxsize=4096)
def _words(cron: str) -> str:
    return cronlib.describe(cron)


@lru_cache(maxsize=20_000)
def _upcoming(cron: str, timezone: str, next_run_at: datetime) -> tuple[datetime, ...]:
    # The planned time is an occurrence: list from it, so an overdue one still shows first. The
    # list changes only when the schedule fires or changes, so it is cached by what it depends on.
    return tuple(cronlib.next_runs(cron, timezone, NEXT_RUNS_SHOWN, after=next_run_at - _SECOND))


def _in_zone(moment: datetime, timezone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(timezone))
    except Exception:  # a zone removed from the system since it was stored: UTC rather than fail
        return moment


def to_public(row: Schedule) -> SchedulePublic:
    """The API shape of a schedule, with its words and (when active) next run times: the next five
    of a repeating schedule, the one time of a one-off that has not run yet."""
    once = row.run_at is not None
    runs: list[datetime] = []
    if row.is_active and row.next_run_at is not None:
        if once:
            runs = [_in_zone(row.run_at, row.timezone)]
        else:
            runs = list(_upcoming(row.cron, row.timezone, row.next_run_at))
    return SchedulePublic(
        id=row.id,
        graph_id=row.graph_id,
        graph_version=row.graph_version,
        name=row.name,
        kind="once" if once else "cron",
        cron=row.cron,
        run_at=row.run_at,
        timezone=row.timezone,
        description=oncelib.describe(row.run_at, row.timezone) if once else _words(row.cron),
        inputs=dict(row.inputs or {}),
        credentials=dict(row.credentials or {}),
        is_active=row.is_active,
        next_run_at=row.next_run_at,
        next_runs=runs,
        last_run_at=row.last_run_at,
        last_execution_id=row.last_execution_id,
        last_status=row.last_status,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def has_run(row: Schedule | SchedulePublic) -> bool:
    """Whether a one-off schedule is done: it fired (or was missed) at or after its time."""
    return (
        row.run_at is not None and not row.is_active and row.last_run_at is not None and row.last_run_at >= row.run_at
    )


def describe_cron(cron: str, timezone: str = "UTC", *, count: int = NEXT_RUNS_SHOWN) -> CronPreview:
    """The words and next run times of a cron expression, for the schedule form (writes nothing).

    Raises:
        InvalidInput: ``invalid_cron`` or ``invalid_timezone``.
    """
    expr = cronlib.validate_cron(cron)
    zone = cronlib.validate_timezone(timezone)
    return CronPreview(
        cron=expr, timezone=zone, description=_words(expr), next_runs=cronlib.next_runs(expr, zone, count)
    )


def describe_once(run_at: datetime, timezone: str = "UTC") -> OncePreview:
    """A time to run once, checked, in words and on the schedule's clock (for the form; writes nothing).

    Raises:
        InvalidInput: ``invalid_run_at`` or ``invalid_timezone``.
    """
    zone = cronlib.validate_timezone(timezone)
    moment = oncelib.resolve(run_at, zone, now=utcnow())
    return OncePreview(
        run_at=moment,
        timezone=zone,
        description=oncelib.describe(moment, zone),
        next_runs=[_in_zone(moment, zone)],
    )
