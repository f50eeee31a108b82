"""The words every page, the API, the e-mails and the chat share."""

from __future__ import annotations

import pytest

from autogpt_app.executions.models import ExecutionStatus
from autogpt_app.wording import plural, status_label, step_failed


@pytest.mark.parametrize(
    ("count", "words"), [(0, "0 runs"), (1, "1 run"), (2, "2 runs"), (1234, "1,234 runs"), (-1, "-1 runs")]
)
def test_one_run_many_runs(count: int, words: str) -> None:
    assert plural(count, "run") == words


def test_irregular_plurals() -> None:
    assert plural(1, "entry", "entries") == "1 entry" and plural(3, "entry", "entries") == "3 entries"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (ExecutionStatus.QUEUED, "Queued"),
        (ExecutionStatus.RUNNING, "Running"),
        (ExecutionStatus.COMPLETED, "Completed"),
        (ExecutionStatus.FAILED, "Failed"),
        (ExecutionStatus.TERMINATED, "Stopped"),
        ("completed", "Completed"),
        ("TERMINATED", "Stopped"),
        ("SOME_NEW_STATE", "Some new state"),
        ("", ""),
    ],
)
def test_statuses_read_as_people_write_them(status: object, words: str) -> None:
    assert status_label(status) == words


def test_every_status_has_words() -> None:
    assert all(status_label(s) and status_label(s) != s.value for s in ExecutionStatus)


def test_a_failed_step_is_named_for_a_person() -> None:
    assert (
        step_failed("AI text generator", "The model answered 401: check the API key.")
        == "The AI text generator step failed: The model answered 401: check the API key."
    )
    assert step_failed("Read CSV", "  line 3\n has 4 columns ") == "The Read CSV step failed: line 3 has 4 columns"
    assert step_failed("", "boom") == "A step failed: boom"
    assert "Node '" not in step_failed("Calculator", "Division by zero")
