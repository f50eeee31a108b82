"""Time helpers: every stored timestamp is timezone-aware UTC, on every engine."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A DateTime column that always returns aware UTC values (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def readable_time(iso: str, timezone: str | None = None) -> str:
    """An ISO 8601 time as "Thu 02 Jan 2025, 09:00", on the clock of ``timezone`` when it names one.

    Text that is not an ISO time comes back unchanged.
    """
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if timezone and moment.tzinfo is not None:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            moment = moment.astimezone(ZoneInfo(timezone))
    return moment.strftime("%a %d %b %Y, %H:%M")


def zone_or_utc(name: str | None) -> str:
    """``name`` if it is an IANA time zone this machine knows (``Europe/Paris``), else ``"UTC"``."""
    text = str(name or "").strip()
    if not text or len(text) > 64:
        return "UTC"
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return text


def local_time(moment: datetime | None, zone: str | None = None, *, seconds: bool = False) -> str:
    """A moment on the viewer's clock, with the zone said: ``7 Dec 2026, 14:03 CET`` (``—`` when missing).

    Args:
        moment: An aware time (a naive one is taken as UTC).
        zone: The viewer's IANA time zone; unknown or missing zones show UTC.
        seconds: Show the seconds too (``14:03:27``).
    """
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(zone_or_utc(zone)))
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{local.day} {local.strftime('%b %Y')}, {clock} {local.strftime('%Z')}"


def local_date(moment: datetime | None, zone: str | None = None) -> str:
    """The day of a moment on the viewer's clock: ``7 Dec 2026`` (``""`` when missing).

    Args:
        moment: An aware time (a naive one is taken as UTC).
        zone: The viewer's IANA time zone; unknown or missing zones show UTC.
    """
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(zone_or_utc(zone)))
    return f"{local.day} {local.strftime('%b %Y')}"


def relative_time(moment: datetime | None, zone: str | None = None, now: datetime | None = None) -> str:
    """How long ago (or how soon) a moment is, as people say it, then the local date past a week.

    ``just now``, ``1 minute ago``, ``3 minutes ago``, ``1 hour ago``, ``1 day ago``, ``4 days ago``,
    ``in 5 minutes``, ``in 2 hours``; older or later than a week: ``7 Dec 2026`` on the viewer's clock.

    Args:
        moment: An aware time (a naive one is taken as UTC); None gives ``—``.
        zone: The viewer's IANA time zone (for the date of far moments).
        now: The present (tests pass it).
    """
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = ((now or utcnow()) - moment).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        amount, unit = max(1, round(seconds / 60)), "minute"
        if amount == 60:
            amount, unit = 1, "hour"
    elif seconds < 86400:
        amount, unit = int(seconds // 3600), "hour"
    elif seconds < 7 * 86400:
        amount, unit = int(seconds // 86400), "day"
    else:
        return local_date(moment, zone)
    words = f"{amount} {unit}" + ("" if amount == 1 else "s")
    return f"in {words}" if future else f"{words} ago"
