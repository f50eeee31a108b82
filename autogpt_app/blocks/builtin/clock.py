"""Clock blocks: the current time, the current date (with a day offset) and a countdown timer.

They keep AutoGPT's ids and pins (``GetCurrentTimeBlock``, ``GetCurrentDateBlock``,
``CountdownTimerBlock``) and read both shapes its exports carry: the older ``format`` text and the
newer ``format_type`` object with its own time zone. The date-and-time block lives in ``time.py``.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._time_helpers import TimeInputError, read_time_format, resolve_zone, strftime_checked
from autogpt_app.blocks.builtin.time import MAX_DELAY_SECONDS
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockError, BlockExample, BlockInput, BlockOutput, RunContext
from autogpt_app.settings import get_settings

_ADVANCED = {"advanced": True}
_FORMAT_TYPE_HELP = (
    "AutoGPT-style format object ({'discriminator': 'strftime' or 'iso8601', 'format', 'timezone'}); "
    "overrides format and timezone when given"
)
#: A countdown repeats at most this many times.
MAX_REPEATS = 100


def _is_now(text: str) -> bool:
    """Whether ``text`` (HH:MM:SS, UTC) is within a minute of the clock, across midnight too."""
    try:
        then = datetime.strptime(text, "%H:%M:%S")
    except ValueError:
        return False
    now = datetime.now(UTC)
    gap = abs((now.hour * 3600 + now.minute * 60 + now.second) - (then.hour * 3600 + then.minute * 60 + then.second))
    return min(gap, 86_400 - gap) < 60


def _days_ago(days: date) -> int:
    return (datetime.now().date() - days).days


def _date_days_ago(text: str, fmt: str, expected: int) -> bool:
    """Whether ``text`` is the date ``expected`` days back (a day of slack for a run across midnight)."""
    try:
        return abs(_days_ago(datetime.strptime(text, fmt).date()) - expected) <= 1
    except ValueError:
        return False


class GetCurrentTimeBlock(Block):
    """Outputs the time of day right now, formatted, in a chosen time zone."""

    id = "a892b8d9-3e4e-4e9c-9c1e-75f8efcf1bfa"
    name = "Current time"
    autogpt_name = "GetCurrentTimeBlock"
    description = "Gives the time of day right now (like 14:05:09), in the time zone you choose."
    categories = (BlockCategory.TIME,)

    class Input(BlockInput):
        trigger: str = Field(default="", description="Anything arriving here makes the block give the time")
        format: str = Field(default="%H:%M:%S", description="How to write it (strftime codes: %H hours, %M minutes)")
        timezone: str = Field(default="UTC", description="IANA time zone, e.g. 'Europe/Berlin' or 'UTC'")
        format_type: dict[str, Any] | None = Field(
            default=None, description=_FORMAT_TYPE_HELP, json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        time: str = Field(description="The current time, formatted")

    examples = (
        BlockExample(input={"trigger": "go"}, output=[("time", _is_now)]),
        BlockExample(
            input={"trigger": "go", "format_type": {"discriminator": "iso8601", "timezone": "Asia/Kolkata"}},
            output=[("time", lambda t: t.startswith("T") and t.endswith("+05:30") and len(t) == 15)],
            description="ISO 8601 time with its offset, as AutoGPT writes it",
        ),
        BlockExample(
            input={"trigger": "go", "format_type": {"discriminator": "strftime", "format": "%H:%M"}},
            output=[("time", lambda t: len(t) == 5 and t[2] == ":")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        spec = read_time_format(input.format_type, input.format, input.timezone)
        spec.note_zone(context)
        try:
            now = datetime.now(await resolve_zone(spec.zone))
            if spec.iso:
                # The time part of the full ISO form, offset included (a zone's offset needs the date).
                full = now.isoformat(timespec="microseconds" if spec.microseconds else "seconds")
                text = "T" + full.split("T", 1)[1]
            else:
                text = strftime_checked(now, spec.pattern)
        except TimeInputError as exc:
            yield "error", str(exc)
            return
        yield "time", text


class GetCurrentDateBlock(Block):
    """Outputs today's date (or a date some days back), formatted, in a chosen time zone."""

    id = "b29c1b50-5d0e-4d9f-8f9d-1b0e6fcbf0b1"
    name = "Current date"
    autogpt_name = "GetCurrentDateBlock"
    description = "Gives today's date, or the date a number of days ago, written the way you choose."
    categories = (BlockCategory.TIME,)

    class Input(BlockInput):
        trigger: str = Field(default="", description="Anything arriving here makes the block give the date")
        offset: int | str = Field(
            default=0, description="How many days back to go (7: a week ago; -1: tomorrow). 0 is today"
        )
        format: str = Field(
            default="%Y-%m-%d", description="How to write it (strftime codes: %Y year, %m month, %d day)"
        )
        timezone: str = Field(default="UTC", description="IANA time zone deciding which day it is, e.g. 'Asia/Tokyo'")
        format_type: dict[str, Any] | None = Field(
            default=None, description=_FORMAT_TYPE_HELP, json_schema_extra=_ADVANCED
        )

    class Output(BlockOutput):
        date: str = Field(description="The date, formatted")

    examples = (
        BlockExample(input={"trigger": "go"}, output=[("date", lambda t: _date_days_ago(t, "%Y-%m-%d", 0))]),
        BlockExample(
            input={"trigger": "go", "offset": "7", "format": "%m/%d/%Y"},
            output=[("date", lambda t: _date_days_ago(t, "%m/%d/%Y", 7))],
            description="a week ago; the offset may be written as text",
        ),
        BlockExample(
            input={"trigger": "go", "offset": -1, "format_type": {"discriminator": "iso8601", "timezone": "UTC"}},
            output=[("date", lambda t: _date_days_ago(t, "%Y-%m-%d", -1))],
            description="tomorrow, ISO 8601",
        ),
        BlockExample(
            input={"offset": "last week"},
            output=[("error", "The offset 'last week' is not a whole number of days.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            offset = int(str(input.offset).strip() or 0)
        except ValueError:
            yield "error", f"The offset {input.offset!r} is not a whole number of days."
            return
        spec = read_time_format(input.format_type, input.format, input.timezone)
        spec.note_zone(context)
        try:
            day = datetime.now(await resolve_zone(spec.zone)) - timedelta(days=offset)
            text = day.date().isoformat() if spec.iso else strftime_checked(day, spec.pattern)
        except TimeInputError as exc:
            yield "error", str(exc)
            return
        except OverflowError:
            yield "error", f"An offset of {offset} days goes beyond the calendar."
            return
        yield "date", text


def _amount(value: int | float | str, unit: str) -> float:
    """A duration part given as a number or as text; refuses anything else readably."""
    try:
        amount = float(str(value).strip() or 0)
    except ValueError:
        raise BlockError(f"The {unit} {value!r} is not a number.") from None
    if not math.isfinite(amount) or amount < 0:
        raise BlockError(f"The {unit} must be 0 or more, not {value!r}.")
    return amount


class CountdownTimerBlock(Block):
    """Waits a duration, then outputs its message; can repeat."""

    id = "d67a9c52-5e4e-11e2-bcfd-0800200c9a71"
    name = "Countdown timer"
    autogpt_name = "CountdownTimerBlock"
    description = (
        "Waits for a while (days, hours, minutes, seconds), then sends its message on; can repeat. "
        "All the waiting together may last at most MAX_DELAY_SECONDS (15 minutes unless the administrator "
        "changed it; never more than an hour). Use a schedule for longer waits."
    )
    categories = (BlockCategory.TIME, BlockCategory.BASIC)
    timeout_seconds = MAX_DELAY_SECONDS + 60

    class Input(BlockInput):
        input_message: Any = Field(default="timer finished", description="The message to send when the time is up")
        seconds: int | float | str = Field(default=0, description="Seconds to wait")
        minutes: int | float | str = Field(default=0, description="Minutes to wait")
        hours: int | float | str = Field(default=0, description="Hours to wait")
        days: int | float | str = Field(default=0, description="Days to wait")
        repeat: int = Field(
            default=1,
            ge=1,
            le=MAX_REPEATS,
            description="How many times to wait and send the message",
            json_schema_extra=_ADVANCED,
        )

    class Output(BlockOutput):
        output_message: Any = Field(description="The message, each time the wait is over")

    examples = (
        BlockExample(input={"seconds": 0.01}, output=[("output_message", "timer finished")]),
        BlockExample(
            input={"input_message": {"step": "next"}, "seconds": "0", "repeat": 2},
            output=[("output_message", {"step": "next"}), ("output_message", {"step": "next"})],
            description="repeated twice with no wait",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        wait = (
            _amount(input.seconds, "seconds")
            + _amount(input.minutes, "minutes") * 60
            + _amount(input.hours, "hours") * 3600
            + _amount(input.days, "days") * 86_400
        )
        # A long wait holds a worker: this deployment's Delay limit applies to all the waiting together.
        limit = get_settings().max_delay_seconds
        if wait * input.repeat > limit:
            raise BlockError(
                f"A Countdown timer waits at most {limit:g} seconds in all here (MAX_DELAY_SECONDS); "
                f"this one asked for {wait * input.repeat:g}. Use a schedule for longer waits."
            )
        for _ in range(input.repeat):
            if wait > 0:
                await asyncio.sleep(wait)  # cancelling the task (a stop) ends the wait at once
            yield "output_message", input.input_message
