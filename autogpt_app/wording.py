"""Words a person reads, in one place: counts with their noun, run statuses, and why a step failed.

Pure functions (no Reflex, no database): the pages, the API, the notifications and the chat all
call these, so "1 run" and "Completed" read the same everywhere.
"""

from __future__ import annotations

#: How a run or node status is written for people (the stored values are enum names).
STATUS_LABELS: dict[str, str] = {
    "QUEUED": "Queued",
    "RUNNING": "Running",
    "WAITING": "Waiting for review",
    "COMPLETED": "Completed",
    "FAILED": "Failed",
    "TERMINATED": "Stopped",
}


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """The count and its noun, singular only for one: ``"1 run"``, ``"0 runs"``, ``"1,234 runs"``.

    Args:
        count: How many.
        noun: The singular noun ("run").
        plural_noun: The plural when it is not the noun plus "s" ("entries").
    """
    word = noun if count == 1 else (plural_noun or f"{noun}s")
    return f"{count:,} {word}"


def status_label(status: object) -> str:
    """A run or node status as people write it: ``COMPLETED`` → ``Completed``, ``TERMINATED`` → ``Stopped``."""
    text = str(getattr(status, "value", status) or "").strip()
    return STATUS_LABELS.get(text.upper(), text.replace("_", " ").capitalize())


def step_failed(step_name: str, reason: str) -> str:
    """Why a run failed, for a person: ``The AI text generator step failed: the model answered 401.``

    Args:
        step_name: The failing block's name as the builder shows it ("AI text generator").
        reason: The block's own readable error (already free of secrets).
    """
    reason = " ".join(str(reason or "").split()) or "it stopped with an error."
    name = " ".join(str(step_name or "").split())
    return f"The {name} step failed: {reason}" if name else f"A step failed: {reason}"
