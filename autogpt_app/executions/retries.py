"""The node retry policy: a node whose fixed inputs carry ``retry: N`` is tried again when it fails.

AutoGPT exports put a ``retry`` count on some nodes; here it works on every node. The count is
clamped to 0–``MAX_NODE_RETRIES``; attempts are spaced by exponential backoff (the base delay is the
``NODE_RETRY_BASE_SECONDS`` setting, doubling each time, at most ``MAX_RETRY_DELAY_SECONDS``).
A block whose own input schema has a ``retry`` field (the AI structured response block retries its
model call itself) keeps that meaning: the engine passes the value to the block and does not retry
the node, so a count is never applied twice.
"""

from __future__ import annotations

import math
from typing import Any

from autogpt_app.blocks.sdk import Block
from autogpt_app.graphs.spec import NODE_RETRY_INPUT

#: The most retries a node may ask for; a larger count is lowered to it (and the node run says so).
MAX_NODE_RETRIES = 10
#: The longest pause between two attempts, in seconds.
MAX_RETRY_DELAY_SECONDS = 30.0


def retry_count(block: Block, inputs: dict[str, Any]) -> tuple[int, str | None]:
    """How many times the engine tries the node again after a failure, and a note if the asked count changed.

    Args:
        block: the node's block; a block with its own ``retry`` input is never retried by the engine.
        inputs: the node run's inputs (its fixed inputs and the values linked in).

    Returns:
        ``(retries, note)``: ``note`` tells the person why the count they set was not used as is.
    """
    if NODE_RETRY_INPUT not in inputs or NODE_RETRY_INPUT in block.input_pins():
        return 0, None
    raw = inputs[NODE_RETRY_INPUT]
    if raw is None or raw == "":
        return 0, None
    count: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        count = float(raw)
    elif isinstance(raw, str):
        try:
            count = float(raw.strip())
        except ValueError:
            count = None
    if count is None or not math.isfinite(count) or not count.is_integer():
        return 0, f"The retry setting {raw!r} is not a whole number, so this step was not retried."
    if count < 0:
        return 0, f"The retry setting {int(count)} is below 0, so this step was not retried."
    if count > MAX_NODE_RETRIES:
        note = f"The retry setting {int(count)} is above the limit; retried at most {MAX_NODE_RETRIES} times."
        return MAX_NODE_RETRIES, note
    return int(count), None


def backoff_delay(failed_attempt: int, base_seconds: float) -> float:
    """Seconds to wait after attempt number ``failed_attempt`` (1-based) failed: base, 2×base, 4×base… capped."""
    return min(base_seconds * 2 ** (failed_attempt - 1), MAX_RETRY_DELAY_SECONDS)


def retry_note(failed_attempt: int, attempts: int, reason: str, delay: float) -> str:
    """The sentence kept on the node run for one failed attempt that is tried again."""
    return f"Attempt {failed_attempt} of {attempts} failed: {reason.rstrip('.')}; tried again after {delay:g} s."


def merge_notes(notes: list[str], more: list[str]) -> None:
    """Add ``more`` to ``notes`` in order, leaving out sentences already there (each attempt repeats its own)."""
    for note in more:
        if note not in notes:
            notes.append(note)
