"""What an API key may do: ``read``, ``run`` and ``manage``, chosen when the key is made.

* ``read``: look (every GET: agents, runs, schedules, notifications, the marketplace);
* ``run``: start and stop runs, and talk to the copilot;
* ``manage``: change things (create or edit agents, library, schedules, credentials, submissions,
  preferences, reviews).

A new key gets ``read`` and ``run`` unless others are chosen: enough for a script that starts an
agent and reads its result, not enough to change or delete anything. A login (a token from the
password) may do everything; creating API keys, changing the password and logging out everywhere
need a login and no key can do them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from autogpt_app.errors import InvalidInput


class Scope(StrEnum):
    """One permission an API key can carry."""

    READ = "read"
    RUN = "run"
    MANAGE = "manage"


ALL_SCOPES: frozenset[Scope] = frozenset(Scope)
DEFAULT_SCOPES: tuple[Scope, ...] = (Scope.READ, Scope.RUN)
_ORDER = {scope: i for i, scope in enumerate(Scope)}


def parse_scopes(values: Iterable[str] | None) -> list[Scope]:
    """Return the scopes named in ``values`` in canonical order (the default for None).

    Raises:
        InvalidInput: an unknown scope, or none at all.
    """
    if values is None:
        return list(DEFAULT_SCOPES)
    chosen: set[Scope] = set()
    for value in values:
        try:
            chosen.add(Scope(str(value).strip().lower()))
        except ValueError:
            raise InvalidInput(
                f"Unknown scope {str(value)[:40]!r}; choose from read, run, manage.", code="invalid_scope"
            ) from None
    if not chosen:
        raise InvalidInput("Choose at least one scope: read, run or manage.", code="invalid_scope")
    return sorted(chosen, key=_ORDER.__getitem__)


def to_text(scopes: Iterable[Scope]) -> str:
    """The stored form: comma-separated."""
    return ",".join(s.value for s in scopes)


def from_text(text: str) -> frozenset[Scope]:
    """The scopes of a stored key (unknown words are ignored)."""
    return frozenset(Scope(part) for part in (text or "").split(",") if part in Scope.__members__.values())
