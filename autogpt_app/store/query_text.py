"""The text side of marketplace search: web-search syntax for SQLite FTS5, and typo scoring.

PostgreSQL parses queries itself (``websearch_to_tsquery``); SQLite's FTS5 has its own syntax, so
:func:`fts5_query` translates the same web-search syntax into a safe FTS5 expression. The typo
fallback on SQLite scores candidates with :func:`fuzzy_score`.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["fts5_query", "fuzzy_score", "meaningful_words", "quote", "trigram_query"]

# PostgreSQL's english configuration drops these; SQLite's tokenizer does not, so the query does.
_STOPWORD_TEXT = (
    "a about above after again against all am an and any are as at be because been before being below between "
    "both but by can did do does doing down during each few for from further had has have having he her here "
    "hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now "
    "of off on once only or other our ours ourselves out over own same she should so some such than that the "
    "their theirs them themselves then there these they this those through to too under until up very was we "
    "were what when where which while who whom why will with you your yours yourself yourselves"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_RE = re.compile(r"\w+")


def quote(terms: list[str]) -> str:
    """An FTS5 string (phrase) of ``terms``, so no input is read as an FTS5 operator."""
    return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'


def fts5_query(query: str) -> str:
    """Translate web-search syntax into a safe FTS5 expression ('' when nothing is searchable).

    Words are ANDed, ``"quoted phrases"`` stay phrases, ``or`` separates alternatives and ``-word``
    excludes; English stop words are dropped as PostgreSQL's ``english`` configuration does. Every
    term is quoted, so FTS5 operators or punctuation in the input are never interpreted.
    """
    groups: list[list[tuple[bool, list[str]]]] = [[]]
    for match in _TOKEN_RE.finditer(query):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            negated = word.startswith("-")
            terms = _WORD_RE.findall(word)
            if len(terms) == 1 and terms[0].lower() in _STOPWORDS:
                continue
        else:
            negated = bool(minus)
            terms = _WORD_RE.findall(phrase)
        if terms:
            groups[-1].append((negated, terms))
    built = []
    for group in groups:
        wanted = [quote(terms) for negated, terms in group if not negated]
        unwanted = [quote(terms) for negated, terms in group if negated]
        if not wanted:
            continue  # an alternative made only of exclusions would match nearly everything
        expression = " AND ".join(wanted)
        if unwanted:
            expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
        built.append(f"({expression})")
    return " OR ".join(built)


def meaningful_words(query: str) -> list[str]:
    """The query's lower-case words without English stop words (what a typo search compares)."""
    return [w for w in (x.lower() for x in _WORD_RE.findall(query)) if w not in _STOPWORDS]


def trigram_query(words: list[str]) -> str:
    grams = sorted({w[i : i + 3] for w in words if len(w) >= 3 for i in range(len(w) - 2)})
    return " OR ".join(quote([g]) for g in grams)


def fuzzy_score(query: str, *texts: str) -> float:
    """How well the query's words match words of ``texts`` despite typos (0–1, mean of best matches).

    A word scores 1 when a text word starts with it (a half-typed word of three letters or more),
    else its best ``difflib`` ratio against the text's words.
    """
    wanted = meaningful_words(query)
    words = {w.lower() for t in texts for w in _WORD_RE.findall(t or "")}
    if not wanted or not words:
        return 0.0
    total = 0.0
    for w in wanted:
        best = 0.0
        for candidate in words:
            if len(w) >= 3 and candidate.startswith(w):
                best = 1.0
                break
            best = max(best, difflib.SequenceMatcher(None, w, candidate).ratio())
        total += best
    return total / len(wanted)
