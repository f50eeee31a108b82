"""Graph tests: after a session that imported the AutoGPT fixtures, say how many of them import."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter) -> None:
    """Print "autogpt fixtures: N/M import" when tests/graphs/test_autogpt_fixtures.py ran."""
    from tests.graphs import test_autogpt_fixtures as fixtures

    if fixtures.RESULTS:
        imported = sum(1 for outcome in fixtures.RESULTS.values() if outcome == "imported")
        terminalreporter.write_line(f"autogpt fixtures: {imported}/{len(fixtures.RESULTS)} import")
