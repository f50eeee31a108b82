"""One-off schedules ("run this agent once, tomorrow at 09:00"): the time rules (zones, DST gaps and
overlaps, past, a year ahead), create/update/resume in the service, and firing exactly once — late
within the allowed lateness with a note to the owner, missed beyond it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from autogpt_app.db import session_scope
from autogpt_app.errors import Conflict, InvalidInput
from autogpt_app.executions.models import GraphExecution
from autogpt_app.notifications.models import Notification
from autogpt_app.scheduling import once as oncelib
from autogpt_app.scheduling import service
from autogpt_app.scheduling.models import Schedule
from autogpt_app.timeutil import utcnow
from tests.scheduling.test_service import count, fire_at, make_graph, make_user, row, schedule

PARIS = "Europe/Paris"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def tomorrow_at_nine_utc() -> datetime:
    return (utcnow() + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


async def once(user, graph, run_at: datetime, **fields):
    return await schedule(user, graph, cron=None, run_at=run_at, **fields)


async def notes() -> list[Notification]:
    async with session_scope() as s:
        return list((await s.execute(select(Notification).order_by(Notification.created_at))).scalars())


# --- the rules ----------------------------------------------------------------------------------


def test_a_one_off_reads_with_its_local_time_and_zone():
    assert oncelib.describe(datetime(2026, 12, 8, 8, 0, tzinfo=UTC), PARIS) == (
        "Once, on Tue 8 Dec 2026 at 09:00 (Europe/Paris)"
    )
    assert oncelib.describe(datetime(2027, 7, 1, 7, 30, tzinfo=UTC), PARIS) == (
        "Once, on Thu 1 Jul 2027 at 09:30 (Europe/Paris)"
    )


def test_a_wall_time_is_read_in_the_zone_and_an_aware_one_kept():
    assert oncelib.resolve(datetime(2026, 12, 8, 9, 0), PARIS, now=NOW) == datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
    aware = datetime.fromisoformat("2026-12-08T09:00:00-05:00")
    assert oncelib.resolve(aware, PARIS, now=NOW) == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)


def test_a_time_in_a_dst_gap_is_refused_by_name_and_an_overlap_takes_the_first():
    with pytest.raises(InvalidInput) as err:
        oncelib.resolve(datetime(2027, 3, 28, 2, 30), PARIS, now=NOW)
    assert err.value.code == "invalid_run_at"
    assert err.value.message.startswith("Sun 28 Mar 2027 at 02:30 does not exist in Europe/Paris")
    # 02:30 happens twice on 31 Oct 2027 (CEST, then CET): the first, as for repeating schedules.
    assert oncelib.resolve(datetime(2027, 10, 31, 2, 30), PARIS, now=NOW) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_past_and_far_future_times_are_refused_with_a_minute_of_slack():
    assert oncelib.resolve(NOW - timedelta(seconds=30), "UTC", now=NOW) == NOW - timedelta(seconds=30)
    with pytest.raises(InvalidInput) as err:
        oncelib.resolve(NOW - timedelta(minutes=5), PARIS, now=NOW)
    assert err.value.message == (
        "Mon 7 Dec 2026 at 12:55 (Europe/Paris) has already passed; choose a time in the future."
    )
    with pytest.raises(InvalidInput) as err:
        oncelib.resolve(NOW + timedelta(days=400), "UTC", now=NOW)
    assert "more than a year ahead" in err.value.message


# --- the service --------------------------------------------------------------------------------


async def test_create_a_one_off_from_an_aware_or_a_wall_time():
    user = await make_user()
    graph = await make_graph(user)
    when = tomorrow_at_nine_utc()
    made = await once(user, graph, when, timezone=PARIS)
    local = when.astimezone(ZoneInfo(PARIS))
    assert made.kind == "once" and made.cron is None and made.run_at == when and made.next_run_at == when
    assert made.description == f"Once, on {oncelib.local_text(when, PARIS)} (Europe/Paris)"
    assert made.next_runs == [local] and made.next_runs[0].hour == local.hour
    # The same wall time without an offset, read in the schedule's zone.
    wall = await once(user, graph, local.replace(tzinfo=None), timezone=PARIS, name="Wall")
    assert wall.run_at == when
    cron = await schedule(user, graph, name="Repeating")
    assert cron.kind == "cron" and cron.run_at is None and len(cron.next_runs) == 5


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"cron": None}, "invalid_schedule", "or a time to run once"),
        ({"cron": "0 8 * * *", "run_at": datetime(2030, 1, 1, tzinfo=UTC)}, "invalid_schedule", "not both"),
        ({"cron": None, "run_at": datetime(2020, 1, 1, 9, 0)}, "invalid_run_at", "has already passed"),
        ({"cron": None, "run_at": datetime(2027, 3, 28, 2, 30)}, "invalid_run_at", "does not exist in Europe/Paris"),
        ({"cron": None, "run_at": datetime(2099, 1, 1, tzinfo=UTC)}, "invalid_run_at", "more than a year ahead"),
    ],
)
async def test_a_bad_one_off_is_refused_readably_and_writes_nothing(fields, code, words):
    user = await make_user()
    graph = await make_graph(user)
    with pytest.raises(InvalidInput) as err:
        await schedule(user, graph, **{"timezone": PARIS, **fields})
    assert err.value.code == code and words in err.value.message
    assert await count(Schedule) == 0


async def test_update_switches_between_repeating_and_once_and_moves_the_time():
    user = await make_user()
    graph = await make_graph(user)
    repeating = await schedule(user, graph)
    when = tomorrow_at_nine_utc()
    async with session_scope() as s:
        changed = await service.update_schedule(s, user, repeating.id, run_at=when)
    assert changed.kind == "once" and changed.cron is None and changed.next_run_at == when
    later = when + timedelta(hours=3)
    async with session_scope() as s:
        moved = await service.update_schedule(s, user, repeating.id, run_at=later)
    assert moved.run_at == later and moved.next_runs == [later.astimezone(ZoneInfo("Europe/Berlin"))]
    # A new zone alone keeps the moment; the words follow the new zone's clock.
    async with session_scope() as s:
        zoned = await service.update_schedule(s, user, repeating.id, timezone="America/New_York")
    assert zoned.run_at == later and zoned.description.endswith("(America/New_York)")
    assert zoned.description == f"Once, on {oncelib.local_text(later, 'America/New_York')} (America/New_York)"
    async with session_scope() as s:
        back = await service.update_schedule(s, user, repeating.id, cron="30 6 * * *")
    assert back.kind == "cron" and back.run_at is None and back.description == "At 06:30"
    async with session_scope() as s:
        with pytest.raises(InvalidInput) as err:
            await service.update_schedule(s, user, repeating.id, cron="0 8 * * *", run_at=when)
    assert err.value.code == "invalid_schedule"
    assert (await row(repeating.id)).cron == "30 6 * * *"


async def test_pause_and_resume_a_one_off_before_it_runs():
    user = await make_user()
    graph = await make_graph(user)
    made = await once(user, graph, tomorrow_at_nine_utc())
    async with session_scope() as s:
        paused = await service.pause_schedule(s, user, made.id)
    assert not paused.is_active and paused.next_runs == [] and paused.run_at == made.run_at
    async with session_scope() as s:
        resumed = await service.resume_schedule(s, user, made.id)
    assert resumed.is_active and resumed.next_run_at == made.run_at


# --- firing -------------------------------------------------------------------------------------


async def test_a_one_off_fires_once_at_its_time_and_stays_listed():
    user = await make_user()
    graph = await make_graph(user)
    made = await once(user, graph, tomorrow_at_nine_utc(), timezone=PARIS)
    due = made.run_at
    assert (await fire_at(made.id, due - timedelta(seconds=1))).outcome == "not_due"
    assert await count(GraphExecution) == 0
    result = await fire_at(made.id, due + timedelta(seconds=2))
    assert result.outcome == "fired" and result.next_run_at is None and result.late_by is None
    assert (await fire_at(made.id, due + timedelta(seconds=3))).outcome == "inactive"
    assert await count(GraphExecution) == 1
    async with session_scope() as s:
        shown = await service.get_schedule(s, user, made.id)
    assert not shown.is_active and shown.next_run_at is None and shown.next_runs == []
    assert shown.last_execution_id == result.execution_id and shown.last_status == "QUEUED"
    assert shown.kind == "once" and shown.description.startswith("Once, on ")
    assert await notes() == []  # on time: nothing to tell

    # Resuming a one-off that ran is refused; a new time schedules it again.
    async with session_scope() as s:
        with pytest.raises(Conflict) as err:
            await service.resume_schedule(s, user, made.id)
    assert err.value.code == "schedule_finished" and err.value.message == (
        f"“Morning news” already ran once, on {oncelib.local_text(due + timedelta(seconds=2), PARIS)} "
        "(Europe/Paris); give it a new time to run it again."
    )
    again = tomorrow_at_nine_utc() + timedelta(days=1)
    async with session_scope() as s:
        rearmed = await service.update_schedule(s, user, made.id, run_at=again)
    assert rearmed.is_active and rearmed.next_run_at == again


async def test_two_schedulers_firing_one_one_off_at_once_start_one_run():
    user = await make_user()
    graph = await make_graph(user)
    made = await once(user, graph, tomorrow_at_nine_utc())
    results = await asyncio.gather(*(fire_at(made.id, made.run_at + timedelta(seconds=1)) for _ in range(4)))
    outcomes = sorted(r.outcome for r in results)
    assert outcomes.count("fired") == 1 and set(outcomes) <= {"fired", "taken", "inactive"}
    assert all(r.next_run_at is None for r in results)
    assert await count(GraphExecution) == 1
    assert not (await row(made.id)).is_active


async def test_a_late_one_off_still_runs_and_says_it_started_late():
    user = await make_user()
    graph = await make_graph(user)
    made = await once(user, graph, tomorrow_at_nine_utc(), timezone="UTC")
    result = await fire_at(made.id, made.run_at + timedelta(hours=3, minutes=5))
    assert result.outcome == "fired" and result.late_by == timedelta(hours=3, minutes=5)
    assert await count(GraphExecution) == 1
    [note] = await notes()
    assert note.user_id == user.id and note.type == "scheduled_run_late"
    assert note.title == "Scheduled run “Morning news” started late"
    assert "it started 3 hours 5 minutes late" in note.body and "no scheduler was running" in note.body
    assert note.link == f"/runs/{result.execution_id}"


async def test_a_one_off_too_late_is_missed_and_its_owner_told():
    user = await make_user()
    graph = await make_graph(user)
    made = await once(user, graph, tomorrow_at_nine_utc(), timezone="UTC")
    now = made.run_at + timedelta(hours=25)
    result = await fire_at(made.id, now)
    assert result.outcome == "missed" and await count(GraphExecution) == 0
    missed = await row(made.id)
    assert not missed.is_active and missed.next_run_at is None and missed.last_status == "FAILED"
    assert missed.last_error.startswith(f"Missed: it was due on {oncelib.local_text(made.run_at, 'UTC')} (UTC)")
    assert "more than 24 hours later" in missed.last_error
    [note] = await notes()
    assert note.type == "scheduled_run_failed" and note.title == "Scheduled run “Morning news” was missed"
    assert note.body == missed.last_error and note.link == "/schedules"
    assert (await fire_at(made.id, now)).outcome == "inactive" and len(await notes()) == 1
    async with session_scope() as s:
        with pytest.raises(Conflict) as err:
            await service.resume_schedule(s, user, made.id)
    assert err.value.code == "schedule_finished"
    assert err.value.message.startswith("“Morning news” was due once and did not run (")
