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


#: Where a link lives in each kind of event, for an input that takes a web address.
_LINK_PATHS = {"feed": "$.link", "page": "$.url"}
#: Where the text lives, for a text input (a feed item goes whole: title, link and summary as JSON text).
_TEXT_PATHS = {"page": "$.text", "imap": "$.text"}
_WHAT = {
    "webhook": "each delivery's body",
    "feed": "each new item",
    "page": "the changed page",
    "imap": "each new e-mail",
}


def _takes_link(name: str, spec: dict[str, Any]) -> bool:
    words = f"{name} {spec.get('title') or ''}".lower()
    return spec.get("format") in ("uri", "url") or any(w in words for w in ("url", "link", "address", "website"))


def default_mapping(
    kind: str, input_schema: dict[str, Any], filled: set[str] | frozenset[str] = frozenset(), chosen: str | None = None
) -> dict[str, str]:
    """The mapping a trigger gets when the person did not draw one: one input receives the event.

    The input is ``chosen``, else the one required input nothing else fills, else the one input nothing
    else fills. It receives the event's link when it takes a web address (a feed item's link, the page's
    address), the page's or e-mail's text when it takes text, otherwise the whole event. Anything else
    would be a guess, so it is refused with the inputs to choose from.

    Raises:
        InvalidInput: ``mapping_needed`` (no input, or several, could take the event; or ``chosen`` is
            not one of the agent's inputs).
    """
    properties: dict[str, Any] = input_schema.get("properties") or {}
    required = set(input_schema.get("required") or [])
    names = ", ".join(properties) or "none"
    if chosen is not None:
        if chosen not in properties:
            raise InvalidInput(
                f"This agent has no input named “{chosen}”; its inputs are: {names}.", code="mapping_needed"
            )
        target = chosen
    else:
        open_required = [n for n in properties if n in required and n not in filled]
        open_any = [n for n in properties if n not in filled]
        candidates = open_required or open_any
        if len(candidates) != 1:
            raise InvalidInput(
                f"Which input should get {_WHAT.get(kind, 'the event')}? This agent's inputs are: {names}.",
                code="mapping_needed",
            )
        target = candidates[0]
    spec = properties.get(target) or {}
    if _takes_link(target, spec) and kind in _LINK_PATHS:
        return {target: _LINK_PATHS[kind]}
    if spec.get("type", "string") == "string" and kind in _TEXT_PATHS:
        return {target: _TEXT_PATHS[kind]}
    return {target: WHOLE}


def describe_mapping(kind: str, mapping: dict[str, str], titles: dict[str, str] | None = None) -> list[str]:
    """The mapping in words, one line per input: "Feed URL ← each new item's link"."""
    what = _WHAT.get(kind, "the event")
    lines = []
    for name, path in mapping.items():
        part = what if path == WHOLE else f"{what}: {path[len(WHOLE) + 1 :].replace('.', ' → ')}"
        lines.append(f"{(titles or {}).get(name, name)} ← {part}")
    return lines
