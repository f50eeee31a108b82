"""One-off schedules: when a "run once" time is acceptable, and how it reads.

A time to run once may carry its own offset (it is converted to UTC) or be a wall-clock time
(it is read in the schedule's time zone). Daylight saving time:

* **gap** (the clock jumps, e.g. 02:00 → 03:00): a wall time inside it never happens that day and
  is refused with a message naming it — unlike a repeating schedule, a one-off was asked for at
  that exact time, so guessing another one would surprise;
* **overlap** (the clock falls back): the first of the two moments with that wall time, as for
  repeating schedules.

The time must be in the future (:data:`PAST_SLACK` of slack, for a form sent a moment ago) and at
most :data:`MAX_AHEAD` away. These are the only rules; the service, API, pages and copilot all
come here through :mod:`autogpt_app.scheduling.service`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from autogpt_app.errors import InvalidInput

__all__ = ["MAX_AHEAD", "PAST_SLACK", "describe", "local_text", "resolve"]

#: How far in the past a one-off time may be when saved (it then runs at once).
PAST_SLACK = timedelta(minutes=1)
#: How far ahead a one-off time may be.
MAX_AHEAD = timedelta(days=366)
CODE = "invalid_run_at"


def local_text(moment: datetime, timezone: str) -> str:
    """``Tue 8 Dec 2026 at 09:00`` on the clock of ``timezone``."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y} at {local:%H:%M}"


def describe(run_at: datetime, timezone: str) -> str:
    """A one-off schedule in words: ``Once, on Tue 8 Dec 2026 at 09:00 (Europe/Paris)``."""
    return f"Once, on {local_text(run_at, timezone)} ({timezone})"


def _wall_time(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y} at {moment:%H:%M}"


def to_utc(run_at: datetime, timezone: str) -> datetime:
    """``run_at`` in UTC: an aware time as it is, a naive one read on the clock of ``timezone``.

    Raises:
        InvalidInput: ``invalid_run_at`` when the wall time does not exist there (a DST gap).
    """
    if not isinstance(run_at, datetime):
        raise InvalidInput("Give the time to run once as a date and time, e.g. 2026-12-08T09:00.", code=CODE)
    if run_at.tzinfo is not None and run_at.utcoffset() is not None:
        return run_at.astimezone(UTC)
    zone = ZoneInfo(timezone)
    wall = run_at.replace(tzinfo=None)
    moment = wall.replace(tzinfo=zone, fold=0)
    # A wall time in a DST gap does not survive the round trip through UTC.
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise InvalidInput(
            f"{_wall_time(wall)} does not exist in {timezone}: the clocks skip that hour for daylight "
            "saving time. Choose another time.",
            code=CODE,
        )
    return moment.astimezone(UTC)


def resolve(run_at: datetime, timezone: str, *, now: datetime) -> datetime:
    """Check a time to run once and return it in UTC (``timezone`` must already be valid).

    Raises:
        InvalidInput: ``invalid_run_at``: a DST gap, in the past, or more than a year ahead.
    """
    moment = to_utc(run_at, timezone)
    if moment < now - PAST_SLACK:
        raise InvalidInput(
            f"{local_text(moment, timezone)} ({timezone}) has already passed; choose a time in the future.",
            code=CODE,
        )
    if moment > now + MAX_AHEAD:
        raise InvalidInput(
            f"{local_text(moment, timezone)} ({timezone}) is more than a year ahead; choose a time before "
            f"{local_text(now + MAX_AHEAD, timezone)}.",
            code=CODE,
        )
    return moment
