"""Requests in German, French or Spanish read in the English the offline copilot understands.

Pure functions over text, no I/O. :func:`in_english` rewrites only the words that steer a request —
run verbs ("führe es … aus", "lance-le", "ejecútalo"), "now", repetitions ("jeden Montag", "tous les
lundis", "cada lunes"), days, parts of the day, units of time and "at" before a clock time — and
leaves everything else (the person's values, quoted text) as written. The copilot's replies stay
in English. Searching for agents in those languages is the marketplace's search by meaning.
"""

from __future__ import annotations

import re

__all__ = ["in_english"]

_I = re.IGNORECASE

#: Whole phrases first (longest first), then single words. Each maps to the English the planners read.
_PHRASES: dict[str, str] = {
    # "not now", before "now" itself
    r"nicht\s+jetzt|noch\s+nicht|pas\s+maintenant|pas\s+encore|pas\s+tout\s+de\s+suite|no\s+ahora|ahora\s+no|"
    r"todav[íi]a\s+no": "not now",
    # run verbs and "now"
    # (a verb only where a request starts: "Lance" in the middle of a sentence may be a name)
    r"^f(?:ü|ue)hre\s+(?:es|ihn|sie|das)\s+(?P<rest>.*?)\s*aus": r"run it \g<rest>",
    r"^f(?:ü|ue)hre\s+(?:es|ihn|sie|das)\s+aus": "run it",
    r"^starte\s+(?:es|ihn|sie)": "run it",
    r"^(?:lance[sz]?-(?:le|la)|lance[sz]?)": "run it",
    r"^(?:ex[ée]cute[sz]?-(?:le|la)|ex[ée]cute[sz]?)": "run it",
    r"^ejec[úu]t(?:alo|ala|a)": "run it",
    r"jetzt|sofort|maintenant|tout\s+de\s+suite|ahora(?:\s+mismo)?": "now",
    # repetitions
    r"jeden|jede|jedes|tous\s+les|toutes\s+les|chaque|cada|todos\s+los|todas\s+las": "every",
    r"werktags|an\s+wochentagen|en\s+semaine|les\s+jours\s+ouvr[ée]s|d[íi]as\s+laborables|entre\s+semana": (
        "every weekday"
    ),
    r"t[äa]glich": "every day",
    r"st[üu]ndlich": "every hour",
    r"au[ßs]er|sauf|excepto|menos": "except",
    # relative days and parts of the day
    r"[üu]bermorgen": "day after tomorrow",
    r"morgen\s+fr[üu]h": "tomorrow morning",
    r"por\s+la\s+ma[ñn]ana": "in the morning",
    r"por\s+la\s+tarde": "in the afternoon",
    r"por\s+la\s+noche": "at night",
    r"heute\s+abend|ce\s+soir": "tonight",
    r"morgen": "tomorrow",
    r"heute|aujourd'hui|hoy": "today",
    r"demain": "tomorrow",
    r"ma[ñn]ana": "tomorrow",
    r"morgens|le\s+matin|du\s+matin": "in the morning",
    r"abends|le\s+soir|du\s+soir": "in the evening",
    # "at" before a clock time, and the clock's own words
    r"(?:um|à|a\s+las|a\s+la|vers|gegen)(?=\s+\d)": "at",
    r"uhr": "",
}
_DAYS = {
    "montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday", "donnerstag": "thursday",
    "freitag": "friday", "samstag": "saturday", "sonntag": "sunday",
    "lundi": "monday", "mardi": "tuesday", "mercredi": "wednesday", "jeudi": "thursday", "vendredi": "friday",
    "samedi": "saturday", "dimanche": "sunday",
    "lunes": "monday", "martes": "tuesday", "miércoles": "wednesday", "miercoles": "wednesday",
    "jueves": "thursday", "viernes": "friday", "sábado": "saturday", "sabado": "saturday", "domingo": "sunday",
}  # fmt: skip
_UNITS = {
    "tag": "day", "tage": "days", "tagen": "days", "jour": "day", "jours": "days", "día": "day", "dia": "day",
    "días": "days", "dias": "days", "woche": "week", "wochen": "weeks", "semaine": "week", "semaines": "weeks",
    "semana": "week", "semanas": "weeks", "stunde": "hour", "stunden": "hours", "heure": "hour", "heures": "hours",
    "hora": "hour", "horas": "hours", "minute": "minute", "minuten": "minutes", "minutes": "minutes",
    "minuto": "minute", "minutos": "minutes", "monat": "month", "monate": "months", "mois": "month",
    "mes": "month", "meses": "months",
}  # fmt: skip
#: Words that show a request is in one of the three languages (nothing is rewritten without one).
_TELLS = re.compile(
    r"^(?:f(?:ü|ue)hre|starte|lance|ex[ée]cute|ejec[úu]t\w*)\b|\b(?:jetzt|maintenant|ahora|jeden|jede|jedes|tous|chaque|"
    r"cada|todos|werktags|t[äa]glich|morgen|heute|demain|aujourd'hui|ma[ñn]ana|hoy|um|uhr|à|a\s+las|nicht|noch|"
    r"pas|encore|todav[íi]a|" + "|".join(_DAYS) + r")\b",
    _I,
)
_PHRASE_RE = [
    (re.compile(pattern + r"(?![\w-])" if pattern.startswith("^") else rf"(?<![\w-]){pattern}(?![\w-])", _I), english)
    for pattern, english in _PHRASES.items()
]
_WORD_RE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted({**_DAYS, **_UNITS}, key=len, reverse=True)) + r")s?(?![\w-])", _I
)
_H_CLOCK_RE = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?\b", _I)
_QUOTED_RE = re.compile(r"(\"[^\"]*\"|'[^']*')")


_WORDS = {**_DAYS, **_UNITS}


def _word(match: re.Match[str]) -> str:
    word = match.group(1).lower()
    plural = word in _DAYS and match.group(0).lower() != word  # "lundis", "Montags": every Monday
    return _WORDS[word] + ("s" if plural else "")


def _rewrite(part: str) -> str:
    for pattern, english in _PHRASE_RE:
        part = pattern.sub(english, part)
    part = _WORD_RE.sub(_word, part)
    part = _H_CLOCK_RE.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", part)
    return " ".join(part.split())


def in_english(text: str) -> str:
    """``text`` with the words that steer a request in German, French or Spanish said in English.

    >>> in_english("führe es morgen um 9 Uhr aus")
    'run it tomorrow at 9'
    >>> in_english("lance-le tous les lundis à 9h")
    'run it every mondays at 9:00'
    """
    if not _TELLS.search(text):
        return text
    parts = _QUOTED_RE.split(text)
    return " ".join(p if _QUOTED_RE.fullmatch(p) else _rewrite(p) for p in parts if p).strip()
