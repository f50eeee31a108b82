"""Cron expressions and time zones: messages a person understands, presets, words, next runs, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling import cron


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("", "Enter a cron expression"),
        ("* * *", "Expected 5 fields: minute hour day-of-month month day-of-week (got 3)"),
        ("0 8 * * 1 2", "Expected 5 fields"),
        ("61 * * * *", "minute must be 0–59"),
        ("0 24 * * *", "hour must be 0–23"),
        ("0 0 0 * *", "day-of-month must be 1–31"),
        ("0 0 * 13 *", "month must be 1–12"),
        ("0 0 * * 8", "day-of-week must be 0–6 (0 or 7 is Sunday)"),
        ("*/0 * * * *", "minute step must be a whole number of at least 1"),
        ("*/99 * * * *", "minute step must be at most 59"),
        ("1,,2 * * * *", "minute has an empty entry"),
        ("a * * * *", "minute must be a number"),
        ("0 0 * * funday", "day-of-week must be a number or a name like 'mon'"),
        ("0 0 * smarch *", "month must be a number or a name like 'jan'"),
        ("0 0 31 2 *", "would never run"),
        ("@every 5m", "Unknown shortcut"),
        ("0 8 * * 1-5 ; rm -rf /", "Expected 5 fields"),
        ("x" * 300, "at most 200 characters"),
    ],
)
def test_invalid_cron_explains_what_is_wrong(expr, message):
    with pytest.raises(InvalidInput) as err:
        cron.validate_cron(expr)
    assert err.value.code == "invalid_cron"
    assert message in err.value.message


@pytest.mark.parametrize(
    ("expr", "normal"),
    [
        ("0 8 * * 1-5", "0 8 * * 1-5"),
        ("  0   8 * *   MON-FRI ", "0 8 * * mon-fri"),
        ("*/15 9-17 * * *", "*/15 9-17 * * *"),
        ("0 0 L * *", "0 0 L * *"),
        ("0 9 * * 5#3", "0 9 * * 5#3"),
        ("0 0 * * 7", "0 0 * * 7"),
        ("@daily", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("0 22-2 * * *", "0 22-2 * * *"),
    ],
)
def test_valid_cron_is_normalised(expr, normal):
    assert cron.validate_cron(expr) == normal


def test_presets():
    assert cron.hourly() == "0 * * * *"
    assert cron.hourly(15) == "15 * * * *"
    assert cron.daily_at(8, 30) == "30 8 * * *"
    assert cron.weekdays_at(8) == "0 8 * * 1-5"
    assert cron.weekly_on(1, 9, 15) == "15 9 * * 1"
    assert cron.weekly_on("Friday", 17) == "0 17 * * 5"
    assert cron.weekly_on(7, 0) == "0 0 * * 0"
    assert cron.from_preset("weekdays", hour=7, minute=45) == "45 7 * * 1-5"
    for expr in (cron.hourly(), cron.daily_at(23, 59), cron.weekdays_at(0), cron.weekly_on("sun", 12)):
        assert cron.validate_cron(expr) == expr
    with pytest.raises(InvalidInput, match="hour must be 0–23"):
        cron.daily_at(24, 0)
    with pytest.raises(InvalidInput, match="minute must be 0–59"):
        cron.weekdays_at(8, 60)
    with pytest.raises(InvalidInput, match="day-of-week"):
        cron.weekly_on("someday", 8)
    with pytest.raises(InvalidInput, match="Unknown preset"):
        cron.from_preset("fortnightly")


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("0 8 * * 1-5", "At 08:00, Monday through Friday"),
        ("30 2 * * *", "At 02:30"),
        ("0 * * * *", "Every hour"),
        ("*/15 * * * *", "Every 15 minutes"),
        ("0 9 * * 5#3", "At 09:00, on the third Friday of the month"),
        ("0 0 L * *", "At 00:00, on the last day of the month"),
        # Lists of n-th weekdays, which cron-descriptor words as "the  Thursday and Thursday".
        ("0 10 * * 4#2,4#4", "At 10:00, on the second and fourth Thursday of the month"),
        ("30 9 * * 1#1,5#3", "At 09:30, on the first Monday and third Friday of the month"),
    ],
)
def test_describe_in_words(expr, words):
    assert cron.describe(expr) == words


def test_timezones():
    assert cron.validate_timezone("Europe/Berlin") == "Europe/Berlin"
    assert cron.validate_timezone(" UTC ") == "UTC"
    for bad in ("Mars/Olympus_Mons", "", "../../etc/passwd", "Europe/Berlin\x00", "x" * 100):
        with pytest.raises(InvalidInput) as err:
            cron.validate_timezone(bad)
        assert err.value.code == "invalid_timezone"
    with pytest.raises(InvalidInput, match="Unknown time zone 'Mars/Olympus_Mons'"):
        cron.validate_timezone("Mars/Olympus_Mons")
    with pytest.raises(InvalidInput, match="Unknown time zone"):
        cron.next_runs("0 8 * * *", "Nowhere/Town")


def test_next_runs_are_aware_in_the_zone_and_strictly_after():
    after = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Berlin
    runs = cron.next_runs("0 8 * * 1-5", "Europe/Berlin", after=after)
    assert len(runs) == 5
    assert all(r.tzinfo is not None and r.utcoffset() == timedelta(hours=1) for r in runs)
    assert [r.day for r in runs] == [7, 8, 9, 10, 13]  # not the 6th: strictly after
    assert all((r.hour, r.minute) == (8, 0) for r in runs)
    assert cron.next_run("0 8 * * 1-5", "Europe/Berlin", after) == datetime(2025, 1, 7, 7, 0, tzinfo=UTC)
    assert len(cron.next_runs("* * * * *", "UTC", count=3)) == 3
    with pytest.raises(InvalidInput):
        cron.next_runs("* * * * *", "UTC", after=datetime(2025, 1, 1))


def _utc(runs):
    return [r.astimezone(UTC) for r in runs]


@pytest.mark.parametrize(
    ("zone", "start", "gap_day", "first_valid"),
    [
        # Berlin skips 02:00–03:00 on 30 March 2025; New York on 9 March 2025.
        ("Europe/Berlin", datetime(2025, 3, 28, tzinfo=UTC), 30, datetime(2025, 3, 30, 1, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2025, 3, 7, 12, tzinfo=UTC), 9, datetime(2025, 3, 9, 7, 0, tzinfo=UTC)),
    ],
)
def test_dst_gap_fires_once_at_the_first_valid_time(zone, start, gap_day, first_valid):
    runs = cron.next_runs("30 2 * * *", zone, count=5, after=start)
    days = [r.astimezone(ZoneInfo(zone)).day for r in runs]
    assert days.count(gap_day) == 1, runs
    assert len(set(days)) == 5  # one run each day
    on_gap_day = next(r for r in runs if r.astimezone(ZoneInfo(zone)).day == gap_day)
    assert on_gap_day.astimezone(UTC) == first_valid  # 03:00 local, the first valid time after 02:30
    assert (on_gap_day.hour, on_gap_day.minute) == (3, 0)


@pytest.mark.parametrize(
    ("zone", "expr", "start", "overlap_day", "first_moment"),
    [
        # Berlin repeats 02:00–03:00 on 26 October 2025; New York repeats 01:00–02:00 on 2 November 2025.
        (
            "Europe/Berlin",
            "30 2 * * *",
            datetime(2025, 10, 24, tzinfo=UTC),
            26,
            datetime(2025, 10, 26, 0, 30, tzinfo=UTC),
        ),
        (
            "America/New_York",
            "30 1 * * *",
            datetime(2025, 10, 31, 12, tzinfo=UTC),
            2,
            datetime(2025, 11, 2, 5, 30, tzinfo=UTC),
        ),
    ],
)
def test_dst_overlap_fires_once_not_twice(zone, expr, start, overlap_day, first_moment):
    runs = cron.next_runs(expr, zone, count=5, after=start)
    local_days = [r.astimezone(ZoneInfo(zone)).day for r in runs]
    assert local_days.count(overlap_day) == 1, runs
    assert first_moment in _utc(runs)  # the first of the two moments with that wall time
    # Asking from inside the overlap (after the first firing) skips the repeat.
    later = cron.next_run(expr, zone, first_moment)
    assert later - first_moment > timedelta(hours=23)


def test_hourly_keeps_real_time_through_the_overlap():
    """An hour field of '*' runs on real time, as cron does: the repeated hour runs again."""
    runs = _utc(cron.next_runs("0 * * * *", "Europe/Berlin", count=4, after=datetime(2025, 10, 25, 23, 30, tzinfo=UTC)))
    assert runs == [datetime(2025, 10, 26, h, 0, tzinfo=UTC) for h in range(4)]
    gap = _utc(cron.next_runs("0 * * * *", "Europe/Berlin", count=3, after=datetime(2025, 3, 29, 23, 30, tzinfo=UTC)))
    assert gap == [datetime(2025, 3, 30, h, 0, tzinfo=UTC) for h in range(3)]


def test_every_run_is_strictly_increasing_across_a_year_of_dst_changes():
    for zone in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe"):
        runs = _utc(cron.next_runs("*/30 1-3 * * *", zone, count=50, after=datetime(2025, 3, 29, tzinfo=UTC)))
        assert runs == sorted(set(runs))
