"""Which part of an event goes to which agent input: the one rule for webhooks and poll triggers."""

from __future__ import annotations

from typing import Any

from autogpt_app.errors import InvalidInput

#: The whole event (a webhook's JSON body, a feed item, an e-mail, a page change).
WHOLE = "$"
MAX_PATH = 300


def check_path(path: str) -> str:
    """Return ``path`` cleaned (``$`` or ``$.key.0.other``), or refuse it with a readable message."""
    text = (path or "").strip()
    if text == WHOLE:
        return text
    if not text.startswith(WHOLE + ".") or len(text) > MAX_PATH or ".." in text or text.endswith("."):
        raise InvalidInput(
            f"“{path}” is not a path into the event: use $ for all of it, or $.key.subkey "
            "(a number picks an item of a list, e.g. $.commits.0.message).",
            code="invalid_mapping",
        )
    return text


def pick(event: Any, path: str) -> tuple[bool, Any]:
    """The value at ``path`` in ``event``, and whether it was there at all."""
    if path == WHOLE:
        return True, event
    value = event
    for part in path[len(WHOLE) + 1 :].split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


def map_inputs(mapping: dict[str, str], event: Any, fixed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The agent's inputs for one event: fixed inputs, then each mapped input's part of the event.

    A path the event does not have leaves the input to its fixed value or default; the run's input
    check then names what is still missing, so nothing is guessed.
    """
    values = dict(fixed or {})
    for name, path in mapping.items():
        found, value = pick(event, path)
        if found:
            values[name] = value
    return values
