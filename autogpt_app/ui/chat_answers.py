"""What the Chat page reads back from a conversation: which cards were answered, and what to do next.

Pure functions over :class:`~autogpt_app.ui.chat_rows.ChatRow` lists, read from the messages
themselves (never from page state alone), so a reload shows the same: an answered inputs or
credentials card shows what was sent instead of its form (:func:`mark_answered`), a request a login
card stopped carries on after the login (:func:`request_behind_login`), and the carousels' marketplace
agents are looked up in the library (:func:`marketplace_slugs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from autogpt_app.ui.chat_rows import ChatRow

#: The message the credentials card's form sends once a credential is saved (see ``follow_up_text``).
_SAVED_CREDENTIAL = re.compile(r"^I added the (?P<provider>\S+) credential(?: “(?P<title>[^”]*)”)?, run it again$")


def _assignments(text: str, names: Iterable[str]) -> dict[str, str] | None:
    """``name=value, ...`` read back with the card's own input names (values may hold commas), or None."""
    known = sorted({n for n in names if n}, key=len, reverse=True)
    if not known or not text:
        return None
    starts = list(re.finditer(r"(?:^|, )(" + "|".join(re.escape(n) for n in known) + r")=", text))
    if not starts or starts[0].start() != 0:
        return None
    values: dict[str, str] = {}
    for index, found in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        values[found.group(1)] = text[found.end() : end]
    return values


def _answer_of(card: ChatRow, text: str, first: bool) -> dict[str, str] | None:
    """The inputs a user message sent to this inputs card (None when it is not its answer)."""
    names = [f.name for f in [*card.fields, *card.optional]]
    prefix = f"run {card.agent_id} with "
    if card.agent_id and text.startswith(prefix):
        return _assignments(text[len(prefix) :], names)
    return _assignments(text, names) if first else None


def _answered_inputs(card: ChatRow, later: list[ChatRow]) -> ChatRow:
    users = [r for r in later if r.kind == "user"]
    for index, user in enumerate(users):
        sent = _answer_of(card, user.text, index == 0)
        if sent is None:
            continue
        return card.model_copy(
            update={
                "done": True,
                "fields": [f.model_copy(update={"sent": sent.get(f.name, "")}) for f in card.fields],
                "optional": [f.model_copy(update={"sent": sent.get(f.name, "")}) for f in card.optional],
            }
        )
    return card


def _answered_credentials(card: ChatRow, later: list[ChatRow]) -> ChatRow:
    saved: dict[str, str] = {}
    for row in later:
        if row.kind == "credentials_needed":
            break
        found = _SAVED_CREDENTIAL.match(row.text) if row.kind == "user" else None
        if found:
            saved[found.group("provider")] = found.group("title") or "your credential"
    if not saved:
        return card
    needs = [n.model_copy(update={"saved": saved.get(n.provider, n.saved)}) for n in card.credentials]
    return card.model_copy(update={"credentials": needs, "done": all(n.saved for n in needs)})


def mark_answered(rows: list[ChatRow]) -> list[ChatRow]:
    """The conversation with each answered card marked ``done``, showing what was sent.

    An inputs card is answered by the message its form sent (the next message, or one naming its
    agent: ``run <agent> with ...``); a credentials card by the message its form sends once a
    credential is saved (which names the credential, never its secret). Read from the messages
    themselves, so a reload shows the same. Returns ``rows`` itself when nothing changed.
    """
    result = list(rows)
    changed = False
    for index, row in enumerate(rows):
        if row.kind == "inputs_needed":
            fresh = _answered_inputs(row, rows[index + 1 :])
        elif row.kind == "credentials_needed":
            fresh = _answered_credentials(row, rows[index + 1 :])
        else:
            continue
        if fresh != row:
            result[index], changed = fresh, True
    return result if changed else rows


def request_behind_login(rows: Iterable[ChatRow]) -> str:
    """What the person asked that a login card stopped, when the conversation ends there ("" otherwise).

    After they log in, the page sends it again so the request carries on without asking twice.
    """
    asked, stopped = "", False
    for row in rows:
        if row.kind == "user":
            asked, stopped = row.text, False
        elif row.kind == "need_login":
            stopped = True
    return asked if stopped else ""


def marketplace_slugs(rows: Iterable[ChatRow]) -> list[str]:
    """The marketplace agents the conversation's carousels show (their slugs, each once)."""
    return list(
        dict.fromkeys(a.id for r in rows if r.kind == "agent_carousel" for a in r.agents if a.source == "marketplace")
    )
