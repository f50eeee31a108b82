"""What the offline copilot reads in a sentence: schedules, time zones, ordinals, inputs, queries, names.

Pure functions over text, no I/O. Each one answers a narrow question ("which cron does *every weekday
at 8am* mean?", "which input is *rate 5%* for?") so the planner in
:mod:`autogpt_app.chat.providers.offline` stays a readable list of decisions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling.cron import validate_cron, validate_timezone

__all__ = [
    "BOUNDARY_RE",
    "ScheduleRequest",
    "coerce_value",
    "extract_query",
    "find_ordinal",
    "match_field",
    "name_score",
    "normalize",
    "parse_assignments",
    "parse_schedule",
    "parse_timezone",
    "split_creator",
    "strip_target",
    "words",
]

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def normalize(text: str) -> str:
    """The text with typographic quotes and dashes made plain and runs of spaces collapsed."""
    return " ".join(str(text or "").translate(_QUOTES).split())


def words(text: str) -> list[str]:
    """The lower-case words (letters and digits) of ``text``."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _squash(text: str) -> str:
    """Lower case, letters and digits only: ``'Ledger Lane'`` and ``'ledger-lane'`` compare equal."""
    return "".join(words(text))


# ---------------------------------------------------------------------------------------------
# Ordinals ("the second one", "#3", "number 2", "the last one")
# ---------------------------------------------------------------------------------------------

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
}
_ORDINAL_RE = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b(?!\s+(?:run|time|schedule)s?\b)")
_NUMBERED_RE = re.compile(r"(?:#\s*|\b(?:number|no\.?|nr\.?|option|card|agent|result)\s*#?\s*)([1-9])\b")
_LAST_RE = re.compile(r"\b(?:the\s+)?(?:last|bottom)\s+(?:one|agent|option|card|result)\b")
_TOP_RE = re.compile(r"\bthe\s+top\s+(?:one|agent|option|result)\b")
_BARE_NUMBER_RE = re.compile(r"^\s*(?:the\s+)?([1-9])\s*[.!)]?\s*$")


def find_ordinal(text: str) -> int | None:
    """The position a sentence points at in a list: 1-based, ``-1`` for the last one, ``None`` if none."""
    lowered = normalize(text).lower()
    match = _NUMBERED_RE.search(lowered)
    if match:
        return int(match.group(1))
    match = _ORDINAL_RE.search(lowered)
    if match:
        return _ORDINALS[match.group(1)]
    if _LAST_RE.search(lowered):
        return -1
    if _TOP_RE.search(lowered):
        return 1
    match = _BARE_NUMBER_RE.match(lowered)
    if match:
        return int(match.group(1))
    return None


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
    """A schedule a sentence asks for: a valid cron, or an ``error`` saying why it cannot be one."""

    cron: str | None = None
    timezone: str | None = None
    name: str | None = None
    error: str | None = None


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
    r"business\s+days|once\s+a|twice\s+a|per\s+(?:day|week|hour|month)|cron|schedule[ds]?|scheduling|"
    r"(?:day|days)\s+of\s+(?:the|each|every)\s+month|of\s+(?:each|every)\s+month|"
    r"on\s+(?:sun|mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat)(?:day)?s|"
    r"(?:sun|mon|tues|wednes|thurs|fri|satur)days)\b"
)
_EVERY_N_RE = re.compile(r"\bevery\s+(\d{1,3}|other|two|three|four|five|six|ten|fifteen|twenty|thirty)\s+([a-z]+)")
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "fifteen": 15, "twenty": 20}
_NUMBER_WORDS |= {"thirty": 30, "other": 2}
_AT_TIME_RE = re.compile(
    r"\b(?:at|@|around|by)\s+(noon|midday|midnight|(\d{1,2})(?:[:.h](\d{2}))?(?:\s*([ap])\.?\s*m\b\.?)?)"
    r"(?:\s*o'?\s*clock)?"
)
_AMPM_RE = re.compile(r"(?<![\w:./\-])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\b\.?")
_CLOCK_RE = re.compile(r"(?<![\w:./\-])(\d{1,2}):(\d{2})(?![\w:])")
_NOON_RE = re.compile(r"\b(noon|midday|midnight)\b")
_PAST_HOUR_RE = re.compile(
    r"\b(?:at\s+)?(?:(quarter|half)|(\d{1,2})\s+(?:minutes?\s+)?)\s*past(?:\s+(?:the|each|every)\s+hour)?\b"
    r"|\bat\s+:(\d{2})\b|\bat\s+minute\s+(\d{1,2})\b"
)
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


def _cron_from_words(text: str, *, forced: bool) -> str | None:
    """Build a cron expression from a lower-case sentence (``None`` when it names no schedule)."""
    every = _EVERY_N_RE.search(text)
    if every:
        token = every.group(1)
        count = _NUMBER_WORDS[token] if token in _NUMBER_WORDS else int(token)
        unit = every.group(2)
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
                return f"{_minute_past_hour(text)} */{count} * * {_days_of_week(text) or '*'}"
        if unit.startswith("day"):
            hour, minute = _time_of_day(text, None) or (9, 0)
            return f"{minute} {hour} */{count} * *" if count > 1 else f"{minute} {hour} * * *"
        if unit.startswith(("week", "month", "year")):
            raise _ScheduleError(
                f"Cron cannot repeat every {count} {unit}; try a weekly day (“every Monday at 9”) or a day of the "
                "month (“on the 1st of every month at 9”)."
            )
    if re.search(r"\bevery\s+minute\b", text):
        return "* * * * *"
    if re.search(r"\b(?:every|each|once\s+an|per)\s+hour\b|\bhourly\b", text):
        return f"{_minute_past_hour(text)} * * * {_days_of_week(text) or '*'}"
    part_match = _PART_RE.search(text)
    part = part_match.group(1) if part_match else None
    part = {"nightly": "night", "tonight": "night"}.get(part or "", part)
    clock = _time_of_day(text, part)
    if clock is None and part:
        clock = (_PART_OF_DAY[part], 0)
    hour, minute = clock or (9, 0)
    days = _days_of_week(text)
    if re.search(r"\blast\s+day\s+of\s+(?:the|each|every)\s+month\b", text):
        return f"{minute} {hour} L * *"
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
    """The recurring schedule a sentence asks for, or ``None`` when it asks for none.

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
    cron: str | None = None
    error: str | None = None
    raw = _RAW_CRON_RE.search(lowered) or _MACRO_RE.search(lowered)
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
    if cron is None and error is None:
        return None
    timezone = parse_timezone(plain)
    if timezone:
        try:
            timezone = validate_timezone(timezone)
        except InvalidInput:
            timezone = None
    return ScheduleRequest(cron=cron, timezone=timezone, name=name, error=error)


#: Where a schedule, a time zone or the inputs start inside "run X every day at 9 in Paris with topic=AI".
BOUNDARY_RE = re.compile(
    r"\s*(?:[,;(]"
    r"|\b(?:every|each|daily|hourly|weekly|monthly|yearly|nightly|with|using|where|whose|so\s+that|for\s+me|please|"
    r"now|right\s+now|again|once|twice|starting|from\s+now)\b"
    r"|\bon\s+(?:week\w*|the\s+\d+|(?:sun|mon|tue|wed|thu|fri|sat)\w*)\b"
    r"|\bfor\s+(?=(?:every|each|daily|hourly|weekly|monthly|weekdays?|weekends?)\b)"
    r"|\bat\s+(?:\d|noon\b|midnight\b|:)"
    r"|\bin\s+[A-Za-z_]+/"
    r"|(?<![\w*/,\-])(?:[0-9*][0-9*/,\-]*\s+){4}"
    r"|@\w+)",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------------------------
# Agent names ("the Loan Calculator", "datasmith's keyword extractor", "loan-calculator")
# ---------------------------------------------------------------------------------------------

_LEADING_ARTICLES_RE = re.compile(r"^(?:(?:the|a|an|my|your|this|that|our)\s+)+", re.IGNORECASE)
_TRAILING_NOUNS_RE = re.compile(r"\s+(?:agent|bot|tool|one|app|workflow)s?$", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"^(?P<creator>[\w\-&.]+(?:\s+[\w\-&.]+)?)'s\s+(?P<name>.+)$", re.IGNORECASE)
_BY_RE = re.compile(r"^(?P<name>.+?)\s+(?:by|from|made\s+by|created\s+by)\s+(?P<creator>[\w\-&. ]+)$", re.IGNORECASE)


def strip_target(text: str) -> str:
    """An agent name as said, without quotes, articles or a trailing "agent": "the Loan Calculator agent"."""
    name = normalize(text).strip(" \"'`?!.:")
    name = BOUNDARY_RE.split(name, maxsplit=1)[0] if name else name
    name = _LEADING_ARTICLES_RE.sub("", name.strip(" \"'`?!.:"))
    name = _TRAILING_NOUNS_RE.sub("", name)
    return name.strip(" \"'`?!.:")


def split_creator(text: str) -> tuple[str, str | None]:
    """(name, creator) from "datasmith's keyword extractor" or "keyword extractor by datasmith"."""
    name = strip_target(text)
    match = _POSSESSIVE_RE.match(name)
    if match:
        return strip_target(match.group("name")), match.group("creator")
    match = _BY_RE.match(name)
    if match and match.group("name").strip():
        return strip_target(match.group("name")), match.group("creator").strip()
    return name, None


def name_score(said: str, name: str, *ids: str) -> float:
    """How well what a person said names an agent (0–1): exact name or id 1, contained words 0.9, else fuzzy."""
    said_key = _squash(said)
    if not said_key:
        return 0.0
    if said_key == _squash(name) or any(said_key == _squash(i) for i in ids if i):
        return 1.0
    said_words = set(words(said)) - {"the", "a", "an", "agent"}
    name_words = set(words(name))
    if said_words and said_words <= name_words:
        return 0.9
    if name_words and name_words <= said_words:
        return 0.85
    return difflib.SequenceMatcher(None, said_key, _squash(name)).ratio()


# ---------------------------------------------------------------------------------------------
# Search queries ("find me something that summarises RSS feeds" → "summarises RSS feeds")
# ---------------------------------------------------------------------------------------------

_QUERY_FILLERS = [
    r"please",
    r"hey",
    r"hi",
    r"hello",
    r"ok(?:ay)?",
    r"so",
    r"now",
    r"also",
    r"and",
    r"then",
    r"(?:can|could|would|will)\s+you(?:\s+please)?",
    r"(?:can|could)\s+i\s+(?:get|have|find)",
    r"i\s+(?:need|want|would\s+like|'d\s+like|am\s+looking\s+for|'m\s+looking\s+for)",
    r"i'?m\s+looking\s+for",
    r"looking\s+for",
    r"help\s+me(?:\s+(?:find|to\s+find|to))?",
    r"search(?:\s+(?:for|the\s+marketplace\s+for|the\s+store\s+for))?",
    r"find(?:\s+me)?",
    r"look(?:\s+(?:for|up))?",
    r"lookup",
    r"show(?:\s+me)?",
    r"get(?:\s+me)?",
    r"give\s+me",
    r"list",
    r"browse",
    r"discover",
    r"recommend(?:\s+me)?",
    r"suggest",
    r"do\s+you\s+(?:have|know|know\s+of)",
    r"have\s+you\s+got",
    r"is\s+there",
    r"are\s+there",
    r"what\s+(?:agents?|tools?)\s+(?:are\s+there|do\s+you\s+have|exist|can\s+i\s+use)",
    r"which\s+(?:agents?|tools?)",
    r"any",
    r"some",
    r"an?",
    r"the",
    r"me",
    r"(?:good|great|useful|nice|simple)",
    r"agents?",
    r"something",
    r"anything",
    r"tools?",
    r"ones?",
    r"bots?",
    r"automations?",
    r"workflows?",
    r"(?:in|on|from)\s+the\s+(?:marketplace|store)",
    r"(?:out\s+)?there",
    r"available",
    r"that|which|who",
    r"(?:can|could|will|would)(?:\s+help(?:\s+me)?)?",
    r"helps?(?:\s+me)?",
    r"(?:is\s+)?able\s+to",
    r"capable\s+of",
    r"i\s+can\s+use\s+to",
    r"to|for|about|with|on",
]
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_QUERY_PREFIX_RE = re.compile(r"^(?:" + "|".join(_QUERY_FILLERS) + r")\b[\s,:]*", re.IGNORECASE)
_QUERY_SUFFIX_RE = re.compile(
    r"[\s,]*(?:\bplease|\bfor\s+me|\b(?:in|on|from)\s+the\s+(?:marketplace|store)|\bagents?|[?.!]+)$", re.IGNORECASE
)


def extract_query(text: str) -> str:
    """The words worth searching for in a request ("is there an agent for loan payments" → "loan payments")."""
    query = _URL_RE.sub(" ", normalize(text)).strip()  # an address is an input, not a search term
    query = " ".join(query.split())
    for _ in range(40):
        stripped = _QUERY_PREFIX_RE.sub("", query, count=1)
        stripped = _QUERY_SUFFIX_RE.sub("", stripped)
        if stripped == query:
            break
        query = stripped.strip()
    return query.strip(" \"'`")


# ---------------------------------------------------------------------------------------------
# Inputs ("the topic is AI", "topic=AI, words=300", "amount: 20000 and rate 5%")
# ---------------------------------------------------------------------------------------------

_KEY = r"[A-Za-z_][\w\-]*(?:\s+[A-Za-z_][\w\-]*){0,3}?"
_EXPLICIT_RE = re.compile(
    r"^(?:(?:the|my|a|an|set|use|with|using)\s+)*(?P<key>" + _KEY + r")\s*(?:=|:(?!//))\s*(?P<val>.+)$"
)
_IS_RE = re.compile(
    r"^(?:(?:the|my|our|your)\s+)?(?P<key>" + _KEY + r")\s+"
    r"(?:is|are|should\s+be|will\s+be|would\s+be|must\s+be|equals)\s+(?P<val>.+)$",
    re.IGNORECASE,
)
_SET_RE = re.compile(
    r"^(?:set|change|make|put|use)\s+(?:the\s+|my\s+)?(?P<key>" + _KEY + r")\s+(?:to|=|as|at)\s+(?P<val>.+)$",
    re.IGNORECASE,
)
_PLAIN_RE = re.compile(r"^(?:(?:the|with|using|a|an)\s+)?(?P<key>" + _KEY + r")\s+(?P<val>\S.*)$", re.IGNORECASE)
# A comma separates clauses, except the thousands comma of a number ("12,000").
_SEPARATOR_RE = re.compile(r"(\s*(?:[;\n]|(?<!\d),|,(?!\d{3}(?!\d)))\s*|\s+and\s+|\s*&\s*)", re.IGNORECASE)
_CLAUSE_LEAD_RE = re.compile(r"^(?:(?:with|using|where|and|also|plus|then|ok|okay|so)\s+)+", re.IGNORECASE)
_QUOTED_RE = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_NOT_KEYS = frozenset(
    [
        "it",
        "this",
        "that",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "there",
        "here",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "run",
        "agent",
        "schedule",
        "find",
        "search",
        "show",
        "tell",
    ]
)


def _fields_by_alias(fields: list[dict[str, Any]]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for field in fields:
        name = str(field.get("name") or "")
        if not name:
            continue
        title = str(field.get("title") or "")
        for alias in (name, name.replace("_", " "), title, re.sub(r"\(.*?\)", "", title)):
            key = _squash(alias)
            if key:
                aliases.setdefault(key, name)
    return aliases


def match_field(key: str, fields: list[dict[str, Any]]) -> str | None:
    """The input name a person's word for it points to ("rate" → ``annual_rate``), or ``None``."""
    aliases = _fields_by_alias(fields)
    squashed = _squash(key)
    if not squashed:
        return None
    if squashed in aliases:
        return aliases[squashed]
    key_words = set(words(key))
    candidates = []
    for field in fields:
        name = str(field.get("name") or "")
        field_words = set(words(name.replace("_", " "))) | set(words(re.sub(r"\(.*?\)", "", str(field.get("title")))))
        if key_words and key_words <= field_words:
            candidates.append(name)
    if len(candidates) == 1:
        return candidates[0]
    close = difflib.get_close_matches(squashed, list(aliases), n=1, cutoff=0.8)
    return aliases[close[0]] if close else None


_NUMBER_RE = re.compile(
    r"^[\s$€£¥~≈]*(?P<num>[+-]?\d[\d,_']*(?:\.\d+)?|[+-]?\.\d+)\s*"
    r"(?P<mult>k|m|thousand|million|bn|billion)?\s*"
    r"(?:%|percent|per\s*cent|years?|yrs?|months?|days?|hours?|minutes?|words?|items?|dollars?|euros?|pounds?|"
    r"usd|eur|gbp|kg|cm|m|km|lbs?|€|\$|£)?\.?\s*$",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_TRUE = frozenset(["true", "yes", "y", "on", "1", "enabled", "enable", "checked"])
_FALSE = frozenset(["false", "no", "n", "off", "0", "disabled", "disable", "unchecked", "none"])


def coerce_value(value: str, field: dict[str, Any] | None) -> Any:
    """A typed value for ``field`` from what a person typed ("20k" → 20000, "yes" → True, "5%" → 5)."""
    text = value.strip().strip("\"'`").strip()
    kind = str((field or {}).get("type") or "string")
    options = [str(o) for o in ((field or {}).get("options") or (field or {}).get("enum") or [])]
    if options:
        for option in options:
            if option.lower() == text.lower():
                return option
        close = difflib.get_close_matches(text.lower(), [o.lower() for o in options], n=1, cutoff=0.75)
        if close:
            return next(o for o in options if o.lower() == close[0])
    if kind in ("number", "integer"):
        match = _NUMBER_RE.match(text)
        if match:
            number = float(match.group("num").replace(",", "").replace("_", "").replace("'", ""))
            number *= _MULTIPLIERS.get((match.group("mult") or "").lower(), 1)
            if kind == "integer" or number.is_integer():
                return int(number)
            return number
        return text
    if kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if kind == "array":
        return [part.strip() for part in text.split(",") if part.strip()]
    if field is None:
        # No schema to go by: a number ("300", "20k", "5%", not the code "02134") is most likely meant as one.
        match = _NUMBER_RE.match(text)
        if match and not re.match(r"^[+-]?0\d", match.group("num")):
            number = float(match.group("num").replace(",", "").replace("_", "").replace("'", ""))
            number *= _MULTIPLIERS.get((match.group("mult") or "").lower(), 1)
            return int(number) if number.is_integer() else number
    return text


def _protect_quotes(text: str) -> tuple[str, list[str]]:
    saved: list[str] = []

    def keep(match: re.Match[str]) -> str:
        saved.append(match.group(1) if match.group(1) is not None else match.group(2))
        return f"\x00{len(saved) - 1}\x00"

    return _QUOTED_RE.sub(keep, text), saved


def _restore(text: str, saved: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], text)


def _snake(key: str) -> str:
    return re.sub(r"\W+", "_", key.strip().lower()).strip("_")


def _clause_pair(clause: str, fields: list[dict[str, Any]] | None, loose: bool) -> tuple[str, str] | None:
    clause = _CLAUSE_LEAD_RE.sub("", clause)
    for pattern in (_EXPLICIT_RE, _SET_RE, _IS_RE):
        match = pattern.match(clause)
        if match:
            key = match.group("key").strip()
            if key.lower().split()[0] in _NOT_KEYS:
                continue
            # "key = value" / "key: value" is explicit enough to keep a key the known fields lack (the
            # inputs card lists only the missing inputs); the looser forms must name a known input.
            if fields is not None and pattern is not _EXPLICIT_RE and match_field(key, fields) is None:
                continue
            return key, match.group("val").strip()
    if fields:
        # "rate 5%", "topic AI": only for words that name an input of this agent.
        parts = clause.split()
        for size in range(min(4, len(parts) - 1), 0, -1):
            key = " ".join(parts[:size])
            key = _LEADING_ARTICLES_RE.sub("", key) if size > 1 else key
            if key.lower() in ("the", "a", "an"):
                continue
            if match_field(key, fields) is not None:
                return key, " ".join(parts[size:])
    elif loose:
        # After "with": "with amount 20000" gives inputs even before the agent's fields are known.
        match = _PLAIN_RE.match(clause)
        if match and match.group("key").lower().split()[0] not in _NOT_KEYS:
            return match.group("key"), match.group("val")
    return None


def parse_assignments(
    text: str, fields: list[dict[str, Any]] | None = None, *, loose: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """The inputs a sentence gives: ``({input name: typed value}, [clauses that gave none])``.

    With ``fields`` (the agent's inputs) keys are mapped to input names and values typed; an explicit
    ``key=value`` naming none of them is kept as given (snake_case). Without fields only explicit
    forms count (``key=value``, ``key: value``, ``the key is value``) unless ``loose`` (the text
    followed "with", so "amount 20000" is an input too).
    """
    protected, saved = _protect_quotes(normalize(text).strip(" .!?"))
    pieces = _SEPARATOR_RE.split(protected)
    values: dict[str, str] = {}
    order: list[str] = []
    leftovers: list[str] = []
    last_key: str | None = None
    by_name = {str(f.get("name")): f for f in (fields or [])}
    for index in range(0, len(pieces), 2):
        clause = pieces[index].strip()
        separator = pieces[index - 1] if index else ""
        if not clause:
            continue
        pair = _clause_pair(clause, fields, loose)
        if pair is None:
            if last_key is not None and str(by_name.get(last_key, {}).get("type") or "string") == "string":
                # "topic = cats and dogs": a clause without a key continues the previous (text) value.
                values[last_key] += separator + clause
            else:
                leftovers.append(_restore(clause, saved))
            continue
        key, value = pair
        name = (match_field(key, fields) if fields is not None else None) or _snake(key)
        if not name:
            continue
        if name not in values:
            order.append(name)
        values[name] = value
        last_key = name
    typed = {name: coerce_value(_restore(values[name], saved), by_name.get(name)) for name in order}
    return typed, leftovers
