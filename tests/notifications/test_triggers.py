"""Run-end and new-version notifications, produced by real runs through the runner and a real review:
exactly once per run, the right type (scheduled failures apart), none for stops and sub-agent runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update

from autogpt_app.bus import get_bus, user_channel
from autogpt_app.db import session_scope
from autogpt_app.executions import runner as runner_module
from autogpt_app.executions import service as executions
from autogpt_app.executions.models import ExecutionStatus, GraphExecution
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.library import service as library
from autogpt_app.notifications import preferences, triggers
from autogpt_app.notifications.models import EmailOutbox, Notification
from autogpt_app.scheduling import service as schedules
from autogpt_app.scheduling.firing import fire
from autogpt_app.scheduling.models import Schedule
from tests.executions.test_runner import finished, make_user
from tests.executions.test_subagents import parent_graph
from tests.graphs.helpers import CALC, OUTPUT, SHORT_TEXT, echo_graph, greeting_graph, link, node, slow_graph


def failing_graph(name: str = "Divider") -> dict:
    return {
        "name": name,
        "nodes": [
            node("in", SHORT_TEXT, name="topic"),
            node("calc", CALC, operation="Divide", a=1, b=0),
            node("out", OUTPUT, name="r"),
        ],
        "links": [link("calc", "result", "out", "value")],
    }


async def save(user, doc, *, in_library: bool = False):
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        if in_library:
            await library.add_graph(s, user, graph.id, source="created")
    return graph


async def start(user, graph_id: str, **inputs) -> str:
    async with session_scope() as s:
        return (await executions.add_graph_execution(s, user, graph_id, inputs=inputs)).id


async def notes(user_id: str | None = None) -> list[Notification]:
    async with session_scope() as s:
        query = select(Notification).order_by(Notification.created_at)
        if user_id:
            query = query.where(Notification.user_id == user_id)
        return list((await s.execute(query)).scalars())


async def test_a_completed_run_notifies_its_owner_exactly_once():
    user = await make_user()
    graph = await save(user, greeting_graph(), in_library=True)
    execution_id = await start(user, graph.id, name="Ada")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    [note] = await notes()
    assert note.user_id == user.id and note.type == "run_completed" and note.read_at is None
    assert note.link == f"/runs/{execution_id}" and "Greeter" in note.title
    assert note.data == {"execution_id": execution_id, "graph_id": graph.id, "status": "COMPLETED"}
    # A duplicate message, a recovered worker, or a second finish of the same run: nothing more.
    assert await GraphRunner(execution_id).run() is None
    late = GraphRunner(execution_id)
    late.user_id, late.depth = user.id, 0
    try:
        await late._finish(ExecutionStatus.FAILED, "x")
    finally:
        await late.recorder.close()
    assert [n.type for n in await notes()] == ["run_completed"]
    assert (await finished(user, execution_id)).status == "COMPLETED"


async def test_the_quick_insert_names_the_agent_as_the_library_does_and_is_pushed_live():
    """The one-statement path writes what the full path would: the library's name for the agent."""
    user = await make_user()
    graph = await save(user, greeting_graph())
    async with session_scope() as s:
        entry = await library.add_graph(s, user, graph.id, source="created")
        await library.update(s, user, entry.id, name="My morning greeter")
    execution_id = await start(user, graph.id, name="Ada")
    async with get_bus().subscribe(user_channel(user.id)) as events:
        assert await GraphRunner(execution_id).run() == "COMPLETED"
        pushed = [e async for e in _until_notification(events)]
    [note] = await notes()
    assert (note.title, note.body) == ("“My morning greeter” finished", "The run completed.")
    assert pushed[-1].data["id"] == note.id and pushed[-1].data["title"] == note.title


async def _until_notification(events):
    while True:
        event = await asyncio.wait_for(anext(events), 5)
        yield event
        if event.type == "notification":
            return


async def test_concurrent_finishers_notify_once():
    """Two workers racing to record the end (a lease taken over mid-finish): one row, one status."""
    user = await make_user()
    graph = await save(user, greeting_graph())
    execution_id = await start(user, graph.id, name="Ada")
    racers = [GraphRunner(execution_id) for _ in range(3)]
    for racer in racers:
        racer.user_id, racer.depth = user.id, 0
    try:
        await asyncio.gather(*(r._finish(ExecutionStatus.COMPLETED, None) for r in racers))
    finally:
        for racer in racers:
            await racer.recorder.close()
    assert [n.type for n in await notes()] == ["run_completed"]


async def test_a_failed_run_says_why_and_links_to_the_run():
    user = await make_user()
    graph = await save(user, failing_graph())
    execution_id = await start(user, graph.id, topic="x")
    assert await GraphRunner(execution_id).run() == "FAILED"
    [note] = await notes()
    assert note.type == "run_failed" and note.title == "“Divider” failed"
    assert "zero" in note.body.lower() and note.link == f"/runs/{execution_id}"


async def test_a_stopped_run_and_sub_agent_runs_notify_nothing_of_their_own():
    user = await make_user()
    slow = await save(user, slow_graph(30))
    execution_id = await start(user, slow.id)
    task = asyncio.create_task(GraphRunner(execution_id).run())
    for _ in range(50):
        await asyncio.sleep(0.1)
        if (await finished(user, execution_id)).status == "RUNNING":
            break
    async with session_scope() as s:
        await executions.stop_execution(s, user, execution_id)
    assert await asyncio.wait_for(task, 5) == "TERMINATED"
    assert await notes() == []

    child = await save(user, greeting_graph())
    parent = await save(user, parent_graph(child.id))
    parent_run = await start(user, parent.id, who="Ada")
    assert await GraphRunner(parent_run).run() == "COMPLETED"
    async with session_scope() as s:
        child_runs = (
            await s.execute(
                select(func.count()).select_from(GraphExecution).where(GraphExecution.parent_execution_id == parent_run)
            )
        ).scalar_one()
    assert child_runs == 1
    assert [(n.type, n.data["execution_id"]) for n in await notes()] == [("run_completed", parent_run)]


async def test_a_scheduled_run_that_fails_is_a_scheduled_run_failed():
    user = await make_user()
    graph = await save(user, failing_graph("Nightly division"), in_library=True)
    async with session_scope() as s:
        created = await schedules.create_schedule(
            s, user, graph_id=graph.id, name="Every night", cron="* * * * *", timezone="UTC", inputs={"topic": "x"}
        )
    due = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    async with session_scope() as s:
        await s.execute(update(Schedule).where(Schedule.id == created.id).values(next_run_at=due))
    async with session_scope() as s:
        result = await fire(s, created.id, now=due)
    assert result.outcome == "fired"
    async with session_scope() as s:
        run = await s.get(GraphExecution, result.execution_id)
    assert run.schedule_id == created.id
    assert await GraphRunner(result.execution_id).run() == "FAILED"
    [note] = await notes()
    assert note.type == "scheduled_run_failed" and note.title == "Scheduled run “Every night” failed"
    assert note.data["schedule_id"] == created.id and note.link == f"/runs/{result.execution_id}"
    # A manual run of the same agent that fails is a plain run_failed.
    manual = await start(user, graph.id, topic="x")
    assert await GraphRunner(manual).run() == "FAILED"
    assert [n.type for n in await notes()] == ["scheduled_run_failed", "run_failed"]


async def test_a_broken_notification_never_fails_the_run(monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("notification store is down")

    # Both ways are broken: the one-statement insert (which then hands over) and the full one.
    monkeypatch.setattr(triggers, "RUN_COMPLETED_FAST", text("SELECT * FROM no_such_table"))
    # On PostgreSQL the run's end and its notification are one statement: break that too.
    monkeypatch.setattr(runner_module, "_completed_statement", lambda _with_node: text("SELECT * FROM no_such_table"))
    monkeypatch.setattr(triggers, "notify_run_end", broken)
    user = await make_user()
    graph = await save(user, greeting_graph())
    execution_id = await start(user, graph.id, name="Ada")
    assert await GraphRunner(execution_id).run() == "COMPLETED"
    result = await finished(user, execution_id)
    assert result.status == "COMPLETED" and result.outputs == {"greeting": ["Hello Ada!"]}
    assert await notes() == []
    assert "could not create its notification" in caplog.text


async def test_turned_off_run_notifications_are_not_recorded_and_email_ones_are_queued():
    user = await make_user()
    async with session_scope() as s:
        await preferences.set_preference(s, user, "run_completed", "off")
        await preferences.set_preference(s, user, "run_failed", "email")
    ok = await save(user, greeting_graph())
    bad = await save(user, failing_graph())
    assert await GraphRunner(await start(user, ok.id, name="Ada")).run() == "COMPLETED"
    assert await GraphRunner(await start(user, bad.id, topic="x")).run() == "FAILED"
    assert [n.type for n in await notes()] == ["run_failed"]
    async with session_scope() as s:
        [mail] = (await s.execute(select(EmailOutbox))).scalars().all()
    assert mail.user_id == user.id and mail.status == "queued" and mail.subject == "“Divider” failed"


# --- new_version --------------------------------------------------------------------------------------


async def test_new_version_notifies_every_library_owner_but_the_creator_and_those_who_opted_out():
    from autogpt_app.auth.models import Role, User
    from autogpt_app.store import service as store

    async def person(email: str, *, admin: bool = False) -> User:
        async with session_scope() as s:
            user = User(
                email=email, display_name=email[:3], password_hash="!", role=(Role.ADMIN if admin else Role.USER).value
            )
            s.add(user)
        return user

    creator, admin = await person("cre@example.com"), await person("adm@example.com", admin=True)
    keen, quiet, mailer, stranger = [await person(f"{n}@example.com") for n in ("kee", "qui", "mai", "str")]
    graph = await save(creator, echo_graph("Uptime"))
    async with session_scope() as s:
        first = await store.submit(s, creator, graph_id=graph.id, name="Uptime", subheading="Up?", description="d")
    async with session_scope() as s:
        await store.review(s, admin, first.version_id, approve=True)
    async with session_scope() as s:
        await library.add_from_listing(s, creator, first.slug)  # the creator's own copy: never told
        for user in (keen, quiet, mailer):
            await library.add_from_listing(s, user, first.slug)
        await preferences.set_preference(s, quiet, "new_version", "off")
        await preferences.set_preference(s, mailer, "new_version", "email")
    async with session_scope() as s:
        version2 = await graphs.add_version(s, creator, graph.id, GraphSpec.model_validate(echo_graph("Uptime v2")))
        second = await store.submit(s, creator, graph_id=version2.id, name="Uptime", subheading="Up?", description="d")
    before = {n.id for n in await notes()}
    # Approving the new version tells the people who keep the agent (store.review calls the trigger).
    async with session_scope() as s:
        await store.review(s, admin, second.version_id, approve=True)
    new = [n for n in await notes() if n.id not in before and n.type == "new_version"]
    assert len(new) == 2
    assert sorted(n.user_id for n in new) == sorted([keen.id, mailer.id])
    assert {n.type for n in new} == {"new_version"} and {n.link for n in new} == {f"/marketplace/agent/{first.slug}"}
    assert all(
        n.data == {"listing_id": second.listing_id, "listing_version_id": second.version_id, "version": 2} for n in new
    )
    assert all("Uptime" in n.title for n in new)
    async with session_scope() as s:
        [mail] = (await s.execute(select(EmailOutbox))).scalars().all()
    assert mail.user_id == mailer.id and "Uptime" in mail.subject
    assert stranger.id not in {n.user_id for n in new}
    async with session_scope() as s:
        assert await triggers.notify_new_version(s, second.listing_id, "no-such-version") == 0


async def test_new_version_uses_a_bounded_number_of_statements():
    from sqlalchemy import event

    from autogpt_app.auth.models import Role, User
    from autogpt_app.db import get_engine
    from autogpt_app.store import service as store

    async with session_scope() as s:
        creator = User(email="cre@example.com", display_name="Cre", password_hash="!")
        admin = User(email="adm@example.com", display_name="Adm", password_hash="!", role=Role.ADMIN.value)
        owners = [User(email=f"u{i}@example.com", display_name=f"U{i}", password_hash="!") for i in range(30)]
        s.add_all([creator, admin, *owners])
    graph = await save(creator, echo_graph("Popular"))
    async with session_scope() as s:
        sub = await store.submit(s, creator, graph_id=graph.id, name="Popular", subheading="s", description="d")
    async with session_scope() as s:
        await store.review(s, admin, sub.version_id, approve=True)
    async with session_scope() as s:
        for i, user in enumerate(owners):
            await library.add_from_listing(s, user, sub.slug)
            if i % 3 == 0:
                await preferences.set_preference(s, user, "new_version", "email")
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = get_engine().sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with session_scope() as s:
            assert await triggers.notify_new_version(s, sub.listing_id, sub.version_id) == 30
    finally:
        event.remove(engine, "before_cursor_execute", count)
    writes = [st for st in statements if st.lstrip().upper().startswith(("INSERT", "SELECT", "UPDATE"))]
    assert len(writes) <= 6, writes
    async with session_scope() as s:
        assert (
            await s.execute(select(func.count()).select_from(EmailOutbox).where(EmailOutbox.kind == "notification"))
        ).scalar_one() == 10
