"""Date and time blocks: the current date and time, formatting, differences, time-zone conversion, delays.

``GetCurrentDateAndTimeBlock`` keeps AutoGPT's id and pins (including its ``format_type`` object),
so its agent exports import. The current time and date alone and the countdown are in ``clock.py``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from autogpt_app.blocks.builtin._time_helpers import (
    TimeInputError,
    is_recent,
    parse_iso,
    read_time_format,
    resolve_zone,
    strftime_checked,
)
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockError, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.settings import get_settings

MAX_DELAY_SECONDS = 3600


# ---------------------------------------------------------------------------------------------
# Current date and time (AutoGPT's GetCurrentDateAndTimeBlock)
# ---------------------------------------------------------------------------------------------


class GetCurrentDateAndTimeBlock(Block):
    """Outputs the current date and time, formatted, in a chosen time zone."""

    id = "716a67b3-6760-42e7-86dc-18645c6e00fc"
    name = "Current date and time"
    autogpt_name = "GetCurrentDateAndTimeBlock"
    description = "Gives the date and time right now, written the way you choose, in the time zone you choose."
    categories = (BlockCategory.TIME,)

    class Input(BlockInput):
        trigger: str = Field(default="", description="Anything arriving here makes the block give the current time")
        format: str = Field(
            default="%Y-%m-%d %H:%M:%S",
            description="How to write it (strftime codes: %Y year, %m month, %d day, %H:%M:%S time)",
        )
        timezone: str = Field(default="UTC", description="IANA time zone, e.g. 'Europe/Berlin' or 'UTC'")
        format_type: dict[str, Any] | None = Field(
            default=None,
            description="AutoGPT-style format object ({'discriminator': 'strftime'|'iso8601', 'format', "
            "'timezone', 'include_microseconds'}); overrides format and timezone when given",
        )

    class Output(BlockOutput):
        date_time: str = Field(description="The current date and time, formatted")

    examples = (
        BlockExample(input={"trigger": "go"}, output=[("date_time", is_recent)]),
        BlockExample(
            input={"trigger": "go", "format": "%Y-%m-%dT%H:%M:%S%z", "timezone": "Asia/Kolkata"},
            output=[("date_time", lambda t: t.endswith("+0530") and len(t) == 24)],
        ),
        BlockExample(
            input={"trigger": "go", "format_type": {"discriminator": "iso8601", "timezone": "UTC"}},
            output=[("date_time", lambda t: t.endswith("+00:00") and is_recent(t, "%Y-%m-%dT%H:%M:%S+00:00"))],
            description="AutoGPT's ISO 8601 format object",
        ),
        BlockExample(
            input={"trigger": "go", "timezone": "Mars/Olympus"},
            output=[("error", lambda e: e.startswith("Unknown time zone 'Mars/Olympus'."))],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        spec = read_time_format(input.format_type, input.format, input.timezone)
        spec.note_zone(context)
        try:
            now = datetime.now(await resolve_zone(spec.zone))
            if spec.iso:
                text = now.isoformat(timespec="microseconds" if spec.microseconds else "seconds")
            else:
                text = strftime_checked(now, spec.pattern)
        except TimeInputError as exc:
            yield "error", str(exc)
            return
        yield "date_time", text


# ---------------------------------------------------------------------------------------------
# Format a date
# ---------------------------------------------------------------------------------------------


class FormatDateBlock(Block):
    """Rewrites an ISO 8601 date or date-time in a human format, optionally in another time zone."""

    id = "8b6765e6-f31a-4697-9388-dbb62e421cbd"
    name = "Format date"
    description = "Writes a date like '2025-03-19' in the style you want, such as '19 March 2025'."
    categories = (BlockCategory.TIME, BlockCategory.TEXT)

    class Input(BlockInput):
        date: str = Field(description="The date or date-time in ISO 8601, e.g. '2025-03-19' or '2025-03-19T14:30Z'")
        format: str = Field(
            default="%d %B %Y", description="How to write it (strftime codes: %d day, %B month name, %Y year, %H:%M)"
        )
        timezone: str = Field(
            default="",
            description="IANA time zone to show it in; a date without an offset is taken to be in this zone. "
            "Empty: keep the date as given",
        )

    class Output(BlockOutput):
        formatted: str = Field(description="The date, formatted")

    examples = (
        BlockExample(input={"date": "2025-03-19"}, output=[("formatted", "19 March 2025")]),
        BlockExample(
            input={"date": "2025-03-19T23:30:00Z", "format": "%A %d %B %Y, %H:%M", "timezone": "Asia/Tokyo"},
            output=[("formatted", "Thursday 20 March 2025, 08:30")],
            description="shown in another time zone",
        ),
        BlockExample(
            input={"date": "next Tuesday"},
            output=[
                (
                    "error",
                    "Date 'next Tuesday' is not an ISO 8601 date; write it like '2025-03-19' or "
                    "'2025-03-19T14:30:00+01:00'.",
                )
            ],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            moment = parse_iso(input.date)
            if input.timezone.strip():
                zone = await resolve_zone(input.timezone)
                moment = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
            text = strftime_checked(moment, input.format)
        except TimeInputError as exc:
            yield "error", str(exc)
            return
        yield "formatted", text


# ---------------------------------------------------------------------------------------------
# Date difference
# ---------------------------------------------------------------------------------------------

_UNIT_SECONDS = {"weeks": 604_800, "days": 86_400, "hours": 3_600, "minutes": 60, "seconds": 1}


def describe_duration(delta: timedelta) -> str:
    """'3 days, 4 hours' style description of a duration (whole seconds; 'minus …' when negative)."""
    total = round(abs(delta.total_seconds()))
    parts = []
    for unit in ("days", "hours", "minutes", "seconds"):
        amount, total = divmod(total, _UNIT_SECONDS[unit])
        if amount:
            parts.append(f"{amount} {unit[:-1] if amount == 1 else unit}")
    text = ", ".join(parts) or "0 seconds"
    return f"minus {text}" if delta < timedelta(0) and parts else text


class DateDifferenceBlock(Block):
    """Measures the time between two dates or date-times."""

    id = "97540f13-4f4d-4d7a-aabb-4864569efbfa"
    name = "Date difference"
    description = "Tells how much time lies between two dates, as a number (in days, hours…) and in words."
    categories = (BlockCategory.TIME,)

    class Input(BlockInput):
        start: str = Field(description="The earlier date or date-time, ISO 8601 (e.g. '2025-01-01')")
        end: str = Field(description="The later date or date-time, ISO 8601 (e.g. '2025-01-04T04:00')")
        unit: Literal["days", "hours", "minutes", "seconds", "weeks"] = Field(
            default="days", description="Unit of the number: days, hours, minutes, seconds or weeks"
        )

    class Output(BlockOutput):
        difference: float = Field(description="End minus start in the chosen unit (negative if end is earlier)")
        human: str = Field(description="The difference in words, e.g. '3 days, 4 hours'")

    examples = (
        BlockExample(
            input={"start": "2025-01-01", "end": "2025-01-04T04:00", "unit": "hours"},
            output=[("difference", 76.0), ("human", "3 days, 4 hours")],
        ),
        BlockExample(
            input={"start": "2025-03-01T12:00:00+01:00", "end": "2025-03-01T10:30:00Z", "unit": "minutes"},
            output=[("difference", -30.0), ("human", "minus 30 minutes")],
            description="offsets are taken into account; a date-time without one counts as UTC",
        ),
        BlockExample(
            input={"start": "2025-02-30", "end": "2025-03-01"},
            output=[
                (
                    "error",
                    "Start '2025-02-30' is not an ISO 8601 date; write it like '2025-03-19' or "
                    "'2025-03-19T14:30:00+01:00'.",
                )
            ],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            start, end = parse_iso(input.start, "start"), parse_iso(input.end, "end")
        except TimeInputError as exc:
            yield "error", str(exc)
            return
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        delta = end - start
        yield "difference", delta.total_seconds() / _UNIT_SECONDS[input.unit]
        yield "human", describe_duration(delta)


# ---------------------------------------------------------------------------------------------
# Time-zone conversion
# ---------------------------------------------------------------------------------------------


class ConvertTimezoneBlock(Block):
    """Converts a date-time from one time zone to another, daylight-saving time included."""

    id = "7e59af5d-1938-4d2f-960d-9291377c2cf8"
    name = "Convert time zone"
    description = "Tells what time it is in another time zone at a given moment, e.g. 9:00 in London in Tokyo."
    categories = (BlockCategory.TIME,)

    class Input(BlockInput):
        date_time: str = Field(description="The date-time, ISO 8601, e.g. '2025-03-30T01:30' or '…+02:00'")
        from_timezone: str = Field(
            default="UTC", description="IANA zone the date-time is in, used when it carries no offset of its own"
        )
        to_timezone: str = Field(description="IANA zone to convert to, e.g. 'Europe/Berlin'")

    class Output(BlockOutput):
        converted: str = Field(description="The same moment in the target zone, ISO 8601 with its offset")

    examples = (
        BlockExample(
            input={"date_time": "2025-07-01T12:00", "from_timezone": "Europe/London", "to_timezone": "Asia/Tokyo"},
            output=[("converted", "2025-07-01T20:00:00+09:00")],
        ),
        BlockExample(
            input={"date_time": "2025-01-15T09:00:00-05:00", "to_timezone": "europe/paris"},
            output=[("converted", "2025-01-15T15:00:00+01:00")],
            description="an offset in the input wins over from_timezone; zone names forgive letter case",
        ),
        BlockExample(
            input={"date_time": "2025-01-15T09:00", "to_timezone": "Europe/Berln"},
            output=[("error", lambda e: "Did you mean 'Europe/Berlin'" in e and "IANA name" in e)],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            moment = parse_iso(input.date_time, "date-time")
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=await resolve_zone(input.from_timezone))
            converted = moment.astimezone(await resolve_zone(input.to_timezone))
        except TimeInputError as exc:
            yield "error", str(exc)
            return
        except OverflowError:
            yield "error", "That date-time is outside the range of dates that can be converted."
            return
        timespec = "microseconds" if converted.microsecond else "seconds"
        yield "converted", converted.isoformat(timespec=timespec)


# ---------------------------------------------------------------------------------------------
# Delay
# ---------------------------------------------------------------------------------------------


class DelayBlock(Block):
    """Waits a number of seconds, then passes its data on unchanged."""

    id = "4b1ce3f6-94c5-4116-a3a5-0be4a586927d"
    name = "Delay"
    description = (
        "Waits for a number of seconds, then passes the data on unchanged. The longest wait is set by "
        "the administrator (MAX_DELAY_SECONDS, 15 minutes unless changed; never more than an hour)."
    )
    categories = (BlockCategory.TIME, BlockCategory.BASIC)
    timeout_seconds = MAX_DELAY_SECONDS + 60

    class Input(BlockInput):
        seconds: float = Field(ge=0, le=MAX_DELAY_SECONDS, description="How long to wait, 0 to 3600 seconds")
        data: Any = Field(default=None, description="The data to pass on after the wait")

    class Output(BlockOutput):
        data: Any = Field(description="The data, after the wait")

    examples = (
        BlockExample(input={"seconds": 0.01, "data": {"order": 42}}, output=[("data", {"order": 42})]),
        BlockExample(input={"seconds": 0}, output=[("data", None)], description="no wait and no data"),
    )

    async def run(self, input: Input, context: RunContext):
        # A long wait holds a worker thread: this deployment's limit keeps one person's delays short.
        limit = get_settings().max_delay_seconds
        if input.seconds > limit:
            raise BlockError(
                f"A Delay step waits at most {limit:g} seconds here (MAX_DELAY_SECONDS); "
                f"this one asked for {input.seconds:g}. Use a schedule for longer waits."
            )
        if input.seconds > 0:
            await asyncio.sleep(input.seconds)  # cancelling the task ends the wait at once
        yield "data", input.data
