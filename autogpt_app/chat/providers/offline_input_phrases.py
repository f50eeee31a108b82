"""What the offline copilot reads in the inputs a person gives an agent: names and typed values.

Pure functions over text, no I/O: ``parse_assignments("amount: 20k and rate 5%", fields)`` gives
``{"loan_amount": 20000, "annual_rate": 5}`` when the agent's input fields say so — a person's word
for an input is matched to the agent's name for it, and the value typed by the field's schema.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from autogpt_app.chat.providers.offline_phrases import normalize, squash, strip_articles, words

__all__ = ["coerce_value", "correction_of", "match_field", "parse_assignments"]


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
            key = squash(alias)
            if key:
                aliases.setdefault(key, name)
    return aliases


def match_field(key: str, fields: list[dict[str, Any]]) -> str | None:
    """The input name a person's word for it points to ("rate" → ``annual_rate``), or ``None``."""
    aliases = _fields_by_alias(fields)
    squashed = squash(key)
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
_CORRECTION_RE = re.compile(
    r"[\s,;]+(?:no\s*,\s*|actually\s*,?\s*(?:make\s+(?:it|that)\s+)?|make\s+(?:it|that)\s+|i\s+mean\s+|sorry\s*,?\s*|"
    r"or\s+rather\s+|rather\s+)",
    re.IGNORECASE,
)
#: A clause that is a quantity with its unit ("300 words", "6%"): a value of its own, not more of a text.
_UNIT_VALUE_RE = re.compile(
    r"[$€£]?\s*\d[\d,.]*\s*(?:%|percent|words?|items?|results?|years?|months?|weeks?|days?|hours?|minutes?|kg|cm|m)",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_TRUE = frozenset(["true", "yes", "y", "on", "1", "enabled", "enable", "checked"])
_FALSE = frozenset(["false", "no", "n", "off", "0", "disabled", "disable", "unchecked", "none"])


def _number(match: re.Match[str]) -> float:
    """The value of a :data:`_NUMBER_RE` match: separators dropped, a multiplier ("20k") applied."""
    number = float(match.group("num").replace(",", "").replace("_", "").replace("'", ""))
    return number * _MULTIPLIERS.get((match.group("mult") or "").lower(), 1)


def correction_of(text: str) -> str:
    """What a person meant after correcting themselves: "AI, actually make it robotics" → "robotics"."""
    return _CORRECTION_RE.split(text)[-1].strip() if not _QUOTED_RE.fullmatch(text.strip()) else text


def coerce_value(value: str, field: dict[str, Any] | None) -> Any:
    """A typed value for ``field`` from what a person typed ("20k" → 20000, "yes" → True, "5%" → 5).

    A correction keeps the last word: "2000, actually make it 3000" → 3000.
    """
    text = correction_of(value).strip("\"'`").strip()
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
        match = _NUMBER_RE.match(re.sub(r"^(?:of|to|at|is|be|=)\s+", "", text, flags=re.IGNORECASE))
        if match:
            number = _number(match)
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
            number = _number(match)
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
            key = strip_articles(key) if size > 1 else key
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
            if (
                last_key is not None
                and str(by_name.get(last_key, {}).get("type") or "string") == "string"
                and not _UNIT_VALUE_RE.fullmatch(clause)
            ):
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
