"""Readable times for people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from autogpt_app.timeutil import local_date, local_time, readable_time, relative_time, zone_or_utc


def test_readable_time_on_the_schedules_clock() -> None:
    assert readable_time("2026-11-25T07:00:00+00:00", "Europe/Paris") == "Wed 25 Nov 2026, 08:00"
    assert readable_time("2026-11-25T07:00:00+00:00") == "Wed 25 Nov 2026, 07:00"


def test_unknown_zone_or_text_is_left_alone() -> None:
    assert readable_time("2026-11-25T07:00:00+00:00", "Mars/Olympus") == "Wed 25 Nov 2026, 07:00"
    assert readable_time("soon") == "soon"


# --- the viewer's clock and relative times --------------------------------------------------------

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_local_time_is_on_the_viewers_clock_and_names_the_zone() -> None:
    moment = datetime(2026, 12, 7, 13, 5, 9, tzinfo=UTC)
    assert local_time(moment, "Europe/Paris") == "7 Dec 2026, 14:05 CET"
    assert local_time(moment, "America/New_York", seconds=True) == "7 Dec 2026, 08:05:09 EST"
    assert local_time(moment) == "7 Dec 2026, 13:05 UTC"
    assert local_time(moment.replace(tzinfo=None), "UTC") == "7 Dec 2026, 13:05 UTC"  # naive means UTC
    assert local_time(None, "Europe/Paris") == "—"


def test_an_unknown_zone_falls_back_to_utc() -> None:
    assert zone_or_utc("Europe/Paris") == "Europe/Paris"
    assert zone_or_utc("Mars/Olympus") == zone_or_utc("") == zone_or_utc(None) == zone_or_utc("../etc/passwd") == "UTC"
    assert local_time(NOW, "Mars/Olympus") == "7 Dec 2026, 12:00 UTC"


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=-10), "just now"),
        (timedelta(seconds=-50), "1 minute ago"),
        (timedelta(minutes=-3), "3 minutes ago"),
        (timedelta(minutes=-59, seconds=-50), "1 hour ago"),
        (timedelta(hours=-1), "1 hour ago"),
        (timedelta(hours=-5, minutes=-59), "5 hours ago"),
        (timedelta(days=-1, hours=-3), "1 day ago"),
        (timedelta(days=-6), "6 days ago"),
        (timedelta(minutes=5), "in 5 minutes"),
        (timedelta(hours=2), "in 2 hours"),
    ],
)
def test_relative_time_reads_as_people_say_it(delta: timedelta, words: str) -> None:
    assert relative_time(NOW + delta, now=NOW) == words


def test_far_moments_show_the_date_on_the_viewers_clock() -> None:
    late_evening = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert relative_time(late_evening, "UTC", now=NOW) == "20 Nov 2026"
    assert relative_time(late_evening, "Asia/Tokyo", now=NOW) == "21 Nov 2026"  # already the next day there
    assert relative_time(None, now=NOW) == "—"


def test_local_date_is_the_day_on_the_viewers_clock() -> None:
    late_evening_utc = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert local_date(late_evening_utc, "Asia/Tokyo") == "7 Dec 2026"  # already the next morning there
    assert local_date(late_evening_utc, "America/Los_Angeles") == "6 Dec 2026"
    assert local_date(late_evening_utc.replace(tzinfo=None)) == "6 Dec 2026"  # naive is UTC
    assert local_date(None) == ""
