"""What the offline copilot reads in a sentence: positions in a list, agent names, search queries.

Pure functions over text, no I/O. Each one answers a narrow question ("which card is *the second
one*?", "which agent is *datasmith's keyword extractor*?") so the copilot's routing and planners
(:mod:`~autogpt_app.chat.providers.offline`, :mod:`~autogpt_app.chat.providers.offline_plans`) stay a
readable list of decisions. Schedules and time zones are read by
:mod:`~autogpt_app.chat.providers.offline_schedule_phrases`, input values by
:mod:`~autogpt_app.chat.providers.offline_input_phrases`; both build on the helpers here.
"""

from __future__ import annotations

import difflib
import re

__all__ = [
    "BOUNDARY_RE",
    "SCHEDULE_WORDS",
    "extract_query",
    "find_ordinal",
    "name_score",
    "normalize",
    "split_creator",
    "squash",
    "strip_articles",
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


def squash(text: str) -> str:
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
# Agent names ("the Loan Calculator", "datasmith's keyword extractor", "loan-calculator")
# ---------------------------------------------------------------------------------------------

#: Where a schedule, a time zone or the inputs start inside "run X every day at 9 in Paris with topic=AI".
BOUNDARY_RE = re.compile(
    r"\s*(?:[,;(]"
    r"|\b(?:every|each|daily|hourly|weekly|monthly|yearly|nightly|with|using|where|whose|so\s+that|for\s+me|please|"
    r"now|right\s+now|immediately|asap|straight\s+away|at\s+once|(?:when|whenever)\s+you\s+can|again|once|twice|"
    r"starting|from\s+now)\b"
    r"|\bon\s+(?:week\w*|the\s+\d+|the\s+(?:first|second|third|fourth|fifth|last)\b|(?:sun|mon|tue|wed|thu|fri|sat)\w*)\b"
    r"|\bfor\s+(?=(?:every|each|daily|hourly|weekly|monthly|weekdays?|weekends?)\b)"
    r"|\bat\s+(?:\d|noon\b|midnight\b|:)"
    r"|\bin\s+[A-Za-z_]+/"
    r"|(?<![\w*/,\-])(?:[0-9*][0-9*/,\-]*\s+){4}"
    r"|@\w+)",
    re.IGNORECASE,
)

_LEADING_ARTICLES_RE = re.compile(r"^(?:(?:the|a|an|my|your|this|that|our)\s+)+", re.IGNORECASE)
_TRAILING_NOUNS_RE = re.compile(r"\s+(?:agent|bot|tool|one|app|workflow)s?$", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"^(?P<creator>[\w\-&.]+(?:\s+[\w\-&.]+)?)'s\s+(?P<name>.+)$", re.IGNORECASE)
_BY_RE = re.compile(r"^(?P<name>.+?)\s+(?:by|from|made\s+by|created\s+by)\s+(?P<creator>[\w\-&. ]+)$", re.IGNORECASE)


def strip_articles(text: str) -> str:
    """``text`` without the articles it starts with ("the topic" → "topic", "my loan amount" → "loan amount")."""
    return _LEADING_ARTICLES_RE.sub("", text)


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
    said_key = squash(said)
    if not said_key:
        return 0.0
    if said_key == squash(name) or any(said_key == squash(i) for i in ids if i):
        return 1.0
    said_words = set(words(said)) - {"the", "a", "an", "agent"}
    name_words = set(words(name))
    if said_words and said_words <= name_words:
        return 0.9
    if name_words and name_words <= said_words:
        return 0.85
    return difflib.SequenceMatcher(None, said_key, squash(name)).ratio()


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
_QUERY_PREFIX_RE = re.compile(
    r"^(?:" + "|".join(_QUERY_FILLERS) + r"|finde|such(?:e)?|gibt\s+es|hast\s+du|einen?|agenten?|der|die|das|für|"
    r"trouve|cherche|y\s+a-t-il|as-tu|une?|agent|pour|qui|busca|encuentra|hay|tienes|una?|agente|para|que)\b[\s,:]*",
    re.IGNORECASE,
)
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


#: Words a schedule is said with ("every weekday at 8am in Europe/Paris").
SCHEDULE_WORDS = frozenset(
    re.findall(
        r"\S+",
        "every each daily hourly weekly monthly yearly nightly day days week weeks weekday weekdays weekend "
        "weekends month months year hour hours minute minutes morning afternoon evening night at on in the of "
        "and except but not am pm noon midnight first second third fourth last other time zone utc gmt cron "
        "schedule it run please monday tuesday wednesday thursday friday saturday sunday mondays tuesdays "
        "wednesdays thursdays fridays saturdays sundays mon tue wed thu fri sat sun between from to until ",
    )
)
