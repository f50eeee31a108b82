"""Cron expressions and time zones: validation a person understands, presets, words, next run times.

Five fields, in the schedule's own time zone: ``minute hour day-of-month month day-of-week``
(croniter semantics: day-of-month and day-of-week match when either does). Macros such as
``@daily`` are accepted and stored as their five fields.

Daylight saving time, for every zone:

* **gap** (the clock jumps, e.g. 02:00 → 03:00): an occurrence whose wall time does not exist that
  day fires once, at the first valid time after it (a 02:30 daily schedule fires at 03:00);
* **overlap** (the clock falls back, e.g. 03:00 → 02:00): a schedule with a fixed hour fires once,
  at the first of the two moments with that wall time. A schedule whose hour field is ``*`` keeps
  running on real time (hourly stays hourly), as classic cron does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cron_descriptor import ExpressionDescriptor, Options
from croniter import CroniterBadDateError, CroniterError, croniter

from autogpt_app.errors import InvalidInput

__all__ = [
    "FIELDS",
    "daily_at",
    "describe",
    "from_preset",
    "hourly",
    "next_run",
    "next_runs",
    "validate_cron",
    "validate_timezone",
    "weekdays_at",
    "weekly_on",
]

MAX_CRON_CHARS = 200
MAX_TIMEZONE_CHARS = 64
MAX_NEXT_RUNS = 50

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

#: (name, lowest, highest, names allowed as values)
FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day-of-month", 1, 31, {}),
    (
        "month",
        1,
        12,
        {m: i + 1 for i, m in enumerate(_MONTHS)},
    ),
    ("day-of-week", 0, 7, {d: i for i, d in enumerate(_WEEKDAYS)}),
)
_FIELD_LIST = "minute hour day-of-month month day-of-week"

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

_ITEM = re.compile(r"^(?P<range>\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(?P<step>[^/]*))?$")
# Extensions croniter understands: last day of the month (L), n-th weekday of the month (5#3 = third Friday).
_SPECIAL = {"day-of-month": re.compile(r"^l$"), "day-of-week": re.compile(r"^([0-7]|[a-z]{3})#[1-5]$")}

_NEVER = re.compile(r"(?!)")


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_cron")


def _value(token: str, field: tuple[str, int, int, dict[str, int]]) -> int:
    name, low, high, names = field
    if token in names:
        return names[token]
    if not token.isdigit():
        kinds = " or a name like 'mon'" if name == "day-of-week" else " or a name like 'jan'" if names else ""
        raise _bad(f"{name} must be a number{kinds}, not '{token}'.")
    number = int(token)
    if not low <= number <= high:
        shown = f"{low}–6 (0 or 7 is Sunday)" if name == "day-of-week" else f"{low}–{high}"
        raise _bad(f"{name} must be {shown}, not {number}.")
    return number


def _check_field(text: str, field: tuple[str, int, int, dict[str, int]]) -> str:
    """Validate one field; return it with the 'L' extension in upper case (as cron-descriptor reads it)."""
    name, _low, high, _names = field
    items = text.split(",")
    for item in items:
        if not item:
            raise _bad(f"{name} has an empty entry in its list (check the commas).")
        special = _SPECIAL.get(name)
        if special and special.match(item):
            continue
        match = _ITEM.match(item)
        if not match:
            raise _bad(f"{name} '{item}' is not valid: use a number, a range a-b, a list a,b, or a step */n.")
        part, step = match.group("range"), match.group("step")
        if part != "*":
            for token in part.split("-"):
                _value(token, field)
        if step is not None:
            if not step.isdigit() or int(step) < 1:
                raise _bad(f"{name} step must be a whole number of at least 1, not '{step}'.")
            if int(step) > high:
                raise _bad(f"{name} step must be at most {high}, not {step}.")
    return ",".join(item.replace("l", "L") if _SPECIAL.get(name, _NEVER).match(item) else item for item in items)


def validate_cron(expr: str) -> str:
    """Check a cron expression and return it normalised (single spaces, macros expanded).

    Raises:
        InvalidInput: ``invalid_cron`` with a message naming the field and its allowed values.
    """
    return _validate_cron(str(expr or ""))


@lru_cache(maxsize=4096)
def _validate_cron(expr: str) -> str:  # pure: cached (errors are not cached, they are raised)
    text = " ".join(expr.split()).lower()
    if not text:
        raise _bad(f"Enter a cron expression: 5 fields, {_FIELD_LIST}, e.g. '0 8 * * 1-5'.")
    if len(text) > MAX_CRON_CHARS:
        raise _bad(f"A cron expression is at most {MAX_CRON_CHARS} characters.")
    if text.startswith("@"):
        if text not in MACROS:
            raise _bad(f"Unknown shortcut '{text}'; use one of {', '.join(MACROS)}.")
        text = MACROS[text]
    parts = text.split(" ")
    if len(parts) != 5:
        raise _bad(f"Expected 5 fields: {_FIELD_LIST} (got {len(parts)}).")
    text = " ".join(_check_field(part, field) for part, field in zip(parts, FIELDS, strict=True))
    if not croniter.is_valid(text):
        raise _bad(f"'{expr}' is not a cron expression this scheduler understands.")
    try:
        croniter(text, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterBadDateError:
        raise _bad("This schedule would never run (no such date, e.g. 30 February).") from None
    except CroniterError as exc:
        raise _bad(f"'{expr}' is not valid: {exc}.") from None
    return text


def validate_timezone(name: str) -> str:
    """Return the IANA time zone name ``name`` (e.g. ``Europe/Berlin``) if it exists.

    Raises:
        InvalidInput: ``invalid_timezone`` for an empty or unknown name.
    """
    return _validate_timezone(str(name or ""))


@lru_cache(maxsize=1024)
def _validate_timezone(name: str) -> str:
    text = name.strip()
    if not text:
        raise InvalidInput("Choose a time zone, e.g. 'Europe/Berlin' or 'UTC'.", code="invalid_timezone")
    if len(text) > MAX_TIMEZONE_CHARS or text.startswith(("/", ".")) or ".." in text or "\\" in text:
        raise InvalidInput(f"Unknown time zone '{text[:MAX_TIMEZONE_CHARS]}'.", code="invalid_timezone")
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(
            f"Unknown time zone '{text}'; use an IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.",
            code="invalid_timezone",
        ) from None
    return text


def _time(hour: int, minute: int) -> tuple[int, int]:
    if not (isinstance(hour, int) and 0 <= hour <= 23):
        raise _bad(f"hour must be 0–23, not {hour}.")
    if not (isinstance(minute, int) and 0 <= minute <= 59):
        raise _bad(f"minute must be 0–59, not {minute}.")
    return hour, minute


def hourly(minute: int = 0) -> str:
    """Every hour at ``minute`` past."""
    _time(0, minute)
    return f"{minute} * * * *"


def daily_at(hour: int, minute: int = 0) -> str:
    """Every day at ``hour:minute``."""
    hour, minute = _time(hour, minute)
    return f"{minute} {hour} * * *"


def weekdays_at(hour: int, minute: int = 0) -> str:
    """Monday through Friday at ``hour:minute``."""
    hour, minute = _time(hour, minute)
    return f"{minute} {hour} * * 1-5"


def weekly_on(day_of_week: int | str, hour: int, minute: int = 0) -> str:
    """Once a week on ``day_of_week`` (0 or 7 = Sunday … 6 = Saturday, or 'mon'…) at ``hour:minute``."""
    hour, minute = _time(hour, minute)
    day = str(day_of_week).strip().lower()[:3]
    if day in _WEEKDAYS:
        number = _WEEKDAYS.index(day)
    elif day.isdigit() and 0 <= int(day) <= 7:
        number = int(day) % 7
    else:
        raise _bad(f"day-of-week must be 0–6 (0 or 7 is Sunday) or a name like 'mon', not '{day_of_week}'.")
    return f"{minute} {hour} * * {number}"


def describe(expr: str) -> str:
    """The schedule in words, 24-hour clock: ``'0 8 * * 1-5'`` → ``'At 08:00, Monday through Friday'``."""
    text = validate_cron(expr)
    options = Options()
    options.use_24hour_time_format = True
    options.verbose = False
    day_of_week = text.split(" ")[4]
    if "#" in day_of_week and "," in day_of_week:
        # cron-descriptor words one "n-th weekday" but not a list of them ("the  Thursday and Thursday").
        head = ExpressionDescriptor(" ".join([*text.split(" ")[:4], "*"]), options).get_description()
        return f"{head}, on the {_nth_weekdays(day_of_week)} of the month"
    try:
        return ExpressionDescriptor(text, options).get_description()
    except Exception:  # cron-descriptor is stricter than croniter on some extensions
        return f"Cron '{text}'"


_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}
_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _nth_weekdays(field: str) -> str:
    """``4#2,4#4`` → ``second and fourth Thursday`` (``second Thursday and fourth Friday`` for mixed days)."""
    items = [item.split("#") for item in field.split(",")]
    days = {_value(day, FIELDS[4]) % 7 for day, _n in items}
    if len(days) == 1:
        ordinals = [_NTH[int(n)] for _day, n in items]
        return f"{', '.join(ordinals[:-1])} and {ordinals[-1]} {_DAY_NAMES[days.pop()]}"
    words = [f"{_NTH[int(n)]} {_DAY_NAMES[_value(day, FIELDS[4]) % 7]}" for day, n in items]
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _repeats_wall_time(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether ``moment`` is the second occurrence of its wall time (the later side of a DST overlap)."""
    local = moment.astimezone(zone).replace(tzinfo=None)
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    return moment.utcoffset() == second.utcoffset() and moment.astimezone(UTC) != first.astimezone(UTC)


def next_runs(expr: str, tz: str, count: int = 5, after: datetime | None = None) -> list[datetime]:
    """The next ``count`` run times strictly after ``after`` (default: now), aware, in zone ``tz``.

    Raises:
        InvalidInput: invalid cron or time zone, or ``after`` without a time zone.
    """
    text = validate_cron(expr)
    zone = ZoneInfo(validate_timezone(tz))
    if after is None:
        after = datetime.now(UTC)
    elif after.tzinfo is None:
        raise InvalidInput("'after' must carry a time zone.", code="invalid_time")
    count = max(0, min(int(count), MAX_NEXT_RUNS))
    fixed_hour = text.split(" ")[1] != "*"
    iterator = croniter(text, after.astimezone(zone))
    runs: list[datetime] = []
    last: datetime | None = None
    guard = 0
    while len(runs) < count:
        guard += 1
        if guard > count * 10 + 1000:
            break
        try:
            moment = iterator.get_next(datetime)
        except CroniterBadDateError:
            break
        moment = moment.astimezone(zone)
        if fixed_hour and _repeats_wall_time(moment, zone):
            continue
        # Compare in UTC: datetimes sharing a tzinfo compare by wall time, ignoring ``fold``.
        instant = moment.astimezone(UTC)
        if last is not None and instant <= last:
            continue
        last = instant
        if instant > after:
            runs.append(moment)
    return runs


def next_run(expr: str, tz: str, after: datetime) -> datetime | None:
    """The first run time strictly after ``after``, in UTC (None if the expression never runs again)."""
    runs = next_runs(expr, tz, 1, after)
    return runs[0].astimezone(UTC) if runs else None


PRESETS = ("hourly", "daily", "weekdays", "weekly")


def from_preset(kind: str, *, hour: int = 0, minute: int = 0, day_of_week: int | str = 1) -> str:
    """The cron expression of a preset: ``hourly`` (at ``minute``), ``daily``, ``weekdays``, ``weekly``.

    Raises:
        InvalidInput: unknown preset, or a time or day out of range.
    """
    if kind == "hourly":
        return hourly(minute)
    if kind == "daily":
        return daily_at(hour, minute)
    if kind == "weekdays":
        return weekdays_at(hour, minute)
    if kind == "weekly":
        return weekly_on(day_of_week, hour, minute)
    raise _bad(f"Unknown preset '{kind}'; use one of {', '.join(PRESETS)}.")
