"""What a poll trigger's source gives back from one look, and how a look fails.

Each kind (:mod:`feeds`, :mod:`pages`, :mod:`mailbox`) reads its source and answers a :class:`Look`:
the items it found, oldest first, each with the key that identifies it, and the state to remember
for the next look. :mod:`~autogpt_app.triggers.polling` decides which items are new (the insert
into ``trigger_items`` is the claim) and starts the runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


class PollProblem(Exception):
    """The source could not be read; the message is fit to show its owner (never a secret)."""


@dataclass(frozen=True)
class Item:
    """One thing a source holds: its key (SHA-256 hex of its identity), what the agent gets, a summary."""

    key: str
    event: dict[str, Any]
    summary: str


@dataclass(frozen=True)
class Look:
    """The items found (oldest first) and the state to keep for the next look."""

    items: list[Item] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)


def item_key(*parts: str) -> str:
    """SHA-256 (hex) of an item's identity parts."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()
