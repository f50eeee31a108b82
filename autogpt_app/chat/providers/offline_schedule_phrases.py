"""What the offline copilot reads in a schedule request: a cron expression and a time zone.

Pure functions over text, no I/O: ``parse_schedule("every weekday at 8am in Europe/Paris")`` gives
``ScheduleRequest(cron="0 8 * * 1-5", timezone="Europe/Paris")``, or an ``error`` saying in plain
words why the phrase cannot be a cron schedule ("every 7 minutes", "at 25:00").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

from autogpt_app.chat.providers.offline_phrases import normalize
from autogpt_app.chat.providers.offline_watch_phrases import WatchRequest, find_watch
from autogpt_app.chat.when import find_time
from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling.cron import validate_cron, validate_timezone

__all__ = ["ScheduleRequest", "parse_schedule", "parse_timezone"]


# ---------------------------------------------------------------------------------------------
# Time zones ("in Europe/Paris", "Paris time", "UTC", "EST")
# ---------------------------------------------------------------------------------------------

_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
_ZONE_ALIASES = {
    "utc": "UTC",
    "gmt": "UTC",
    "zulu": "UTC",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "bst": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "uk": "Europe/London",
    "britain": "Europe/London",
    "england": "Europe/London",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "spain": "Europe/Madrid",
    "italy": "Europe/Rome",
    "netherlands": "Europe/Amsterdam",
    "india": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    "china": "Asia/Shanghai",
    "brazil": "America/Sao_Paulo",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "miami": "America/New_York",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "beijing": "Asia/Shanghai",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
}
_IANA_RE = re.compile(r"\b([A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+)\b")
_PLACE = r"([A-Za-z][A-Za-z_\-]*(?:\s+[A-Za-z][A-Za-z_\-]*){0,2})"
_IN_PLACE_RE = re.compile(r"\b(?:in|for|using|on)\s+" + _PLACE)
_PLACE_TIME_RE = re.compile(_PLACE + r"\s+(?:time|timezone|time\s+zone|hours)\b", re.IGNORECASE)
_ABBREVIATION_RE = re.compile(r"\b(" + "|".join(k for k in _ZONE_ALIASES if len(k) <= 4) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _zones() -> tuple[dict[str, str], dict[str, str]]:
    """(lower-case IANA name → name, lower-case city → IANA name), built once from the system's zones."""
    by_name: dict[str, str] = {}
    by_city: dict[str, str] = {}
    for name in sorted(available_timezones()):
        by_name[name.lower()] = name
        region, _, city = name.rpartition("/")
        if region.split("/")[0] in _REGIONS:
            by_city.setdefault(city.replace("_", " ").lower(), name)
    by_name["utc"] = "UTC"
    return by_name, by_city


def _zone_for_place(place: str) -> str | None:
    """The zone of a city or alias, trying the last 3, 2, then 1 words of ``place``."""
    _by_name, by_city = _zones()
    parts = place.lower().replace("-", " ").split()
    for size in (3, 2, 1):
        if len(parts) < size:
            continue
        key = " ".join(parts[-size:])
        zone = _ZONE_ALIASES.get(key) or by_city.get(key)
        if zone:
            return zone
    return None


def parse_timezone(text: str) -> str | None:
    """The IANA time zone a sentence names: ``Europe/Paris``, ``Paris time``, ``in Tokyo``, ``UTC``, ``EST``."""
    text = normalize(text)
    by_name, _by_city = _zones()
    for match in _IANA_RE.finditer(text):
        zone = by_name.get(match.group(1).lower())
        if zone:
            return zone
    for match in _PLACE_TIME_RE.finditer(text):
        zone = _zone_for_place(match.group(1))
        if zone:
            return zone
    for match in _IN_PLACE_RE.finditer(text):
        # "in Paris" names a place only when it is the place's name (not "in the morning").
        candidate = match.group(1).split()
        for size in range(len(candidate), 0, -1):
            zone = _zone_for_place(" ".join(candidate[:size]))
            if zone:
                return zone
    match = _ABBREVIATION_RE.search(text)
    if match:
        return _ZONE_ALIASES[match.group(1).lower()]
    return None


# ---------------------------------------------------------------------------------------------
# Schedules ("every weekday at 8am", "every 15 minutes", "0 8 * * 1-5")
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRequest:
    """A schedule a sentence asks for: a valid cron, a one-off time (``run_at``: the person's words,
    read by the tool in their time zone), an ``error`` saying why it cannot be a cron, or a
    ``question`` to ask because the time is not exact ("next week", "Friday morning")."""

    cron: str | None = None
    timezone: str | None = None
    name: str | None = None
    error: str | None = None
    run_at: str | None = None
    question: str | None = None
    #: A feed or page to watch instead of a time ("whenever a new post appears on https://…").
    watch: WatchRequest | None = None


_DAYS = {
    "sun": 0,
    "mon": 1,
    "tue": 2,
    "wed": 3,
    "thu": 4,
    "fri": 5,
    "sat": 6,
}
_DAY = r"(sun(?:day)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?)s?"
_DAY_RE = re.compile(r"\b" + _DAY + r"\b")
_DAY_RANGE_RE = re.compile(r"\b" + _DAY + r"\s*(?:-|to|through|thru|until|till)\s*" + _DAY + r"\b")
_CRON_TOKEN = r"[0-9*][0-9*/,\-]*"
_RAW_CRON_RE = re.compile(
    r"(?<![\w*/,\-])((?:" + _CRON_TOKEN + r"\s+){4}[0-9*a-z?][0-9a-z*/,\-#?]*)(?![\w*/,\-])", re.IGNORECASE
)
_MACRO_RE = re.compile(r"(?<!\w)(@(?:yearly|annually|monthly|weekly|daily|midnight|hourly))\b", re.IGNORECASE)
_CUE_RE = re.compile(
    r"\b(?:every|each|daily|hourly|weekly|monthly|yearly|annually|nightly|weekdays|weekends|workdays|"
    r"business\s+days|once\s+a|twice\s+a|(?:three|four)\s+times\s+a|per\s+(?:day|week|hour|month)|cron|"
    r"schedule[ds]?|scheduling|bi-?weekly|fortnightly|"
    r"(?:day|days)\s+of\s+(?:the|each|every)\s+month|of\s+(?:the|each|every)\s+month|"
    r"on\s+(?:sun|mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat)(?:day)?s|"
    r"(?:sun|mon|tues|wednes|thurs|fri|satur)days)\b"
)
_EVERY_N_RE = re.compile(
    r"\bevery\s+(\d{1,3}|other|second|2nd|alternate|two|three|four|five|six|ten|fifteen|twenty|thirty)\s+([a-z]+)"
)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "fifteen": 15, "twenty": 20}
_NUMBER_WORDS |= {"thirty": 30, "other": 2, "second": 2, "2nd": 2, "alternate": 2}
_AT_TIME_RE = re.compile(
    r"\b(?:at|@|around|by)\s+(noon|midday|midnight|(\d{1,2})(?:[:.h](\d{2}))?(?:\s*([ap])\.?\s*m\b\.?)?)"
    r"(?:\s*o'?\s*clock)?"
    # "at 4%", "at 6 percent", "by 5 years": a value, not a time.
    r"(?!\d|\s*(?:%|percent|per\s*cent|pct|years?|months?|kg|km|dollars?|euros?|times?)\b|%)"
)
_AMPM_RE = re.compile(r"(?<![\w:./\-])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\b\.?")
_CLOCK_RE = re.compile(r"(?<![\w:./\-])(\d{1,2}):(\d{2})(?![\w:])")
_NOON_RE = re.compile(r"\b(noon|midday|midnight)\b")
_PAST_HOUR_RE = re.compile(
    r"\b(?:at\s+)?(?:(quarter|half)|(\d{1,2})\s+(?:minutes?\s+)?)\s*past(?:\s+(?:the|each|every)\s+hour)?\b"
    r"|\bat\s+:(\d{2})\b|\bat\s+minute\s+(\d{1,2})\b"
)
_DOM_LIST_RE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?(?:\s*(?:,|and|&)\s*(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?)+\b")
_DOM_RE = re.compile(
    r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?(?:\s+of\s+(?:the|each|every)\s+month)?\b"
    r"|\b(\d{1,2})(?:st|nd|rd|th)\s+of\s+(?:the|each|every)\s+month\b"
)
_NAME_RE = re.compile(r"\b(?:call(?:ed)?|name(?:d)?)\s+(?:it\s+|the\s+schedule\s+)?\"([^\"]+)\"|\bas\s+\"([^\"]+)\"")
#: The hour a part of the day means when no time is given.
_PART_OF_DAY = {"morning": 8, "afternoon": 14, "evening": 18, "night": 21}
_PART_RE = re.compile(r"\b(morning|afternoon|evening|night|nightly|tonight)s?\b")
_EVEN_MINUTES = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)
_EVEN_HOURS = (1, 2, 3, 4, 6, 8, 12)


class _ScheduleError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _clock(hour: int, minute: int, meridiem: str | None, part: str | None) -> tuple[int, int]:
    if meridiem and not 1 <= hour <= 12:
        raise _ScheduleError(f"{hour}{meridiem}m is not a time; use 1–12 with am/pm, or 0–23 (e.g. 20:30).")
    if hour > 23 or minute > 59:
        raise _ScheduleError(f"{hour}:{minute:02d} is not a time of day; use e.g. 8am, 8:30 or 20:15.")
    if meridiem == "a":
        hour = 0 if hour == 12 else hour
    elif meridiem == "p":
        hour = 12 if hour == 12 else hour + 12
    elif (part in ("afternoon", "evening") and hour < 12) or (part == "night" and 5 <= hour < 12):
        hour += 12
    return hour, minute


def _time_of_day(text: str, part: str | None) -> tuple[int, int] | None:
    """The (hour, minute) a schedule sentence names, or ``None``."""
    match = _AT_TIME_RE.search(text)
    if match:
        word = match.group(1)
        if word in ("noon", "midday"):
            return 12, 0
        if word == "midnight":
            return 0, 0
        return _clock(int(match.group(2)), int(match.group(3) or 0), match.group(4), part)
    match = _AMPM_RE.search(text)
    if match:
        return _clock(int(match.group(1)), int(match.group(2) or 0), match.group(3), part)
    match = _CLOCK_RE.search(text)
    if match:
        return _clock(int(match.group(1)), int(match.group(2)), None, part)
    match = _NOON_RE.search(text)
    if match:
        return (0, 0) if match.group(1) == "midnight" else (12, 0)
    return None


def _more_hours(text: str, part: str | None, hour: int, minute: int) -> int | str:
    """ "at 9am and 6pm": the hour field of every time named (``9,18``); one time stays as it was."""
    hours = {hour}
    for match in _AMPM_RE.finditer(text):
        extra_hour, extra_minute = _clock(int(match.group(1)), int(match.group(2) or 0), match.group(3), part)
        if extra_minute != minute:
            raise _ScheduleError(
                "One schedule runs at the same minute of each hour it names; for 9:00 and 17:30 make two schedules."
            )
        hours.add(extra_hour)
    for match in _CLOCK_RE.finditer(text):
        extra_hour, extra_minute = _clock(int(match.group(1)), int(match.group(2)), None, part)
        if extra_minute != minute:
            raise _ScheduleError(
                "One schedule runs at the same minute of each hour it names; for 9:00 and 17:30 make two schedules."
            )
        hours.add(extra_hour)
    return hour if len(hours) == 1 else ",".join(str(h) for h in sorted(hours))


def _day_number(token: str) -> int:
    return _DAYS[token[:3]]


def _days_of_week(text: str) -> str | None:
    """The day-of-week cron field a sentence names (``'1-5'``, ``'1,3'``, ``'0,6'``), or ``None``."""
    if re.search(r"\b(?:week\s*days?|work\s*days?|working\s+days?|business\s+days?)\b", text):
        return "1-5"
    if re.search(r"\bweek\s*ends?\b", text):
        return "0,6"
    numbers: list[int] = []
    rest = text
    for match in _DAY_RANGE_RE.finditer(text):
        start, end = _day_number(match.group(1)), _day_number(match.group(2))
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
        numbers.extend(span)
        rest = rest.replace(match.group(0), " ")
    numbers.extend(_day_number(m.group(1)) for m in _DAY_RE.finditer(rest))
    if not numbers:
        return None
    unique = sorted(set(numbers))
    if unique == [1, 2, 3, 4, 5]:
        return "1-5"
    if len(unique) == 7:
        return "*"
    return ",".join(str(n) for n in unique)


def _minute_past_hour(text: str) -> int:
    match = _PAST_HOUR_RE.search(text)
    if not match:
        return 0
    quarter, minutes, colon, at_minute = match.groups()
    if quarter:
        return 15 if quarter == "quarter" else 30
    value = int(minutes or colon or at_minute)
    if value > 59:
        raise _ScheduleError(f"An hour has 60 minutes; {value} past the hour is not a time.")
    return value


_EXCEPT_RE = re.compile(
    r"\b(?:except(?:\s+for)?|but\s+not|apart\s+from|excluding|other\s+than|not\s+on|aside\s+from|save\s+for|"
    r"skip(?:ping)?|without)\s+(?P<what>.+?)(?=\s+(?:at|@|from|between|in|starting)\b|[,;.]|$)"
)
#: Words that ask for a repetition (not merely mention schedules).
_REPEATS_RE = re.compile(
    r"\b(?:every|each|daily|hourly|weekly|monthly|yearly|annually|nightly|once\s+a|twice\s+a|times\s+a|per\s+(?:day|"
    r"week|hour|month))\b"
)
_BOUND_RE = re.compile(
    r"\b(?:starting|beginning|from\s+(?:tomorrow|today|next|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"until|till|through\s+(?:the\s+)?(?:end|next)|for\s+(?:a|one|two|three|\d+)\s+(?:days?|weeks?|months?|years?)|"
    r"(?:only\s+)?this\s+(?:week|month)|ending)\b.*",
)
_ORDINAL_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDINAL = r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)"
_NTH_DAY_RE = re.compile(
    rf"\b{_ORDINAL}(?:\s*(?:,|and|&)\s*{_ORDINAL})?\s+{_DAY}(?:\s+(?:of|in)\s+(?:the|each|every|a)\s+month)?\b"
)
_WINDOW_RE = re.compile(
    r"\b(?:between|from)\s+(\d{1,2})(?::00)?\s*([ap])?\.?m?\.?\s*(?:and|to|until|till|-)\s*(\d{1,2})(?::00)?\s*([ap])?\.?m?\b"
)


def _hour_window(text: str, default: str, step: int = 1) -> str:
    """The hour field of "between 9 and 17" / "from 9am to 5pm" (``9-17``, ``9-17/2``), else ``default``."""
    window = _WINDOW_RE.search(text)
    if not window:
        return default if step == 1 else f"*/{step}"
    start, end = _hour(window.group(1), window.group(2)), _hour(window.group(3), window.group(4))
    if end <= start:
        raise _ScheduleError("The window must end after it starts (e.g. “between 9 and 17”).")
    return f"{start}-{end}" + (f"/{step}" if step > 1 else "")


def _hour(value: str, meridiem: str | None) -> int:
    hour = int(value)
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23:
        raise _ScheduleError(f"{value} is not an hour of the day; use 0–23, or 1–12 with am/pm.")
    return hour


def _expand_days(field: str) -> set[int]:
    days: set[int] = set()
    for item in field.split(","):
        if item == "*":
            days.update(range(7))
        elif "-" in item:
            start, end = (int(x) % 7 for x in item.split("-"))
            days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
        else:
            days.add(int(item) % 7)
    return days


def _days_field(days: set[int]) -> str:
    ordered = sorted(days)
    if ordered == list(range(1, 6)):
        return "1-5"
    if len(ordered) == 7:
        return "*"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return ",".join(str(d) for d in ordered)


def _take_exception(text: str) -> tuple[str, set[int]]:
    """The sentence without its exception ("except Wednesdays"), and the days it leaves out.

    An exception cron cannot say (holidays, a date, "when it rains") is refused, never dropped.
    """
    match = _EXCEPT_RE.search(text)
    if not match:
        return text, set()
    what = match.group("what").strip()
    days = _days_of_week(what)
    leftover = re.sub(rf"{_DAY}|\b(?:on|and|or|the|&|week\s*ends?|weekdays?)\b|[,\s]", "", what)
    if days is None or leftover:
        raise _ScheduleError(
            f"A cron schedule can leave out days of the week, not “{what}”. Say the days it should run on "
            "(e.g. “every weekday except Friday at 9”), or pause the schedule when it should not run."
        )
    return text.replace(match.group(0), " "), _expand_days(days)


def _cron_from_words(text: str, *, forced: bool) -> str | None:
    """Build a cron expression from a lower-case sentence (``None`` when it names no schedule).

    Everything the sentence says must be in the cron: an exception it cannot express, a repetition
    cron has no counter for ("every other week", "every 3 days") or a window it would ignore is an
    error that names the closest exact choices, never a silent approximation.
    """
    text, excluded = _take_exception(text)
    bound = _BOUND_RE.search(text)
    if bound:
        raise _ScheduleError(
            f"A schedule here repeats until you pause or delete it; it cannot start or stop by itself "
            f"(“{bound.group(0).strip()}”). Create it now (without that part) and pause or delete it on the Schedules "
            "page when it should stop, or ask for one run at a time (“run it tomorrow at 9am”)."
        )
    cron = _nth_weekday_cron(text) or _cron_body(text, forced=forced)
    if cron is None or not excluded:
        return cron
    minute, hour, dom, month, dow = cron.split(" ")
    if "#" in dow:
        raise _ScheduleError("A day of the month's weekday (“first Monday”) cannot also leave out days.")
    kept = _expand_days(dow) - excluded
    if not kept:
        raise _ScheduleError("That leaves no day to run on.")
    return " ".join((minute, hour, dom, month, _days_field(kept)))


def _nth_weekday_cron(text: str) -> str | None:
    """ "the first Monday of the month at 9" → ``0 9 * * 1#1``; "2nd and 4th Thursday" → ``4#2,4#4``."""
    match = _NTH_DAY_RE.search(text)
    if not match or "month" not in text:  # "every second Thursday" alone may mean every other week: not this
        return None
    first, second, day = match.group(1), match.group(2), _day_number(match.group(3))
    if "last" in (first, second) or "fifth" in (first, second) or "5th" in (first, second):
        raise _ScheduleError(
            "Cron here cannot say the last (or fifth) weekday of a month. Closest exact choices: the 4th one "
            "(“the 4th Friday of the month”) or the last day of the month (“on the last day of the month”)."
        )
    ordinals = [_ORDINAL_WORDS[first]] + ([_ORDINAL_WORDS[second]] if second else [])
    hour, minute = _time_of_day(text, None) or (9, 0)
    return f"{minute} {hour} * * " + ",".join(f"{day}#{n}" for n in ordinals)


def _cron_body(text: str, *, forced: bool) -> str | None:
    if re.search(r"\b(?:bi-?weekly|fortnightly|every\s+fortnight)\b", text):
        raise _ScheduleError(
            "Cron has no week counter, so it cannot run every other week. Closest exact choices: every week on "
            "a day (“every Friday at 9”), or given weeks of the month (“on the 2nd and 4th Friday of the month at 9”)."
        )
    every = _EVERY_N_RE.search(text)
    if every:
        token = every.group(1)
        count = _NUMBER_WORDS[token] if token in _NUMBER_WORDS else int(token)
        unit = every.group(2)
        if _DAY_RE.fullmatch(unit) or unit in ("weekday", "weekdays", "weekend", "weekends"):
            day = unit.rstrip("s").capitalize()
            raise _ScheduleError(
                f"Cron has no week counter, so it cannot run every {token} {day}. Closest exact choices: every "
                f"{day} (“every {day} at 9”), or given weeks of the month (“on the 2nd and 4th {day} of the month "
                "at 9”)."
            )
        if unit.startswith(("minute", "min")):
            if count == 60:
                return f"0 * * * {_days_of_week(text) or '*'}"
            if count not in _EVEN_MINUTES:
                raise _ScheduleError(
                    f"A cron schedule repeats minutes that divide the hour evenly; every {count} minutes is not "
                    "one. Try every 5, 10, 15, 20 or 30 minutes, or every hour."
                )
            return f"*/{count} * * * {_days_of_week(text) or '*'}"
        if unit.startswith(("hour", "hr")):
            if count == 24:
                unit = "day"
            elif count not in _EVEN_HOURS:
                raise _ScheduleError(
                    f"A cron schedule repeats hours that divide the day evenly; every {count} hours is not one. "
                    "Try every 2, 3, 4, 6, 8 or 12 hours."
                )
            else:
                hours = _hour_window(text, "*", count)
                return f"{_minute_past_hour(text)} {hours} * * {_days_of_week(text) or '*'}"
        if unit.startswith("day"):
            hour, minute = _time_of_day(text, None) or (9, 0)
            if count > 1:
                raise _ScheduleError(
                    f"Cron counts days within each month, so “every {count} days” would skip or double up at month "
                    f"ends. Closest exact choices: every day (“every day at {hour}:{minute:02d}”), given weekdays "
                    f"(“every Monday and Thursday at {hour}:{minute:02d}”), or given days of the month (“on the 1st "
                    f"and 15th of every month”)."
                )
            return f"{minute} {hour} * * *"
        if unit.startswith(("week", "month", "year")):
            raise _ScheduleError(
                f"Cron cannot repeat every {token} {unit}; try a weekly day (“every Monday at 9”) or a day of the "
                "month (“on the 1st of every month at 9”)."
            )
    if re.search(r"\bevery\s+minute\b", text):
        return "* * * * *"
    if re.search(r"\b(?:every|each|once\s+an|per)\s+hour\b|\bhourly\b", text):
        return f"{_minute_past_hour(text)} {_hour_window(text, '*')} * * {_days_of_week(text) or '*'}"
    part_match = _PART_RE.search(text)
    part = part_match.group(1) if part_match else None
    part = {"nightly": "night", "tonight": "night"}.get(part or "", part)
    clock = _time_of_day(text, part)
    if clock is None and part:
        clock = (_PART_OF_DAY[part], 0)
    hour, minute = clock or (9, 0)
    hour = _more_hours(text, part, hour, minute)
    days = _days_of_week(text)
    if re.search(r"\blast\s+day\b", text) and "month" in text:
        return f"{minute} {hour} L * *"
    listed = _DOM_LIST_RE.search(text)
    if listed and "month" in text:
        days_of_month = sorted({int(d) for d in re.findall(r"\d{1,2}", listed.group(0))})
        if not all(1 <= d <= 31 for d in days_of_month):
            raise _ScheduleError("A month has days 1–31 only.")
        return f"{minute} {hour} {','.join(str(d) for d in days_of_month)} * *"
    dom = _DOM_RE.search(text)
    if re.search(r"\b(?:monthly|every\s+month|each\s+month|once\s+a\s+month|of\s+(?:each|every)\s+month)\b", text) or (
        dom and days is None and ("month" in text or forced)
    ):
        day = int((dom.group(1) or dom.group(2)) if dom else 1)
        if not 1 <= day <= 31:
            raise _ScheduleError(f"A month has no day {day}; use 1–31 (or “the last day of the month”).")
        return f"{minute} {hour} {day} * *"
    if re.search(r"\b(?:yearly|annually|every\s+year|once\s+a\s+year)\b", text):
        return f"{minute} {hour} 1 1 *"
    if days:
        return f"{minute} {hour} * * {days}"
    if re.search(r"\b(?:weekly|every\s+week|each\s+week|once\s+a\s+week)\b", text):
        return f"{minute} {hour} * * 1"
    daily = re.search(r"\b(?:daily|every\s*day|each\s+day|once\s+a\s+day|per\s+day|nightly)\b", text)
    every_part = re.search(r"\b(?:every|each)\s+(?:morning|afternoon|evening|night)\b", text)
    if daily or every_part or (forced and clock is not None):
        return f"{minute} {hour} * * *"
    return None


def parse_schedule(text: str, *, forced: bool = False) -> ScheduleRequest | None:
    """The schedule a sentence asks for (recurring, or once at a moment), or ``None`` when it asks for none.

    Understands raw cron (``0 8 * * 1-5``, ``@daily``) and phrases: every weekday / day / Monday /
    weekend / month at a time, every N minutes or hours, hourly, with an optional time zone
    (``in Europe/Paris``, ``Paris time``) and name (``call it "Morning news"``).

    Args:
        text: the sentence.
        forced: the person said "schedule", so a bare time ("schedule it at 9") means every day.
    """
    plain = normalize(text)
    lowered = plain.lower()
    name_match = _NAME_RE.search(plain)
    name = (name_match.group(1) or name_match.group(2)).strip() if name_match else None
    if name_match:
        lowered = lowered.replace(name_match.group(0).lower(), " ")
    watch = find_watch(plain)
    if watch is not None:  # "whenever a new post appears on …": a trigger, never a time
        rest = parse_schedule(plain.lower().replace(watch.phrase, " ")) if watch.phrase else None
        if rest is not None and (rest.cron or rest.run_at or rest.question or rest.error):
            # "every morning and whenever a new post appears": doing one would drop the other
            return ScheduleRequest(
                name=name,
                error=(
                    "that asks for a time and for a feed or page to watch. I set up one at a time: say "
                    "the schedule first, then the trigger (or the other way round). Nothing has been set up yet."
                ),
            )
        return ScheduleRequest(watch=watch, question=watch.question, name=name)
    cron: str | None = None
    error: str | None = None
    raw = _RAW_CRON_RE.search(lowered) or _MACRO_RE.search(lowered)
    once = None if raw else find_time(lowered)
    if once is not None:  # a one-off moment: never a recurrence, never a run now
        return ScheduleRequest(
            run_at=None if once.question else once.phrase,
            question=once.question,
            timezone=_timezone_in(plain),
            name=name,
        )
    if raw:
        try:
            cron = validate_cron(raw.group(1))
        except InvalidInput as exc:
            error = exc.message
    elif _CUE_RE.search(lowered) or forced:
        try:
            cron = _cron_from_words(lowered, forced=forced)
        except _ScheduleError as exc:
            error = exc.message
        if cron is not None:
            try:
                cron = validate_cron(cron)
            except InvalidInput as exc:
                cron, error = None, exc.message
        elif error is None and not forced and _REPEATS_RE.search(lowered):
            # A repetition was asked for ("twice a day") but no exact cron came of it: never a run now.
            error = (
                "I can't tell exactly when that repeats. Say the days and times, e.g. “every day at 9am and 6pm”, "
                "“every weekday at 8”, “every Monday at 10:30” or “every 15 minutes”."
            )
    if cron is None and error is None:
        return None
    return ScheduleRequest(cron=cron, timezone=_timezone_in(plain), name=name, error=error)


def _timezone_in(text: str) -> str | None:
    zone = parse_timezone(text)
    if not zone:
        return None
    try:
        return validate_timezone(zone)
    except InvalidInput:
        return None
