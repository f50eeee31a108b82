"""Words of :mod:`autogpt_app.wording` for values the browser holds (Reflex vars): statuses and counts.

The server-side helpers (``status_label``, ``plural``) and these read from the same tables, so a run
says "Completed" and a count says "1 run" the same way on every page and in the chat.
"""

from __future__ import annotations

import reflex as rx

from autogpt_app.wording import STATUS_LABELS


def status_text(status: rx.Var) -> rx.Var:
    """A run or node status var as people write it (``TERMINATED`` → ``Stopped``)."""
    return rx.match(status, *STATUS_LABELS.items(), status)


def count_text(count: rx.Var, noun: str, plural_noun: str | None = None) -> rx.Component:
    """A count var with its noun, singular only for one: ``1 run``, ``2 runs``."""
    return rx.fragment(count, " ", rx.cond(count == 1, noun, plural_noun or f"{noun}s"))
