"""Values in a sentence placed on an agent's inputs by their units: "2000 at 6% for 5 years".

Pure functions over text, no I/O. :func:`place_values` reads the quantities of the words that named
no input ("6%", "5 years", "70 kg", "1.80 m", "$2,000", "2000") and gives each to the one input
whose name, title or description speaks of its unit (a rate for a percentage, a term in years for a
number of years, a height in cm for 1.80 m — converted), a bare amount to the only number input
left. Whatever cannot be placed exactly (no input fits, or two could) is returned as a question:
the copilot asks instead of running with the agent's defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DATE_VALUE_RE", "Placement", "corrected", "numbers_in_digits", "place_values"]

_I = re.IGNORECASE
_NUM = r"(?P<num>\d[\d,']*(?:\.\d+)?|\.\d+)"
_QUANTITY_RE = re.compile(
    r"(?P<cur>[$€£])?\s*" + _NUM + r"\s*(?P<mult>k\b|thousand\b|million\b|m\b(?=\s*(?:\$|€|£|dollars|euros)))?\s*"
    r"(?P<unit>%|percent\b|per\s*cent\b|pct\b|years?\b|yrs?\b|months?\b|weeks?\b|days?\b|hours?\b|hrs?\b|minutes?\b|"
    r"mins?\b|kg\b|kilos?\b|kilograms?\b|lbs?\b|pounds?\b(?!\s*sterling)|cm\b|centimet(?:er|re)s?\b|mm\b|km\b|"
    r"m\b|met(?:er|re)s?\b|ft\b|feet\b|foot\b|inch(?:es)?\b|in\b(?=\s*(?:$|[,;.]|and\b|tall\b))|"
    r"dollars?\b|euros?\b|usd\b|eur\b|gbp\b|words?\b|items?\b|results?\b)?",
    _I,
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "million": 1e6, "m": 1e6}

#: unit family → (words that name it in an input, unit of the family's values as read).
_PERCENT = ("percent", "%", "rate", "interest", "apr", "yield", "discount", "tax", "tip", "vat")
_DURATIONS = {
    "year": ("year", "yr", "term", "duration", "period", "age"),
    "month": ("month",),
    "week": ("week",),
    "day": ("day",),
    "hour": ("hour", "hr"),
    "minute": ("minute", "min"),
}
_WEIGHT = ("weight", "kg", "mass", "kilo")
_LENGTH = ("height", "cm", "length", "tall", "distance", "size")
_MONEY = ("amount", "principal", "loan", "price", "cost", "value", "sum", "balance", "budget", "borrow", "salary")
_COUNT = {"word": ("word", "length"), "item": ("item", "count", "number"), "result": ("result", "count", "number")}


@dataclass
class Placement:
    """The inputs placed (name → value), what was read for each (for the reply), and the ``question``
    to ask when some value has no exact input (then nothing should run)."""

    values: dict[str, Any] = field(default_factory=dict)
    said: dict[str, str] = field(default_factory=dict)
    question: str | None = None


def _words_of(spec: dict[str, Any]) -> str:
    return " ".join(str(spec.get(k) or "") for k in ("name", "title", "description")).replace("_", " ").lower()


def _numeric(spec: dict[str, Any]) -> bool:
    return str(spec.get("type") or "") in ("number", "integer")


def _mentions(spec: dict[str, Any], words: tuple[str, ...]) -> bool:
    text = _words_of(spec)
    return any(re.search(rf"(?<![a-z]){re.escape(w)}", text) for w in words)


_LENGTH_UNITS = ("cm", "mm", "km", "m", "ft", "feet", "foot", "in", "inch", "inches")


def _family(unit: str) -> str:
    unit = unit.lower().replace(" ", "")
    if unit in ("%", "percent", "percent", "pct", "percent") or unit.startswith("perc"):
        return "percent"
    for name in ("year", "yr", "month", "week", "day", "hour", "hr", "minute", "min"):
        if unit.startswith(name):
            return {"yr": "year", "hr": "hour", "min": "minute"}.get(name, name)
    if unit in ("kg", "kilo", "kilos", "kilogram", "kilograms", "lb", "lbs", "pound", "pounds"):
        return "weight"
    if unit in _LENGTH_UNITS or unit.startswith(("centi", "met")):
        return "length"
    if unit.startswith(("dollar", "euro")) or unit in ("usd", "eur", "gbp", "$", "€", "£"):
        return "money"
    for name in _COUNT:
        if unit.startswith(name):
            return name
    return ""


def _candidates(family: str, fields: list[dict[str, Any]], taken: set[str]) -> list[dict[str, Any]]:
    free = [f for f in fields if _numeric(f) and str(f.get("name")) not in taken]
    if family == "percent":
        words = _PERCENT
    elif family in _DURATIONS:
        # An input that names the unit itself wins over one that only says "term" or "duration".
        exact = [f for f in free if _mentions(f, (family,)) and not _mentions(f, _PERCENT)]
        if exact:
            return exact
        spans = [f for f in free if _mentions(f, ("term", "duration", "period"))]
        if spans:
            return spans
        free = [f for f in free if not _mentions(f, _PERCENT)]  # "% per year" is a rate, not a length of time
        words = tuple(w for unit_words in _DURATIONS.values() for w in unit_words)
    elif family == "weight":
        words = _WEIGHT
    elif family == "length":
        words = _LENGTH
    elif family == "money":
        words = _MONEY
    elif family in _COUNT:
        words = _COUNT[family]
    else:
        return []
    return [f for f in free if _mentions(f, words)]


def _convert(number: float, unit: str, spec: dict[str, Any]) -> float:
    """``number`` in ``unit`` as the input expects it (its title or description names cm, m, kg or lb)."""
    unit = unit.lower()
    text = _words_of(spec)
    to_metres = {"cm": 0.01, "mm": 0.001, "km": 1000.0, "m": 1.0, "ft": 0.3048, "feet": 0.3048, "foot": 0.3048}
    to_metres |= {"in": 0.0254, "inch": 0.0254, "inches": 0.0254}
    key = "m" if unit.startswith("met") else "cm" if unit.startswith("centim") else unit
    if key in to_metres:
        metres = number * to_metres[key]
        if re.search(r"\bcm\b|centimet", text):
            return round(metres * 100, 2)
        if re.search(r"\bmm\b", text):
            return round(metres * 1000, 1)
        if re.search(r"\bm\b|\bmet(?:er|re)s?\b", text):
            return round(metres, 3)
        return number
    seconds = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2629800, "year": 31557600}
    family = _family(unit)
    if family in seconds:
        target = next((u for u in ("year", "month", "week", "day", "hour", "minute") if u in text), family)
        return round(number * seconds[family] / seconds[target], 4)
    if key in ("lb", "lbs", "pound", "pounds") and re.search(r"\bkg\b|kilo", text):
        return round(number * 0.45359237, 2)
    if key in ("kg", "kilo", "kilos", "kilogram", "kilograms") and re.search(r"\blbs?\b|pound", text):
        return round(number / 0.45359237, 2)
    return number


def _typed(number: float, spec: dict[str, Any]) -> int | float:
    if str(spec.get("type")) == "integer" or float(number).is_integer():
        return round(number)
    return number


def _label(spec: dict[str, Any]) -> str:
    return str(spec.get("title") or spec.get("name"))


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_URL_RE = re.compile(r"\bhttps?://\S+|\bwww\.\S+", _I)
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_LINKS = ("url", "link", "feed", "website", "site", "address", "page", "rss")
_MAILS = ("email", "e-mail", "mail", "recipient")
#: Words that join values in a sentence ("2000 at 6% for 5 years") and carry none themselves.
_GLUE = frozenset(
    re.findall(
        r"\S+",
        "a an the at for over of with and or to in on per by from is are be it "
        "its this that please then also my me i i'm im weigh am tall interest",
    )
)


_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a dozen": 12,
    "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORD = "|".join(sorted((*_UNITS_WORDS, *_SCALES), key=len, reverse=True))
_NUMBER_WORDS_RE = re.compile(  # not "1.5 million": a scale after digits is the quantity's multiplier
    rf"(?<![\d.]\s)(?<![\d.])\b(?:{_NUMBER_WORD})(?:[\s-]+(?:and\s+)?(?:{_NUMBER_WORD}))*\b", _I
)
#: "2000, no, 2500", "2000 actually make it 2500": the person corrected a number; the last one counts.
_CORRECTED_NUMBER_RE = re.compile(
    r"(?P<old>\d[\d,.]*)\s*[,;]?\s*(?:no|sorry|i\s+mean|actually(?:\s+make\s+it)?|make\s+(?:it|that))\s*[,;]?\s*"
    r"(?P<new>\d[\d,.]*)",
    _I,
)


def corrected(text: str) -> str:
    """The sentence with each corrected number replaced by its correction ("2000, no, 2500" → "2500")."""
    return _CORRECTED_NUMBER_RE.sub(lambda m: m.group("new"), text)


def numbers_in_digits(text: str) -> str:
    """Numbers written in words as digits: "two thousand" → "2000", "six percent" → "6 percent"."""

    def value(match: re.Match[str]) -> str:
        total, current = 0, 0
        for word in re.findall(rf"{_NUMBER_WORD}", match.group(0).lower()):
            if word in _SCALES:
                scale = _SCALES[word]
                if scale == 100:
                    current = max(current, 1) * 100
                else:
                    total += max(current, 1) * scale
                    current = 0
            else:
                current += _UNITS_WORDS[word]
        return str(total + current)

    return _NUMBER_WORDS_RE.sub(value, text)


def _place_text(
    regex: re.Pattern[str],
    words: tuple[str, ...],
    text: str,
    fields: list[dict[str, Any]],
    taken: set[str],
    placement: Placement,
    unplaced: list[str],
) -> str:
    """Give each match of ``regex`` (a link, an address) to the one free text input that speaks of it."""
    for match in regex.finditer(text):
        value = match.group(0).rstrip(".,;)")
        options = [f for f in fields if str(f.get("name")) not in taken and not _numeric(f) and _mentions(f, words)]
        if len(options) != 1:
            unplaced.append(value)
            continue
        name = str(options[0]["name"])
        placement.values[name] = value
        placement.said[name] = value
        taken.add(name)
    return regex.sub(" ", text)


#: Spellings of a unit, as one word: what a sentence and a dropdown's options are compared in.
_UNIT_NAMES = {
    "km": "kilometres", "kms": "kilometres", "kilometer": "kilometres", "kilometers": "kilometres",
    "kilometre": "kilometres", "mi": "miles", "mile": "miles", "m": "metres", "meter": "metres",
    "meters": "metres", "metre": "metres", "ft": "feet", "foot": "feet", "in": "inches", "inch": "inches",
    "cm": "centimetres", "centimeter": "centimetres", "centimeters": "centimetres", "centimetre": "centimetres",
    "kg": "kilograms", "kgs": "kilograms", "kilo": "kilograms", "kilos": "kilograms", "kilogram": "kilograms",
    "lb": "pounds", "lbs": "pounds", "pound": "pounds", "l": "litres", "liter": "litres", "liters": "litres",
    "litre": "litres", "gal": "gallons", "gallon": "gallons", "c": "celsius", "f": "fahrenheit",
    "kph": "km/h", "kmh": "km/h", "into": "to", "in to": "to",
}  # fmt: skip


def _canonical(text: str) -> str:
    # "100 fahrenheit in celsius", "miles into km": the same as "… to …".
    text = re.sub(r"\b(in|into|as)\s+(?=°?\s*[a-z])", "to ", text.lower())
    words = re.findall(r"[a-z/]+", text.replace("°", " "))
    return " ".join(_UNIT_NAMES.get(w, w) for w in words if w not in ("us", "the", "from"))


def _place_options(text: str, fields: list[dict[str, Any]], taken: set[str], placement: Placement) -> None:
    """A dropdown whose one option the sentence says ("5 miles to km" → "miles to kilometres")."""
    sentence = f" {_canonical(text)} "
    for spec in fields:
        name = str(spec.get("name"))
        options = [str(o) for o in spec.get("options") or []]
        if name in taken or not options:
            continue
        said = [o for o in options if f" {_canonical(o)} " in sentence]
        if len(said) == 1:
            placement.values[name] = said[0]
            placement.said[name] = said[0]
            taken.add(name)


_QUOTED_TEXT_RE = re.compile(r"\"([^\"]{2,})\"")


def _place_quoted(
    text: str, fields: list[dict[str, Any]], taken: set[str], placement: Placement, unplaced: list[str]
) -> str:
    """Quoted text goes to the one free text input the run still needs (else it is asked about)."""
    for match in _QUOTED_TEXT_RE.finditer(text):
        free = [
            f
            for f in fields
            if str(f.get("name")) not in taken and not _numeric(f) and not f.get("options") and f.get("required")
        ]
        if len(free) != 1:
            unplaced.append(match.group(0))
            continue
        name = str(free[0]["name"])
        placement.values[name] = match.group(1)
        placement.said[name] = match.group(0)
        taken.add(name)
    return _QUOTED_TEXT_RE.sub(" ", text)


#: A calendar date as written: 2026-03-01, 1 March 2026, March 1st, 1/3/2026 is left out (d/m or m/d?).
DATE_VALUE_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH
    + r"(?:\s+\d{4})?\b|\b"
    + _MONTH
    + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b",
    _I,
)


def _date_of(words: str) -> str | None:
    """An ISO date for the words of :data:`DATE_VALUE_RE` (the year defaults to this one), or None."""
    import dateparser  # a runtime requirement, loaded on first use

    parsed = dateparser.parse(words, settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month"]})
    return parsed.date().isoformat() if parsed else None


def _place_dates(
    text: str, fields: list[dict[str, Any]], taken: set[str], placement: Placement, unplaced: list[str]
) -> str:
    """Dates go to the free date inputs in the order both come ("between 1 March and 1 June": start, end)."""
    found = list(DATE_VALUE_RE.finditer(text))
    if not found:
        return text
    free = [f for f in fields if str(f.get("name")) not in taken and str(f.get("format")) == "date"]
    if len(free) < len(found):
        unplaced.extend(m.group(0) for m in found[len(free) :])
    for spec, match in zip(free, found, strict=False):
        value = _date_of(match.group(0))
        if value is None:
            unplaced.append(match.group(0))
            continue
        name = str(spec["name"])
        placement.values[name] = value
        placement.said[name] = match.group(0)
        taken.add(name)
    return DATE_VALUE_RE.sub(" ", text)


_ABOUT_RE = re.compile(
    r"\b(?:about|on\s+the\s+(?:topic|subject)\s+of)\s+([^,.;:!?\d][^,.;:!?]*?)(?=\s*(?:[,.;:!?]|$|\bwith\b|\bin\s+\d))",
    _I,
)
_TOPICS = ("topic", "subject", "theme")


def _place_topic(text: str, fields: list[dict[str, Any]], taken: set[str], placement: Placement) -> str:
    """ "a blog post about climate change": the words after "about" for the one topic input."""
    match = _ABOUT_RE.search(text)
    free = [f for f in fields if str(f.get("name")) not in taken and not _numeric(f) and _mentions(f, _TOPICS)]
    if match is None or len(free) != 1:
        return text
    name = str(free[0]["name"])
    placement.values[name] = match.group(1).strip()
    placement.said[name] = match.group(0)
    taken.add(name)
    return text.replace(match.group(0), " ")


def place_values(
    text: str, fields: list[dict[str, Any]], given: dict[str, Any], *, words_matter: bool = True
) -> Placement:
    """Place the values of ``text`` (words that named no input) on ``fields`` not in ``given``: quantities
    by unit, links and e-mail addresses by what the input is for.

    Returns a :class:`Placement`; its ``question`` is set when a value fits no input or several, or
    (``words_matter``) when words are left that say something no input took (never dropped in silence).
    Without ``words_matter`` the words are what the request is about, not values.
    """
    placement = Placement()
    taken = set(given)
    bare: list[tuple[str, float]] = []
    unplaced: list[str] = []
    text = corrected(numbers_in_digits(text))
    _place_options(text, fields, taken, placement)
    text = _place_dates(text, fields, taken, placement, unplaced)
    text = _place_text(_URL_RE, _LINKS, text, fields, taken, placement, unplaced)
    text = _place_text(_EMAIL_RE, _MAILS, text, fields, taken, placement, unplaced)
    text = _place_quoted(text, fields, taken, placement, unplaced)
    text = _place_topic(text, fields, taken, placement)
    for match in _QUANTITY_RE.finditer(text):
        raw = match.group(0).strip()
        try:
            number = float(match.group("num").replace(",", "").replace("'", ""))
        except ValueError:
            continue
        number *= _MULTIPLIERS.get((match.group("mult") or "").lower(), 1)
        unit = match.group("unit") or match.group("cur") or ""
        family = _family(unit) if unit else ""
        if not family:
            bare.append((raw, number))
            continue
        options = _candidates(family, fields, taken)
        if len(options) != 1:
            unplaced.append(raw)
            continue
        spec = options[0]
        name = str(spec["name"])
        placement.values[name] = _typed(_convert(number, unit, spec), spec)
        placement.said[name] = raw
        taken.add(name)
    for raw, number in bare:
        free = [f for f in fields if _numeric(f) and str(f.get("name")) not in taken]
        money = [f for f in free if _mentions(f, _MONEY)]
        options = money if len(money) == 1 else free
        if len(options) != 1:
            unplaced.append(raw)
            continue
        spec = options[0]
        name = str(spec["name"])
        placement.values[name] = _typed(number, spec)
        placement.said[name] = raw
        taken.add(name)
    known = {w for f in fields for w in re.findall(r"[a-z]+", _words_of(f))}
    rest = [w for w in re.findall(r"[^\W\d_][\w'-]*", _QUANTITY_RE.sub(" ", text).lower()) if w not in _GLUE]
    words_left = [w for w in rest if w not in known and not _family(w)]
    if words_left and words_matter:
        unplaced.append(" ".join(words_left))
    if unplaced:
        open_fields = [_label(f) for f in fields if str(f.get("name")) not in taken]
        understood = "; ".join(f"{_label(_spec(fields, n))} = {v}" for n, v in placement.values.items())
        lead = f"I understood {understood}, but " if understood else ""
        where = f" It has these inputs left: {', '.join(open_fields)}." if open_fields else ""
        placement.question = (
            f"{lead}I can't tell which input {' and '.join(f'“{u}”' for u in unplaced)} "
            f"{'is' if len(unplaced) == 1 else 'are'} for.{where} Say it as “input = value”; nothing has run yet."
        )
    return placement


def _spec(fields: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next((f for f in fields if str(f.get("name")) == name), {"name": name})
