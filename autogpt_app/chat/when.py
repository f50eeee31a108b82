"""One-off times in a person's words: "tomorrow at 9", "at 6pm", "in 30 minutes", "Friday at 8am".

Two steps, so the copilot never acts on a guess:

* :func:`find_time` (pure, no clock) finds the words of a request that name a moment and says
  whether they are exact enough to act on. "next week", "tomorrow" (no time of day) or "Friday
  morning" are not: the copilot asks instead of picking a time.
* :func:`resolve_run_at` (the tool, which knows the person's time zone and the clock) turns those
  words, or an ISO 8601 time from a model, into one aware moment, or refuses with a readable reason
  (a time that has passed, an unknown date).

The time of day is read here (9, 9am, 9:30, 18h, noon, "um 9 Uhr", "à 9h", "a las 9"); the date
part ("tomorrow", "Friday", "Dec 12", "in 2 days", "demain", "Freitag", "mañana"…) by ``dateparser``
in English, German, French and Spanish. A bare hour from 1 to 7 with no am/pm is asked about, since
"at 5" could be either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling import once

__all__ = ["TimeRequest", "find_time", "resolve_run_at", "time_starts"]

LANGUAGES = ("en", "de", "fr", "es")

_I = re.IGNORECASE
#: Words that name a day: relative days and weekdays in the four languages.
_DAY_WORDS = (
    r"today|tonight|tomorrow|tmrw|tmr|day\s+after\s+tomorrow|this\s+(?:morning|afternoon|evening)|"
    r"heute|morgen|übermorgen|uebermorgen|aujourd'hui|demain|après-demain|apres-demain|hoy|mañana|manana|"
    r"pasado\s+mañana|pasado\s+manana|"
    r"(?:(?:this|next|coming)\s+)?(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"(?:am\s+|nächsten\s+|naechsten\s+|diesen\s+)?(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)|"
    r"(?:(?:ce|le)\s+)?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)(?:\s+prochain)?|"
    r"(?:(?:el|este|el\s+próximo|el\s+proximo)\s+)?(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo)"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|januar|februar|märz|maerz|mai|juni|juli|oktober|dezember|"
    r"janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th|\.|er|º)?"
_DATE = (
    rf"\b(?:on\s+|le\s+|am\s+|el\s+)?(?:(?:the\s+)?{_DAY_NUMBER}\s+(?:of\s+|de\s+)?(?:{_MONTHS})\b|"
    rf"(?:{_MONTHS})\s+{_DAY_NUMBER}(?!\d)|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?(?![\d/]))"
)
#: "on the 3rd", "the 15th", "le 3", "am 3.", "el 3": a day of this or next month.
_DAY_OF_MONTH = (
    r"\b(?:on\s+the|the|le|am|el)\s+(\d{1,2})(?:st|nd|rd|th|\.|er|º)?(?!\w)"
    r"(?!\s*(?:%|[:.h]\d|am\b|pm\b|(?:one|agent|option|card|result|year|month|week|day|hour|minute|time|item|"
    r"person|people|kg|km|cm|m|jahr|an|año)s?\b))"
)
_OFFSET_UNITS = (
    r"sec(?:ond)?s?|sekunden|secondes?|segundos?|min(?:ute)?s?|hours?|hrs?|days?|weeks?|minuten|stunden?|tagen?|wochen?|heures?|jours?|semaines?|"
    r"minutos?|horas?|días?|dias?|semanas?"
)
_OFFSET = (
    r"\b(?:in|dans|en)\s+(?:(?:an?|one|einer?|einem|une?|un)\s+|\d{1,3}\s*|half\s+an\s+|a\s+half\s+)"
    rf"(?:{_OFFSET_UNITS})\b"
)
_CLOCK = (
    r"(?:\b(?:at|@|around|by|um|à|a\s+las|a\s+la|vers|gegen)\s+)?"
    r"(?:\b(?P<word>noon|midday|midnight|mittag|mitternacht|midi|minuit|mediodía|mediodia|medianoche)\b|"
    r"(?<![\w:./\-])(?P<h>\d{1,2})(?:(?P<sep>[:.h])(?P<m>\d{2}))?\s*(?P<ampm>[ap])\.?\s*m\b\.?|"
    r"(?<![\w:./\-])(?P<h2>\d{1,2})(?P<sep2>[:h])(?P<m2>\d{2})?(?![\w:])|"
    r"\b(?:at|@|um|à|a\s+las|a\s+la|gegen|vers)\s+(?P<h3>\d{1,2})"
    r"(?!\s*(?:%|\d|[:.,]\d|st\b|nd\b|rd\b|th\b|percent|per\s*cent|pct|years?|months?|weeks?|days?|kg|km|cm|m\b|"
    r"dollars?|euros?|pounds?|items?|words?|times?))"
    r"(?:\s*(?:uhr|o'?\s*clock|heures?|h)\b)?)"
)
_PART_OF_DAY = (
    r"\b(?:(?:in\s+the\s+|this\s+|am\s+|le\s+|por\s+la\s+)?(?:morning|afternoon|evening|night|vormittag|nachmittag|"
    r"abend|matin|après-midi|soir|tarde|noche)s?|tonight)\b"
)
#: Words that name a time but no exact moment.
_VAGUE = (
    r"\b(?:next\s+(?:week|month|year|weekend)|this\s+(?:week|month|weekend)|later(?:\s+today)?|soon|some\s*time|"
    r"in\s+a\s+(?:bit|while|moment)|in\s+the\s+future|end\s+of\s+(?:the\s+)?(?:day|week|month)|"
    r"nächste\s+woche|naechste\s+woche|später|spaeter|la\s+semaine\s+prochaine|plus\s+tard|"
    r"(?:on|at|over)\s+the\s+weekend|when\s+(?:i|we)\b|after\s+(?:lunch|work|dinner|school)|"
    r"before\s+(?:lunch|work|dinner)|this\s+(?:morning|afternoon|evening)(?!\s+at)|"
    r"la\s+semana\s+que\s+viene|la\s+próxima\s+semana|más\s+tarde|mas\s+tarde)\b"
)
_RECURRING = re.compile(
    r"\b(?:every|each|daily|hourly|weekly|monthly|yearly|annually|nightly|week\s*days|weekends|work\s*days|"
    r"business\s+days|(?:mon|tues|wednes|thurs|fri|satur|sun)days|of\s+(?:the|each|every)\s+month|"
    r"once\s+a|twice\s+a|per\s+(?:day|week|hour|month)|jeden|jede|täglich|tous\s+les|chaque|cada|todos\s+los)\b",
    _I,
)
_DAY_RE = re.compile(rf"\b(?:{_DAY_WORDS})\b", _I)
#: Two moments offered as a choice ("9am or 10am", "today or tomorrow", "tomorrow or maybe Friday").
_A_TIME = r"(?:\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b\.?|\b\d{1,2}:\d{2}\b|\bat\s+\d{1,2}\b|\bnoon\b|\bmidnight\b)"
_CHOICE_RE = re.compile(
    rf"(?:\b(?:{_DAY_WORDS})\b|{_A_TIME})\s*,?\s+(?:or|and|&)\s+(?:maybe\s+|perhaps\s+|also\s+)?"
    rf"(?:\b(?:{_DAY_WORDS})\b|{_A_TIME}|\b\d{{1,2}}\s*[ap]\.?m\b)",
    _I,
)
_DATE_RE = re.compile(_DATE, _I)
_DAY_OF_MONTH_RE = re.compile(_DAY_OF_MONTH, _I)
_OFFSET_RE = re.compile(_OFFSET, _I)
_CLOCK_RE = re.compile(_CLOCK, _I)
_CLOCK_ONLY_RE = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|\b\d{1,2}:\d{2}\b|\bat\s+\d{1,2}\b|\bnoon\b|\bmidnight\b", _I
)
#: Time zone words the copilot passes separately ("Paris time", "in Europe/Paris", "UTC").
_ZONE_WORDS_RE = re.compile(
    r"\b(?:in\s+)?[A-Za-z]+/[A-Za-z_]+\b|\b[A-Za-z]+(?:\s+[A-Za-z]+)?\s+time\b|\b(?:utc|gmt)\b", _I
)
_LATER_PART_RE = re.compile(r"afternoon|evening|night|nachmittag|abend|après|soir|tarde|noche", _I)
_NIGHT_RE = re.compile(r"night|noche", _I)
#: An offset counted in minutes or hours is a moment by itself; one in days or weeks still needs a time.
_SHORT_OFFSET_RE = re.compile(r"sec|sek|seg|min|hour|hr|stunde|heure|hora", _I)
_PART_RE = re.compile(_PART_OF_DAY, _I)
_VAGUE_RE = re.compile(_VAGUE, _I)
#: Quoted text and the values of ``name=value`` pairs are the person's data, not times.
_DATA_RE = re.compile(r"\"[^\"]*\"|'[^']*'|=\s*\S+")

_WORD_HOURS = {"noon": 12, "midday": 12, "mittag": 12, "midi": 12, "mediodía": 12, "mediodia": 12}
_FORMATS_SHOWN = "“tomorrow at 9am”, “Friday at 18:00”, “on 12 December at 10:30” or “in 30 minutes”"


@dataclass(frozen=True)
class TimeRequest:
    """The words of a message that name a one-off moment.

    ``phrase`` holds those words (what the tool resolves); ``question`` is set when they are not
    exact enough to act on, and says what to ask.
    """

    phrase: str
    question: str | None = None


_CORRECTION_RE = re.compile(
    r"[\s,;]+(?:no\s*,|actually\s*,?|sorry\s*,?|i\s+mean|make\s+(?:it|that)|or\s+rather|rather|instead)\s+", _I
)
_PAST_RE = re.compile(
    r"\b(?:yesterday|last\s+(?:night|week|month|mon|tue|wed|thu|fri|sat|sun)\w*|\d+\s+\w+\s+ago|gestern|hier|ayer)\b",
    _I,
)


def time_starts(text: str) -> int | None:
    """Where the first words about a moment start in ``text`` (to tell an agent's name from its time)."""
    starts = [
        m.start()
        for r in (_DAY_RE, _DATE_RE, _OFFSET_RE, _CLOCK_ONLY_RE, _VAGUE_RE, _PAST_RE, _DAY_OF_MONTH_RE)
        for m in [r.search(text)]
        if m is not None
    ]
    return min(starts) if starts else None


def _mentions_time(text: str) -> bool:
    return any(r.search(text) for r in (_DAY_RE, _DATE_RE, _OFFSET_RE, _CLOCK_ONLY_RE, _VAGUE_RE, _PAST_RE))


def _data_free(text: str) -> str:
    return _DATA_RE.sub(" ", text)


def _clock_match(text: str) -> re.Match[str] | None:
    for match in _CLOCK_RE.finditer(text):
        if match.group(0).strip():
            return match
    return None


def find_time(text: str) -> TimeRequest | None:
    """The one-off moment a message names, or ``None`` when it names none (or a recurrence: see
    :mod:`~autogpt_app.chat.providers.offline_schedule_phrases`).

    >>> find_time("run it tomorrow at 9am").phrase
    'tomorrow at 9am'
    >>> find_time("run it next week").question is not None
    True
    """
    plain = _data_free(" ".join(str(text or "").split()))
    if _RECURRING.search(plain):
        return None
    # "at 9am, no, 10am", "now, actually tomorrow at 9": the person corrected themselves; the last word counts.
    segments = [s for s in _CORRECTION_RE.split(plain) if _mentions_time(s)]
    if len(segments) > 1:
        plain = segments[-1]
    if len(_DATE_RE.findall(plain)) >= 2 and _clock_match(plain) is None:
        return None  # "days between 1 March and 1 June": dates given as values, not when to run
    past = _PAST_RE.search(plain)
    if past:
        return TimeRequest(past.group(0), f"“{past.group(0)}” is in the past; say when it should run from now on.")
    choice = _CHOICE_RE.search(plain)
    if choice:
        return TimeRequest(
            choice.group(0),
            f"Which one should it be: {choice.group(0)}? I schedule one time per request; say one, e.g. "
            f"{_FORMATS_SHOWN} (then ask again for another).",
        )
    vague = _VAGUE_RE.search(plain)
    pieces = [m for regex in (_DATE_RE, _DAY_RE, _OFFSET_RE, _DAY_OF_MONTH_RE) for m in regex.finditer(plain)]
    clock = _clock_match(plain)
    part = _PART_RE.search(plain)
    if clock is not None:
        pieces.append(clock)
    if part is not None and pieces:
        pieces.append(part)
    if not pieces and vague is None:
        return None
    spans = sorted((m.start(), m.end()) for m in pieces)
    if vague is not None:
        spans = sorted([*spans, (vague.start(), vague.end())])
    phrase = plain[spans[0][0] : max(end for _s, end in spans)].strip(" ,.;")
    if vague is not None and not (clock is not None and (_DATE_RE.search(plain) or _DAY_RE.search(plain))):
        return TimeRequest(
            phrase, f"When exactly should it run? “{vague.group(0)}” is not a precise time; say e.g. {_FORMATS_SHOWN}."
        )
    slashed = re.search(r"\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b", plain)
    if slashed and int(slashed.group(1)) <= 12 and int(slashed.group(2)) <= 12 and slashed.group(1) != slashed.group(2):
        first, second = slashed.group(1), slashed.group(2)
        return TimeRequest(
            phrase,
            f"Is {slashed.group(0)} the {first} of month {second} or the {second} of month {first}? Say it with the "
            "month's name, e.g. “on 5 June at 9am”.",
        )
    offset = _OFFSET_RE.search(plain)
    if offset is not None and _SHORT_OFFSET_RE.search(offset.group(0)):
        if clock is not None or _DATE_RE.search(plain) or _DAY_RE.search(plain):
            return TimeRequest(phrase, f"Should it run {offset.group(0)}, or at the time you named? Say one of them.")
        return TimeRequest(offset.group(0).strip())
    if clock is None:
        return TimeRequest(phrase, f"At what time {_on(phrase)}? Say e.g. {_FORMATS_SHOWN}.")
    hour = clock.group("h3")
    if hour is not None and 1 <= int(hour) <= 7 and part is None:
        return TimeRequest(
            phrase, f"Do you mean {hour} in the morning or {int(hour) + 12}:00? Say e.g. {hour}am or {hour}pm."
        )
    return TimeRequest(phrase)


def _on(phrase: str) -> str:
    """ "Friday morning" → "on Friday morning"; "tomorrow" stays."""
    if re.match(rf"(?:(?:this|next|coming)\s+)?(?:mon|tue|wed|thu|fri|sat|sun|the\s+\d|\d|{_MONTHS})", phrase, _I):
        return "on " + phrase
    return phrase


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise InvalidInput(f"Unknown time zone {name!r}.", code="invalid_timezone") from None


def _clock_time(match: re.Match[str], part: str | None) -> time:
    word = (match.group("word") or "").lower()
    if word:
        return time(_WORD_HOURS.get(word, 0), 0)
    hour = int(match.group("h") or match.group("h2") or match.group("h3"))
    minute = int(match.group("m") or match.group("m2") or 0)
    ampm = (match.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"{hour}{ampm}m is not a time; use 1–12 with am/pm, or 0–23.", code="invalid_run_at")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif part and hour < 12 and _LATER_PART_RE.search(part) and (hour >= 5 or not _NIGHT_RE.search(part)):
        hour += 12  # "8 in the evening", "tonight at 9"; but "tonight at 1" is 01:00
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{hour}:{minute:02d} is not a time of day.", code="invalid_run_at")
    return time(hour, minute)


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # a runtime requirement; imported on first use (it loads language data)

    return dateparser


def _parse_date(words: str, today: date, now_local: datetime) -> date:
    day_of_month = _DAY_OF_MONTH_RE.fullmatch(words) or _DAY_OF_MONTH_RE.search(words)
    if day_of_month is not None and not _DATE_RE.search(words):
        day = int(day_of_month.group(1))
        if not 1 <= day <= 31:
            raise InvalidInput(f"A month has no day {day}.", code="invalid_run_at")
        month_start = today.replace(day=1)
        for months_ahead in range(0, 3):
            year = month_start.year + (month_start.month - 1 + months_ahead) // 12
            month = (month_start.month - 1 + months_ahead) % 12 + 1
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now_local.replace(tzinfo=None)}
    parsed = _dateparser().parse(words, settings=settings, languages=list(LANGUAGES))
    if parsed is None:
        raise InvalidInput(f"I could not read the date in “{words}”; say e.g. {_FORMATS_SHOWN}.", code="invalid_run_at")
    return parsed.date()


def resolve_run_at(value: str, timezone: str, now: datetime) -> datetime:
    """The aware moment ``value`` names: an ISO 8601 time (naive ones are in ``timezone``) or a
    phrase :func:`find_time` accepts as exact, read in ``timezone`` relative to ``now``.

    Raises:
        InvalidInput: (``invalid_run_at``) the words are not exact, name no moment, or a moment
            that has passed.
    """
    zone = _zone(timezone)
    text = " ".join(str(value or "").split())
    if not text:
        raise InvalidInput("Say when it should run.", code="invalid_run_at")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None:  # a model's ISO time: the scheduling service's own rules (DST gaps, past, a year)
        return once.resolve(moment, timezone, now=now).astimezone(zone)
    text = _ZONE_WORDS_RE.sub(" ", text)
    text = " ".join(text.split())
    request = find_time(text)
    if request is None:
        raise InvalidInput(f"“{text}” names no time; say e.g. {_FORMATS_SHOWN}.", code="invalid_run_at")
    if request.question:
        raise InvalidInput(request.question, code="invalid_run_at")
    now_local = now.astimezone(zone)
    offset = _OFFSET_RE.search(text)
    if offset is not None and _SHORT_OFFSET_RE.search(offset.group(0)):
        settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now_local.replace(tzinfo=None)}
        parsed = _dateparser().parse(offset.group(0), settings=settings, languages=list(LANGUAGES))
        if parsed is None or parsed <= now_local.replace(tzinfo=None):
            raise InvalidInput(f"I could not read “{offset.group(0)}” as a time from now.", code="invalid_run_at")
        return once.resolve(parsed, timezone, now=now).astimezone(zone)
    clock = _clock_match(text)
    assert clock is not None  # find_time accepted it as exact
    part = _PART_RE.search(text)
    at = _clock_time(clock, part.group(0) if part else None)
    date_words = " ".join((text[: clock.start()] + " " + text[clock.end() :]).split()).strip(" ,.;")
    if part is not None:
        date_words = " ".join(date_words.replace(part.group(0), " ").split())
    date_words = re.sub(r"^(?:on|at|the)\s+|\s+(?:at|on|in\s+the)$", "", date_words, flags=_I).strip()
    if re.fullmatch(r"(?:today|heute|aujourd'hui|hoy)?", date_words, _I):
        day = now_local.date()
    else:
        day = _parse_date(date_words, now_local.date(), now_local)
    moment = once.to_utc(datetime.combine(day, at), timezone).astimezone(zone)  # refuses a time a DST gap skips
    if moment <= now_local:
        when = moment.strftime("%a %d %b %Y at %H:%M")
        if day == now_local.date():
            raise InvalidInput(
                f"{at:%H:%M} today has already passed; say e.g. “tomorrow at {at:%H:%M}”.", code="invalid_run_at"
            )
        raise InvalidInput(f"{when} is in the past.", code="invalid_run_at")
    return once.resolve(moment, timezone, now=now).astimezone(zone)  # and not more than a year ahead
