"""Readable times for people."""

from __future__ import annotations

from autogpt_app.timeutil import readable_time


def test_readable_time_on_the_schedules_clock() -> None:
    assert readable_time("2026-11-25T07:00:00+00:00", "Europe/Paris") == "Wed 25 Nov 2026, 08:00"
    assert readable_time("2026-11-25T07:00:00+00:00") == "Wed 25 Nov 2026, 07:00"


def test_unknown_zone_or_text_is_left_alone() -> None:
    assert readable_time("2026-11-25T07:00:00+00:00", "Mars/Olympus") == "Wed 25 Nov 2026, 07:00"
    assert readable_time("soon") == "soon"
