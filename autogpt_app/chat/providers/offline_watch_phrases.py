"""Requests to run an agent whenever something happens, in a person's words (offline copilot).

"run it whenever a new post appears on https://blog.example.com/feed.xml", "every time
https://example.com/feed gets a new item", "when the page https://example.com/prices changes".
A request to watch a feed or page without its address is a question, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE
_URL = r"(?P<url>https?://[^\s,;<>\"']+)"
_WHEN = r"(?:whenever|every\s+time|each\s+time|any\s*time|as\s+soon\s+as|when|on\s+every|for\s+(?:every|each))"
_ITEM = (
    r"(?:(?:blog\s+|news\s+)?(?:posts?|items?|articles?|entr(?:y|ies)|episodes?|stor(?:y|ies)|headlines?|"
    r"releases?|videos?))"
)
_APPEARS = (
    r"(?:appears?|is\s+(?:published|posted|added|out)|gets?\s+(?:published|posted|added)|comes?\s+out|"
    r"shows?\s+up|lands?|goes\s+up)"
)
_SOURCE = r"(?:(?:the|this|that|my)\s+)?(?:(?:rss|atom)\s+)?(?:feed|blog|site|website|page|podcast|channel)?\s*"

_FEED_RES = (
    # "whenever a new post appears on (this feed) https://…"
    re.compile(
        rf"\b{_WHEN}\s+(?:there\s+is\s+|there's\s+)?(?:a\s+|an\s+|any\s+)?new\s+{_ITEM}(?:\s+{_APPEARS})?\s+"
        rf"(?:on|in|at|to|from)\s+{_SOURCE}(?:at\s+)?{_URL}",
        _I,
    ),
    # "whenever https://… has / gets / publishes a new post"
    re.compile(
        rf"\b{_WHEN}\s+(?:the\s+feed\s+|the\s+blog\s+)?{_URL}\s+(?:has|gets|publishes|posts|adds)\s+"
        rf"(?:a\s+|an\s+|any\s+)?new\s+{_ITEM}",
        _I,
    ),
    # "for each new item in https://…", "on new posts from https://…"
    re.compile(rf"\b(?:for\s+(?:every|each)|on)\s+new\s+{_ITEM}\s+(?:on|in|at|from)\s+{_SOURCE}{_URL}", _I),
)
_PAGE_RES = (
    # "whenever (the page) https://… changes / is updated"
    re.compile(
        rf"\b{_WHEN}\s+(?:the\s+|this\s+)?(?:web\s*)?(?:page|site|website)?\s*(?:at\s+)?{_URL}\s+"
        r"(?:changes|has\s+changed|is\s+(?:updated|changed)|gets\s+(?:updated|changed)|updates)",
        _I,
    ),
    # "whenever something changes on https://…", "when there is a change to the page https://…"
    re.compile(
        rf"\b{_WHEN}\s+(?:something\s+changes|anything\s+changes|there\s+is\s+a\s+change|there's\s+a\s+change)\s+"
        rf"(?:on|to|in|at)\s+(?:the\s+|this\s+)?(?:web\s*)?(?:page|site|website)?\s*{_URL}",
        _I,
    ),
)
#: A watch without an address ("whenever a new post appears on this feed"): ask which one.
_FEED_NO_URL_RE = re.compile(rf"\b{_WHEN}\s+(?:there\s+is\s+|there's\s+)?(?:a\s+|an\s+|any\s+)?new\s+{_ITEM}\b", _I)
_PAGE_NO_URL_RE = re.compile(
    rf"\b{_WHEN}\s+(?:the|this|that|my)\s+(?:web\s*)?(?:page|site|website)\s+(?:changes|is\s+updated|updates)\b", _I
)

FEED_QUESTION = (
    "Which feed should I watch? Give me its address, e.g. “run it whenever a new post appears on "
    "https://example.com/feed.xml”. Nothing has been set up yet."
)
PAGE_QUESTION = (
    "Which page should I watch? Give me its address, e.g. “run it whenever https://example.com/prices "
    "changes”. Nothing has been set up yet."
)


@dataclass(frozen=True)
class WatchRequest:
    """What a sentence asks to watch: ``kind`` (``feed`` or ``page``) and ``url``, the words that said it
    (``phrase``, lower case, so the rest of the sentence can be read without them), or a ``question``."""

    kind: str = ""
    url: str = ""
    phrase: str = ""
    question: str | None = None


def _clean_url(url: str) -> str:
    return url.rstrip(".,!?)]}:")


def find_watch(text: str) -> WatchRequest | None:
    """The feed or page a sentence asks to watch, a question when it names none, or ``None``."""
    plain = " ".join(str(text or "").split())
    for kind, patterns in (("feed", _FEED_RES), ("page", _PAGE_RES)):
        for pattern in patterns:
            match = pattern.search(plain)
            if match:
                url = _clean_url(match.group("url"))
                phrase = plain[match.start() : match.end()].lower()
                return WatchRequest(kind=kind, url=url, phrase=phrase)
    if _FEED_NO_URL_RE.search(plain):
        return WatchRequest(kind="feed", question=FEED_QUESTION)
    if _PAGE_NO_URL_RE.search(plain):
        return WatchRequest(kind="page", question=PAGE_QUESTION)
    return None
