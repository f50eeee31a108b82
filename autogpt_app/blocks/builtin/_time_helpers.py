"""Shared helpers of the date and time blocks: time zones, ISO 8601 dates, strftime formats, AutoGPT's
``format_type`` object. Time zones are IANA names resolved with ``zoneinfo``.
"""

from __future__ import annotations

import asyncio
import difflib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from autogpt_app.blocks.sdk import RunContext

MAX_FORMAT_LENGTH = 500


class TimeInputError(ValueError):
    """Bad date, time zone or format given by the person; the message is shown as is."""


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Every IANA zone name known here, by its lower-case spelling (reads the zone database once)."""
    return {name.lower(): name for name in available_timezones()}


def _zone_error(name: str, names: dict[str, str]) -> TimeInputError:
    close = difflib.get_close_matches(name.lower(), list(names), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(names[c]) for c in close)}?" if close else ""
    return TimeInputError(
        f"Unknown time zone {name!r}.{hint} Write it as an IANA name, Area/City with underscores for spaces, "
        "e.g. 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata' or 'UTC'."
    )


async def resolve_zone(name: str) -> tzinfo:
    """Return the time zone called ``name`` (IANA; letter case is forgiven).

    Raises:
        TimeInputError: no such zone, with suggestions and how to spell one.
    """
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    names = await asyncio.to_thread(_zone_names)  # a directory scan: keep it off the event loop
    if text.lower() in names:
        return ZoneInfo(names[text.lower()])
    raise _zone_error(text, names)


def parse_iso(text: str, what: str = "date") -> datetime:
    """Parse an ISO 8601 date or date-time ('2025-03-19', '2025-03-19T14:30', '…Z', '…+02:00').

    Raises:
        TimeInputError: the text is not ISO 8601.
    """
    value = text.strip()
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise TimeInputError(
            f"{what.capitalize()} {text!r} is not an ISO 8601 date; "
            "write it like '2025-03-19' or '2025-03-19T14:30:00+01:00'."
        ) from None


def strftime_checked(moment: datetime, fmt: str) -> str:
    """Write ``moment`` with strftime codes, refusing an overlong or unusable format readably.

    Raises:
        TimeInputError: the format is too long or cannot be used.
    """
    if len(fmt) > MAX_FORMAT_LENGTH:
        raise TimeInputError(f"The format is too long (the limit is {MAX_FORMAT_LENGTH} characters).")
    try:
        return moment.strftime(fmt)
    except ValueError as exc:
        raise TimeInputError(f"The format {fmt!r} cannot be used: {exc}.") from None


@dataclass(frozen=True)
class TimeFormat:
    """How a "current time" block writes the moment: ISO 8601 or strftime codes, in which zone."""

    iso: bool
    pattern: str
    zone: str
    microseconds: bool = False
    #: AutoGPT's ``use_user_timezone``: the person's own zone is not known to blocks here.
    wants_user_zone: bool = False

    def note_zone(self, context: RunContext) -> None:
        """Tell the person, on the node run, that their own time zone could not be used."""
        if self.wants_user_zone:
            context.note(f"Your own time zone is not known to this step; the time is given in {self.zone}.")


def read_time_format(format_type: dict[str, Any] | None, pattern: str, zone: str) -> TimeFormat:
    """The format a node asks for. AutoGPT's newer ``format_type`` object ({'discriminator': 'strftime' or
    'iso8601', 'format', 'timezone', 'include_microseconds'}) wins over the older ``format``/``timezone`` pins."""
    if not format_type:
        return TimeFormat(iso=False, pattern=pattern, zone=zone)
    return TimeFormat(
        iso=format_type.get("discriminator") == "iso8601",
        pattern=str(format_type.get("format") or pattern),
        zone=str(format_type.get("timezone") or zone),
        microseconds=bool(format_type.get("include_microseconds")),
        wants_user_zone=bool(format_type.get("use_user_timezone")),
    )


def is_recent(text: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> bool:
    """Whether ``text`` (written with ``fmt``, read as UTC) is within a minute of now; for examples."""
    try:
        moment = datetime.strptime(text, fmt).replace(tzinfo=UTC)
    except ValueError:
        return False
    return abs(datetime.now(UTC) - moment) < timedelta(seconds=60)
