"""Scheduling states without a browser: presets ↔ cron, the live preview, and the dialog and Schedules page
handlers against the real services and test database (the browser flows are in tests/e2e/test_schedules.py)."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any

import pytest
import reflex as rx
from sqlalchemy import delete, func, select, update

from autogpt_app.auth import service as auth
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput
from autogpt_app.executions import service as executions
from autogpt_app.executions.models import GraphExecution
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.scheduling import service
from autogpt_app.scheduling.firing import fire
from autogpt_app.scheduling.models import Schedule
from autogpt_app.ui.states import schedules as sched
from autogpt_app.ui.states.schedules import AgentSchedulesState, ScheduleDialogState, SchedulesState
from tests.graphs.helpers import echo_graph
from tests.library.test_updates import count_queries
from tests.ui.test_marketplace_state import set_path, state_for

# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "kwargs", "cron"),
    [
        ("hourly", {"minute_text": "15"}, "15 * * * *"),
        ("hourly", {"minute_text": "0"}, "0 * * * *"),
        ("daily", {"time_text": "07:30"}, "30 7 * * *"),
        ("weekdays", {"time_text": "08:00"}, "0 8 * * 1-5"),
        ("weekdays", {"time_text": "8:05"}, "5 8 * * 1-5"),
        ("weekly", {"time_text": "18:45", "weekday": "0"}, "45 18 * * 0"),
        ("weekly", {"time_text": "09:00", "weekday": "3"}, "0 9 * * 3"),
        ("custom", {"cron": "*/5 9-17 * * 1-5"}, "*/5 9-17 * * 1-5"),
    ],
)
def test_presets_become_cron_and_read_back_as_the_same_choice(preset, kwargs, cron):
    assert sched.preset_cron(preset, **kwargs) == cron
    choice = sched.preset_from_cron(cron)
    assert choice.preset == preset
    if preset != "custom":
        again = sched.preset_cron(
            choice.preset,
            time_text=choice.time_text,
            minute_text=choice.minute_text,
            weekday=choice.weekday,
        )
        assert again == cron


@pytest.mark.parametrize(
    ("preset", "kwargs", "message"),
    [
        ("daily", {"time_text": "25:00"}, "not a time of day"),
        ("daily", {"time_text": "soon"}, "Enter a time of day as HH:MM"),
        ("weekdays", {"time_text": ""}, "Enter a time of day as HH:MM"),
        ("hourly", {"minute_text": "60"}, "0–59"),
        ("hourly", {"minute_text": "x"}, "0–59"),
        ("weekly", {"time_text": "08:00", "weekday": "9"}, "day-of-week"),
        ("monthly", {}, "Unknown preset"),
    ],
)
def test_bad_preset_values_are_explained(preset, kwargs, message):
    with pytest.raises(InvalidInput) as error:
        sched.preset_cron(preset, **kwargs)
    assert message in error.value.message


def test_unusual_crons_are_shown_as_custom():
    assert sched.preset_from_cron("0 8 1 * *").preset == "custom"
    assert sched.preset_from_cron("0 8 * * 1-3").preset == "custom"
    assert sched.preset_from_cron("*/5 * * * *").preset == "custom"
    assert sched.preset_from_cron("0 8 * * 7").weekday == "0"  # 7 is Sunday too


def test_times_show_in_the_schedule_zone():
    moment = datetime(2030, 1, 7, 7, 0, tzinfo=UTC)
    assert sched.format_moment(moment, "Europe/Paris") == "Mon 07 Jan 2030, 08:00 CET"
    assert sched.format_moment(datetime(2030, 7, 1, 6, 0, tzinfo=UTC), "Europe/Paris").endswith("08:00 CEST")
    assert sched.format_moment(None, "UTC") == "—"


# --- states against the services ----------------------------------------------------------------


async def call(state, handler: str, *args) -> list[Any]:
    """Run an event handler on ``state`` as Reflex would; return everything it returned or yielded."""
    result = getattr(type(state), handler).fn(state, *args)
    if inspect.isasyncgen(result):
        return [item async for item in result]
    if inspect.isawaitable(result):
        result = await result
    return [] if result is None else [result]


def names(events: list[Any]) -> list[str]:
    """The handler names of the events a handler returned (flattening lists; specs and bare handlers)."""
    flat: list[Any] = []
    for item in events:
        flat.extend(item if isinstance(item, list) else [item])
    handlers = [getattr(e, "handler", e) for e in flat]
    return [h.fn.__name__ for h in handlers if hasattr(h, "fn")]


async def make_user(email: str = "ada@example.com", name: str = "Ada"):
    async with session_scope() as s:
        return await auth.signup(s, email=email, display_name=name, password="violet-harbour-42")


async def make_agent(user, doc=None) -> tuple[str, str]:
    """An agent in the user's library; return (library id, graph id)."""
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc or echo_graph()))
        agent = await library.add_graph(s, user, graph.id, source="created")
    return agent.id, graph.id


async def schedules_in_db() -> int:
    async with session_scope() as s:
        return int((await s.execute(select(func.count()).select_from(Schedule))).scalar_one())


async def open_dialog(user, agent_id: str) -> ScheduleDialogState:
    dialog = state_for(ScheduleDialogState, user, f"/library/agent/{agent_id}")
    events = await call(dialog, "open_create", agent_id)
    assert dialog.dialog_open and dialog.ready and not dialog.loading
    # The last thing it does is ask the browser for its time zone.
    assert "_call_script" in str(events[-1]) and "resolvedOptions().timeZone" in str(events[-1])
    return dialog


async def test_the_dialog_previews_presets_in_the_chosen_zone_and_creates_the_schedule():
    ada = await make_user()
    agent_id, graph_id = await make_agent(ada)
    dialog = await open_dialog(ada, agent_id)
    assert dialog.agent_name == dialog.name == "Echo"
    assert [f.name for f in dialog.fields] == ["topic"]
    assert dialog.timezone == "UTC" and dialog.preview_words == "At 09:00" and len(dialog.preview_runs) == 5

    # The browser's zone becomes the default; an invalid answer is ignored.
    await call(dialog, "set_browser_timezone", "Not/AZone")
    assert dialog.timezone == "UTC"
    await call(dialog, "set_browser_timezone", "America/New_York")
    assert dialog.timezone == "America/New_York" and dialog.preview_runs[0].endswith(("EST", "EDT"))

    await call(dialog, "set_preset", "weekdays")
    await call(dialog, "set_time_text", "08:00")
    await call(dialog, "set_timezone", "Europe/Paris")
    assert dialog.preview_cron == "0 8 * * 1-5"
    assert dialog.preview_words == "At 08:00, Monday through Friday"
    assert len(dialog.preview_runs) == 5 and dialog.preview_error == ""
    assert all(", 08:00 CE" in run and run[:3] in {"Mon", "Tue", "Wed", "Thu", "Fri"} for run in dialog.preview_runs)
    # Once the user chose a zone, the browser's no longer replaces it.
    await call(dialog, "set_browser_timezone", "Asia/Tokyo")
    assert dialog.timezone == "Europe/Paris"

    # Invalid time zone and cron: the readable message instead of a preview, and nothing is written.
    await call(dialog, "set_timezone", "Mars/Olympus")
    assert "Unknown time zone 'Mars/Olympus'" in dialog.preview_error and dialog.preview_runs == []
    await call(dialog, "set_timezone", "Europe/Paris")
    await call(dialog, "set_preset", "custom")
    assert dialog.cron_text == "0 8 * * 1-5"  # custom starts from the preset's cron
    await call(dialog, "set_cron_text", "61 8 * * *")
    assert dialog.preview_error == "minute must be 0–59, not 61."
    await call(dialog, "submit", {"schedule_name": "Morning", "in__topic": "news"})
    assert dialog.form_error == "minute must be 0–59, not 61." and dialog.dialog_open
    assert await schedules_in_db() == 0

    # The run's own checks: a required input left empty is named next to its field; nothing is written.
    await call(dialog, "set_cron_text", "0 8 * * 1-5")
    await call(dialog, "submit", {"schedule_name": "Morning", "in__topic": ""})
    assert dialog.form_error and dialog.field_errors.get("topic")
    assert await schedules_in_db() == 0
    await call(dialog, "submit", {"schedule_name": "   ", "in__topic": "news"})
    assert dialog.form_error == "A schedule needs a name." and await schedules_in_db() == 0

    events = await call(dialog, "submit", {"schedule_name": "  Morning   news ", "in__topic": "news"})
    assert not dialog.dialog_open and dialog.form_error == "" and not dialog.saving
    assert "created" in names(events)
    async with session_scope() as s:
        [saved] = await service.list_schedules(s, ada)
    assert saved.name == "Morning news" and saved.cron == "0 8 * * 1-5" and saved.timezone == "Europe/Paris"
    assert saved.graph_id == graph_id and saved.inputs == {"topic": "news"}
    dialog.dialog_open = True
    await call(dialog, "close")  # on_load of the pages: an open dialog does not follow a navigation
    assert not dialog.dialog_open

    # The agent's page lists it, with a notice linking to the Schedules page.
    agent_list = state_for(AgentSchedulesState, ada, f"/library/agent/{agent_id}")
    await call(agent_list, "created", "Morning news")
    assert agent_list.notice == "Scheduled “Morning news”."
    [row] = agent_list.agent_rows
    assert row.name == "Morning news" and row.description == "At 08:00, Monday through Friday"
    assert row.timezone == "Europe/Paris" and row.is_active and ", 08:00 CE" in row.next_run


async def test_the_dialog_refuses_another_users_agent_and_a_dead_session():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    agent_id, _ = await make_agent(ada)
    dialog = state_for(ScheduleDialogState, bob, f"/library/agent/{agent_id}")
    await call(dialog, "open_create", agent_id)
    assert not dialog.ready and dialog.form_error
    await call(dialog, "submit", {"schedule_name": "Mine now", "in__topic": "x"})
    assert await schedules_in_db() == 0

    dialog = await open_dialog(ada, agent_id)
    dialog.token = "not-a-token"
    events = await call(dialog, "submit", {"schedule_name": "Late", "in__topic": "x"})
    assert await schedules_in_db() == 0 and dialog.dialog_open
    assert any("login" in str(e) for e in events)  # the session ended: to the login page


async def test_schedules_page_pages_pauses_resumes_edits_and_deletes():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    agent_id, graph_id = await make_agent(ada)
    created = []
    async with session_scope() as s:
        for i in range(12):
            created.append(
                await service.create_schedule(
                    s,
                    ada,
                    graph_id=graph_id,
                    name=f"S{i:02d}",
                    cron="0 8 * * 1-5",
                    timezone="Europe/Paris",
                    inputs={"topic": f"t{i}"},
                )
            )
    _bobs_agent, bobs_graph = await make_agent(bob, echo_graph("Bob's"))
    async with session_scope() as s:
        bobs = await service.create_schedule(
            s, bob, graph_id=bobs_graph, name="Bob's", cron="@daily", inputs={"topic": "b"}
        )

    page = state_for(SchedulesState, ada, "/schedules")
    await call(page, "load")
    assert page.loaded and len(page.rows) == sched.PAGE_SIZE and page.has_next and page.page == 1
    assert page.total == 12 and page.range_label == "1–10 of 12"  # Bob's schedule is not counted
    assert page.rows[0].name == "S11"  # newest first
    first = page.rows[0]
    assert first.agent_name == "Echo" and first.agent_href == f"/library/agent/{agent_id}"
    assert first.description == "At 08:00, Monday through Friday" and first.timezone == "Europe/Paris"
    assert ", 08:00 CE" in first.next_run and first.last_run == "Never" and first.last_status == ""
    await call(page, "next_page")
    assert [r.name for r in page.rows] == ["S01", "S00"] and not page.has_next and page.page == 2
    assert page.range_label == "11–12 of 12"
    await call(page, "next_page")
    assert page.page == 2
    # A page past the end (schedules deleted elsewhere since): the last page instead of an empty one.
    page.page = 4
    await call(page, "refresh")
    assert page.page == 2 and [r.name for r in page.rows] == ["S01", "S00"] and page.range_label == "11–12 of 12"
    await call(page, "prev_page")
    assert page.page == 1 and len(page.rows) == sched.PAGE_SIZE and page.has_next

    target = created[-1].id
    await call(page, "pause", target)
    assert not page.rows[0].is_active and page.rows[0].next_run == "Paused"
    async with session_scope() as s:
        assert not (await service.get_schedule(s, ada, target)).is_active
    await call(page, "resume", target)
    assert page.rows[0].is_active and page.rows[0].next_run != "Paused"

    # Another user's schedule: refused with the service's message, and left alone.
    await call(page, "pause", bobs.id)
    assert page.schedules_error == "No such schedule."
    await call(page, "delete", bobs.id)
    async with session_scope() as s:
        assert (await service.get_schedule(s, bob, bobs.id)).is_active

    # Edit: the dialog shows the stored choice, zone and inputs; saving changes them.
    dialog = state_for(ScheduleDialogState, ada, "/schedules")
    await call(dialog, "open_edit", target)
    assert dialog.mode == "edit" and dialog.ready and dialog.name == "S11"
    assert dialog.preset == "weekdays" and dialog.time_text == "08:00" and dialog.timezone == "Europe/Paris"
    assert dialog.values == {"topic": "t11"} and dialog.agent_name == "Echo"
    await call(dialog, "set_preset", "weekly")
    await call(dialog, "set_weekday", "5")
    await call(dialog, "set_time_text", "17:15")
    assert dialog.preview_words == "At 17:15, only on Friday"
    events = await call(dialog, "submit", {"schedule_name": "Friday wrap-up", "in__topic": "week"})
    assert not dialog.dialog_open and "refresh" in names(events)
    async with session_scope() as s:
        edited = await service.get_schedule(s, ada, target)
    assert edited.name == "Friday wrap-up" and edited.cron == "15 17 * * 5" and edited.inputs == {"topic": "week"}
    assert edited.timezone == "Europe/Paris"

    # A bad edit changes nothing.
    await call(dialog, "open_edit", target)
    await call(dialog, "set_timezone", "Nowhere/Land")
    await call(dialog, "submit", {"schedule_name": "Broken", "in__topic": "week"})
    assert "Unknown time zone" in dialog.form_error
    async with session_scope() as s:
        assert (await service.get_schedule(s, ada, target)).name == "Friday wrap-up"
    other = state_for(ScheduleDialogState, bob, "/schedules")
    await call(other, "open_edit", target)
    assert not other.ready and other.form_error == "No such schedule."

    await call(page, "refresh")
    assert page.rows[0].name == "Friday wrap-up"
    await call(page, "delete", target)
    assert target not in [r.id for r in page.rows]
    assert await schedules_in_db() == 12  # 11 of Ada's + Bob's

    # Deleting the only row of the last page falls back to the page before it (here the first).
    await call(page, "next_page")
    assert [r.name for r in page.rows] == ["S00"] and page.range_label == "11 of 11"
    await call(page, "delete", created[0].id)
    assert page.page == 1 and len(page.rows) == sched.PAGE_SIZE and not page.has_next
    assert page.total == 10 and page.range_label == "1–10 of 10"


async def test_last_run_shows_the_runs_status_and_links_to_it():
    ada = await make_user()
    agent_id, graph_id = await make_agent(ada)
    async with session_scope() as s:
        created = await service.create_schedule(
            s, ada, graph_id=graph_id, name="Often", cron="*/10 * * * *", timezone="UTC", inputs={"topic": "x"}
        )
    due = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id == created.id).values(next_run_at=due))
    async with session_scope() as s:
        result = await fire(s, created.id, now=due)
    assert result.outcome == "fired"

    page = state_for(SchedulesState, ada, "/schedules")
    await call(page, "load")
    [row] = page.rows
    assert row.last_run == "Mon 07 Jan 2030, 09:00 UTC"
    assert row.last_status == "QUEUED" and row.last_href == f"/runs/{result.execution_id}"

    # The run's status now, whatever the firing recorded.
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id == created.id).values(last_status="RECORDED"))
        await s.execute(
            update(GraphExecution).where(GraphExecution.id == result.execution_id).values(status="COMPLETED")
        )
    await call(page, "refresh")
    assert page.rows[0].last_status == "COMPLETED" and page.rows[0].last_href == f"/runs/{result.execution_id}"

    # Another user's run id: never its status nor a link, only what was recorded.
    bob = await make_user("bob@example.com", "Bob")
    _bobs_agent, bobs_graph = await make_agent(bob, echo_graph("Bob's"))
    async with session_scope() as s:
        bobs_run = await executions.add_graph_execution(s, bob, bobs_graph, inputs={"topic": "b"})
        await s.execute(update(Schedule).where(Schedule.id == created.id).values(last_execution_id=bobs_run.id))
    await call(page, "refresh")
    assert page.rows[0].last_status == "RECORDED" and page.rows[0].last_href == ""

    # A run removed since: what the firing recorded, without a link.
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id == created.id).values(last_execution_id=result.execution_id))
        await s.execute(delete(GraphExecution).where(GraphExecution.id == result.execution_id))
    await call(page, "refresh")
    assert page.rows[0].last_status == "RECORDED" and page.rows[0].last_href == ""

    agent_list = state_for(AgentSchedulesState, ada, f"/library/agent/{agent_id}")
    await call(agent_list, "load")
    assert [r.id for r in agent_list.agent_rows] == [created.id] and not agent_list.more


async def test_a_page_of_rows_costs_the_same_few_queries_however_many_rows():
    ada = await make_user()
    _agent_id, graph_id = await make_agent(ada)
    _other_agent, other_graph = await make_agent(ada, echo_graph("Other"))
    due = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    async with session_scope() as s:
        made = [
            await service.create_schedule(
                s, ada, graph_id=g, name=f"S{i}", cron="*/10 * * * *", timezone="UTC", inputs={"topic": "x"}
            )
            for i, g in enumerate([graph_id, other_graph, graph_id, other_graph])
        ]
        await s.execute(update(Schedule).values(next_run_at=due))
    for schedule in made:
        async with session_scope() as s:
            assert (await fire(s, schedule.id, now=due)).outcome == "fired"
    async with session_scope() as s:
        found = await service.list_schedules(s, ada)
        with count_queries() as one:
            [first] = await sched.schedule_rows(s, ada, found[:1])
        with count_queries() as four:
            rows = await sched.schedule_rows(s, ada, found)
    assert len(one) == len(four) == 2  # the agents' entries, and the last runs' statuses
    assert {r.agent_name for r in rows} == {"Echo", "Other"}
    assert all(r.last_status == "QUEUED" and r.last_href.startswith("/runs/") for r in rows)
    assert first.id == rows[0].id


def test_the_dialogs_inputs_have_their_own_ids_and_the_run_form_keeps_its_own():
    """With the dialog open over an agent's page, a label must focus the dialog's input, not the run form's."""
    from autogpt_app.ui.components.run_form import RunField, run_field
    from autogpt_app.ui.components.schedule_dialog import INPUT_ID_PREFIX, schedule_dialog

    dialog = str(schedule_dialog())
    assert f'id:("{INPUT_ID_PREFIX}"+field' in dialog and f'htmlFor:("{INPUT_ID_PREFIX}"+field' in dialog
    assert '"run-"' not in dialog
    field = RunField(name="topic", title="Topic", kind="text")
    default = str(run_field(field, rx.Var.create(""), rx.Var.create("")))
    assert 'id:"run-topic"' in default and 'htmlFor:"run-topic"' in default
    other = str(run_field(field, rx.Var.create(""), rx.Var.create(""), id_prefix="elsewhere-"))
    assert 'id:"elsewhere-topic"' in other and 'htmlFor:"elsewhere-topic"' in other and "run-topic" not in other


async def test_agent_schedules_show_only_that_agents_few():
    ada = await make_user()
    agent_id, graph_id = await make_agent(ada)
    _other_agent, other_graph = await make_agent(ada, echo_graph("Other"))
    async with session_scope() as s:
        for i in range(sched.AGENT_SCHEDULES_SHOWN + 1):
            await service.create_schedule(
                s, ada, graph_id=graph_id, name=f"A{i}", cron="@hourly", inputs={"topic": "x"}
            )
        await service.create_schedule(s, ada, graph_id=other_graph, name="Other", cron="@hourly", inputs={"topic": "x"})
    agent_list = state_for(AgentSchedulesState, ada, f"/library/agent/{agent_id}")
    await call(agent_list, "load")
    assert len(agent_list.agent_rows) == sched.AGENT_SCHEDULES_SHOWN and agent_list.more
    assert "Other" not in [r.name for r in agent_list.agent_rows]
    set_path(agent_list, "/library/agent/unknown")
    await call(agent_list, "load")
    assert agent_list.agent_rows == [] and agent_list.agent_schedules_error == ""


def test_the_states_are_registered_under_the_auth_state():
    for cls in (ScheduleDialogState, AgentSchedulesState, SchedulesState):
        assert issubclass(cls, rx.State) and cls.get_parent_state().__name__ == "AuthState"
