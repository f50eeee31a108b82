"""One-off schedules in the dialog and on the Schedules page, without a browser: "Once, at" a date and
time on the chosen zone's clock, its preview and readable refusals, editing it, and how a one-off
reads once it ran or was missed (the browser flow is in tests/e2e/test_schedules.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling import service
from autogpt_app.scheduling.firing import fire
from autogpt_app.ui.states import schedules as sched
from autogpt_app.ui.states.schedules import ScheduleDialogState, SchedulesState
from tests.ui.test_marketplace_state import state_for
from tests.ui.test_schedule_state import call, make_agent, make_user, open_dialog, schedules_in_db

PARIS = "Europe/Paris"


def tomorrow_wall(hour: int = 9, minute: int = 0) -> str:
    day = (datetime.now(ZoneInfo(PARIS)) + timedelta(days=1)).date()
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def test_the_date_time_field_is_read_as_a_wall_time():
    assert sched.parse_run_at("2026-12-08T09:00") == datetime(2026, 12, 8, 9, 0)
    assert sched.local_input(datetime(2026, 12, 8, 8, 0, tzinfo=UTC), PARIS) == "2026-12-08T09:00"
    for bad, words in (("", "Choose the date and time"), ("soon", "is not a date and time")):
        with pytest.raises(InvalidInput) as err:
            sched.parse_run_at(bad)
        assert words in err.value.message


async def test_the_dialog_creates_a_one_off_at_a_local_time():
    ada = await make_user()
    agent_id, graph_id = await make_agent(ada)
    dialog = await open_dialog(ada, agent_id)
    assert dialog.kind == "cron"
    await call(dialog, "set_browser_timezone", PARIS)
    assert dialog.run_at_text == tomorrow_wall()  # the first suggestion: tomorrow at 09:00 there
    await call(dialog, "set_kind", "once")
    await call(dialog, "set_run_at_text", tomorrow_wall(7, 45))
    assert dialog.preview_error == "" and dialog.preview_words.startswith("Once, on ")
    assert dialog.preview_words.endswith("at 07:45 (Europe/Paris)")
    [when] = dialog.preview_runs
    assert ", 07:45 CE" in when

    # Readable refusals in the preview, and Create writes nothing.
    await call(dialog, "set_run_at_text", "2020-01-01T09:00")
    assert "has already passed" in dialog.preview_error
    await call(dialog, "set_run_at_text", "2027-03-28T02:30")
    assert dialog.preview_error.startswith("Sun 28 Mar 2027 at 02:30 does not exist in Europe/Paris")
    await call(dialog, "submit", {"schedule_name": "Once", "in__topic": "news"})
    assert dialog.form_error == dialog.preview_error and await schedules_in_db() == 0

    await call(dialog, "set_run_at_text", tomorrow_wall(7, 45))
    await call(dialog, "submit", {"schedule_name": "Early news", "in__topic": "news"})
    assert not dialog.dialog_open and dialog.form_error == ""
    async with session_scope() as s:
        [saved] = await service.list_schedules(s, ada)
    assert saved.kind == "once" and saved.timezone == PARIS and saved.graph_id == graph_id
    assert sched.local_input(saved.run_at, PARIS) == tomorrow_wall(7, 45)


async def test_a_one_off_reads_as_ran_or_missed_and_can_be_renamed_after():
    ada = await make_user()
    _agent_id, graph_id = await make_agent(ada)
    when = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    made = []
    for name in ("Ran", "Missed"):
        async with session_scope() as s:
            made.append(
                await service.create_schedule(
                    s, ada, graph_id=graph_id, name=name, run_at=when, timezone=PARIS, inputs={"topic": "x"}
                )
            )
    async with session_scope() as s:
        ran = await fire(s, made[0].id, now=when + timedelta(seconds=1))
        assert (await fire(s, made[1].id, now=when + timedelta(days=2))).outcome == "missed"

    page = state_for(SchedulesState, ada, "/schedules")
    await call(page, "load")
    rows = {r.name: r for r in page.rows}
    assert rows["Ran"].kind == "once" and rows["Ran"].state == "Ran" and not rows["Ran"].can_resume
    assert rows["Ran"].last_run == f"Ran at {sched.format_moment(when + timedelta(seconds=1), PARIS)}"
    assert rows["Ran"].last_href == f"/runs/{ran.execution_id}" and rows["Ran"].next_run == "—"
    assert rows["Ran"].description.startswith("Once, on ") and rows["Ran"].description.endswith("(Europe/Paris)")
    assert rows["Missed"].state == "Missed" and rows["Missed"].last_run == "Missed"
    assert rows["Missed"].last_error.startswith("Missed: it was due on ") and not rows["Missed"].can_resume

    # Editing a one-off that ran: it opens as "Once, at" its time; a new name alone saves.
    dialog = state_for(ScheduleDialogState, ada, "/schedules")
    await call(dialog, "open_edit", made[0].id)
    assert dialog.kind == "once" and dialog.run_at_text == sched.local_input(when, PARIS)
    assert dialog.preview_error == "" and dialog.preview_words == made[0].description
    await call(dialog, "submit", {"schedule_name": "Ran once", "in__topic": "x"})
    assert dialog.form_error == "" and not dialog.dialog_open
    # A new time schedules it again.
    await call(dialog, "open_edit", made[0].id)
    await call(dialog, "set_run_at_text", tomorrow_wall(10, 0))
    await call(dialog, "submit", {"schedule_name": "Ran once", "in__topic": "x"})
    async with session_scope() as s:
        again = await service.get_schedule(s, ada, made[0].id)
    assert again.name == "Ran once" and again.is_active and again.description.endswith("at 10:00 (Europe/Paris)")
