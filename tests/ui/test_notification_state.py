"""The notification bell and centre without a browser: helpers, the live follow loop, and the handlers.

The handlers run against the real services and test database, as the pages call them; the
browser flows are in ``tests/e2e/test_notifications.py``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from autogpt_app.auth import service as auth_service
from autogpt_app.bus import get_bus, user_channel
from autogpt_app.db import session_scope
from autogpt_app.executions import service as executions
from autogpt_app.executions.runner import GraphRunner
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import GraphSpec
from autogpt_app.notifications import preferences, service
from autogpt_app.notifications.models import NotificationPublic
from autogpt_app.ui import live
from autogpt_app.ui.components import notification_rows as rows
from autogpt_app.ui.states import notifications as n
from autogpt_app.ui.states.notifications import NotificationBellState, NotificationCentreState
from tests.graphs.helpers import node
from tests.store.test_service import make_user
from tests.ui.test_live import Locked, cancelled, wait_until
from tests.ui.test_marketplace_state import args, call, set_path, state_for

SEND_NOTIFICATION = "044c8d8f-31c8-4b3d-b5d4-a3aab189d30d"
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


async def notify(user, title: str = "Report ready", **fields: Any) -> NotificationPublic:
    values = {"type": "agent_message", "body": "Done.", **fields}
    async with session_scope() as s:
        return await service.create_notification(s, user.id, title=title, **values)


def toast(event) -> str:
    """The JavaScript a toast event runs (it holds the message)."""
    return str(args(event)["function"])


# --- pure helpers -------------------------------------------------------------------------------


def test_labels():
    assert rows.count_label(0) == "0" and rows.count_label(99) == "99" and rows.count_label(100) == "99+"
    assert rows.range_label(20, 5, 25) == "21–25 of 25" and rows.range_label(0, 0, 0) == "0 of 0"
    assert rows.snippet("a\n\n b   c") == "a b c"
    long = rows.snippet("word " * 100)
    assert len(long) == rows.SNIPPET_CHARS and long.endswith("…")
    assert rows.type_label("run_failed") == preferences.NOTIFICATION_TYPES["run_failed"]
    assert rows.type_label("weekly.report") == "Weekly report"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/runs/abc", "/runs/abc"),
        ("https://example.com/r?x=1", "https://example.com/r?x=1"),
        ("javascript:alert(1)", ""),
        ("//evil.example.com", ""),
        ("/\\evil.example.com", ""),
        ("data:text/html,hi", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_same_site_paths_and_web_addresses_are_followed(link, expected):
    assert rows.safe_link(link) == expected
    event = rows.go_to(link)
    if not expected:
        assert event is None
    else:
        assert args(event)["path"] == expected
        assert args(event)["external"] is expected.startswith("http")


def test_a_row_shows_title_snippet_time_and_a_safe_link():
    item = NotificationPublic(
        id="x",
        type="run_failed",
        title="Run failed",
        body="Line one\nline two",
        link="javascript:alert(1)",  # never stored by the service, and still not followed if it were
        created_at=NOW - timedelta(minutes=3),
    )
    row = rows.to_row(item, now=NOW)
    assert (row.title, row.snippet, row.when, row.unread, row.href) == (
        "Run failed",
        "Line one line two",
        "3 minutes ago",
        True,
        "",
    )
    assert row.type_label == preferences.NOTIFICATION_TYPES["run_failed"]
    assert row.when_full == "10 May 2024, 11:57:00 UTC"
    # On the viewer's clock when the browser told their zone.
    assert rows.to_row(item, now=NOW, zone="Europe/Paris").when_full == "10 May 2024, 13:57:00 CEST"


# --- following the user's channel ---------------------------------------------------------------


async def test_a_notification_from_an_agent_run_reaches_a_following_page():
    """The runner records the notification and the bus wakes the follower, which reads the new count."""
    user = await make_user()
    token = auth_service.issue_token(user)
    counts: list[int] = []
    changed = asyncio.Event()

    async def refresh() -> bool:
        view = await n.read_bell(token, with_items=False)
        assert view is not None
        counts.append(view.unread)
        changed.set()
        return True

    doc = {"name": "Notifier", "nodes": [node("note", SEND_NOTIFICATION, title="Report ready", link="/library")]}
    async with session_scope() as s:
        graph = await graphs.create_graph(s, user, GraphSpec.model_validate(doc))
        run = await executions.add_graph_execution(s, user, graph.id)
    task = asyncio.create_task(
        live.follow_channel(user_channel(user.id), refresh, max_seconds=60, fallback_interval=60, coalesce=0.05)
    )
    try:
        await asyncio.wait_for(changed.wait(), 3)
        assert counts == [0]
        assert await GraphRunner(run.id).run() == "COMPLETED"
        async with session_scope() as s:
            stored = await service.list_notifications(s, user)
        assert "Report ready" in [r.title for r in stored]  # the agent's message (and the run's end, if on)
        async with asyncio.timeout(3):  # long before the 60 s fallback read
            while counts[-1] != len(stored):
                changed.clear()
                await changed.wait()
    finally:
        await cancelled(task)
    assert await n.read_bell("not-a-token", with_items=False) is None
    assert get_bus().subscriber_count == 0


async def test_the_bell_watch_keeps_the_count_live_until_a_newer_load_takes_over(monkeypatch):
    """The bell's own background task: counts (and the open dropdown) follow new notifications."""
    monkeypatch.setattr(n, "COALESCE_SECONDS", 0.02)
    ada = await make_user()
    await notify(ada, "Old")
    bell = await logged_in(NotificationBellState, ada, "/notifications")
    await call(bell, "start")
    watch_id = bell._watch_id
    task = asyncio.create_task(NotificationBellState.watch.fn(Locked(bell)))
    try:
        await wait_until(lambda: bell.live and bell.unread == 1)  # read once subscribed
        assert not bell.items_loaded  # a closed dropdown reads the count only
        bell.menu_open = True
        await notify(ada, "Fresh")  # published on the user's channel: read long before the fallback
        await wait_until(lambda: bell.unread == 2 and bell.items_loaded)
        assert [r.title for r in bell.items] == ["Fresh", "Old"]
        centre = await bell.get_state(NotificationCentreState)
        assert centre.has_new  # the open centre offers to show it

        await call(bell, "start")  # a newer page load: the old task stops at its next step
        assert bell._watch_id != watch_id and not bell.live
        await notify(ada, "After")
        await asyncio.wait_for(task, 3)
        assert bell.unread == 2 and not bell.live  # the newer load's task (not run here) owns the bell now
    finally:
        if not task.done():
            await cancelled(task)
    assert get_bus().subscriber_count == 0


# --- the bell -----------------------------------------------------------------------------------


async def logged_in(cls, user, path: str = "/library", query: dict[str, str] | None = None):
    state = state_for(cls, user, path, query)
    await call(state, "check_login")
    return state


async def test_the_bell_starts_one_watch_per_load_and_only_for_a_user():
    user = await make_user()
    bell = await logged_in(NotificationBellState, user)
    event = await call(bell, "start")
    first = bell._watch_id
    assert first and event.fn.__name__ == NotificationBellState.watch.fn.__name__
    await call(bell, "start")  # a newer load: the older task sees another id and stops
    assert bell._watch_id and bell._watch_id != first

    visitor = state_for(NotificationBellState, user, "/library")
    visitor.token = ""
    await call(visitor, "check_login")
    assert await call(visitor, "start") is None and visitor._watch_id == ""


async def test_the_bell_dropdown_lists_marks_deletes_and_opens():
    ada, bob = await make_user(), await make_user("bob@example.com", "Bob")
    for i in range(10):
        await notify(ada, f"Note {i}")
    linked = await notify(ada, "Run finished", link="/runs/r1", type="run_completed")
    outside = await notify(ada, "Docs", link="https://example.com/docs")
    theirs = await notify(bob, "Bob's")

    bell = await logged_in(NotificationBellState, ada)
    await call(bell, "set_menu_open", True)
    assert bell.menu_open and bell.items_loaded and bell.unread == 12 and bell.unread_label == "12"
    assert len(bell.items) == n.BELL_ITEMS and [r.title for r in bell.items[:2]] == ["Docs", "Run finished"]
    assert bell.items[1].href == "/runs/r1" and bell.items[1].type_label == "A run finished"

    event = await call(bell, "open_item", linked.id)  # marked read, then off to its page
    assert args(event)["path"] == "/runs/r1" and not args(event)["external"]
    assert bell.unread == 11
    assert not next(r for r in bell.items if r.id == linked.id).unread

    event = await call(bell, "open_item", outside.id)
    assert args(event)["path"] == "https://example.com/docs" and args(event)["external"]

    await call(bell, "set_menu_open", True)
    await call(bell, "mark_read", bell.items[2].id)
    assert bell.unread == 9
    await call(bell, "delete", bell.items[0].id)
    assert outside.id not in [r.id for r in bell.items] and len(bell.items) == n.BELL_ITEMS

    event = await call(bell, "open_item", theirs.id)  # another user's id: not found, nothing changes
    assert "No such notification." in toast(event) and bell.unread == 9
    await call(bell, "delete", theirs.id)
    async with session_scope() as s:
        assert await service.unread_count(s, bob) == 1

    await call(bell, "mark_all_read")
    assert bell.unread == 0 and not any(r.unread for r in bell.items)
    await call(bell, "set_menu_open", False)
    assert not bell.menu_open

    bell.token = "expired"  # a session that ended goes to the login page
    event = await call(bell, "mark_all_read")
    assert args(event)["path"].startswith("/login?next=")


# --- the notification centre --------------------------------------------------------------------


async def test_the_centre_filters_pages_and_updates_the_bell(monkeypatch):
    monkeypatch.setattr(n, "PAGE_SIZE", 3)
    ada = await make_user()
    for i in range(5):
        await notify(ada, f"Message {i}")
    failed = await notify(ada, "Run failed", type="run_failed", link="/runs/f")
    await notify(ada, "Run finished", type="run_completed")

    centre = await logged_in(NotificationCentreState, ada, "/notifications", {"page": "2"})
    await call(centre, "load")
    bell = await centre.get_state(NotificationBellState)
    assert centre.loaded and centre.total == 7 and centre.page == 2 and centre.range_text == "4–6 of 7"
    assert centre.has_prev and centre.has_next and bell.unread == 7
    assert [o.value for o in centre.type_options] == ["all", *preferences.NOTIFICATION_TYPES]
    assert [p.channel for p in centre.preferences] == ["in_app"] * len(preferences.NOTIFICATION_TYPES)

    await call(centre, "next_page")
    assert centre.range_text == "7–7 of 7" and not centre.has_next
    await call(centre, "prev_page")
    await call(centre, "prev_page")
    assert centre.page == 1 and [r.title for r in centre.rows] == ["Run finished", "Run failed", "Message 4"]

    await call(centre, "set_type_filter", "run_failed")
    assert [r.id for r in centre.rows] == [failed.id] and centre.range_text == "1–1 of 1"
    await call(centre, "set_type_filter", "bogus")  # unknown: all types
    assert centre.type_filter == "all" and centre.total == 7

    await call(centre, "mark_read", failed.id)
    await call(centre, "set_unread_only", True)
    assert centre.total == 6 and failed.id not in [r.id for r in centre.rows] and bell.unread == 6

    event = await call(centre, "open_item", centre.rows[0].id)  # no link: read, stays here
    assert event is None and centre.total == 5 and bell.unread == 5

    centre.page = 2
    await call(centre, "delete", centre.rows[0].id)
    async with session_scope() as s:
        assert (await service.list_page(s, ada)).total == 6

    await call(centre, "mark_all_read")
    assert centre.total == 0 and centre.rows == [] and centre.range_text == "0 of 0" and bell.unread == 0
    await call(centre, "set_unread_only", False)
    assert centre.total == 6 and not any(r.unread for r in centre.rows)

    # Filters come from the URL too; a page past the end shows the last page.
    set_path(centre, "/notifications", {"type": "run_failed", "unread": "1", "page": "9", "tab": "preferences"})
    await call(centre, "load")
    assert (centre.type_filter, centre.unread_only, centre.tab, centre.total) == ("run_failed", True, "preferences", 0)
    set_path(centre, "/notifications", {"page": "9"})
    await call(centre, "load")
    assert centre.page == 2 and centre.range_text == "4–6 of 6"


async def test_preferences_are_saved_at_once_and_kept():
    ada = await make_user()
    centre = await logged_in(NotificationCentreState, ada, "/notifications")
    await call(centre, "load")
    event = await call(centre, "set_preference", "run_completed", "email")
    assert "A run finished: E-mail." in toast(event)
    assert next(p for p in centre.preferences if p.type == "run_completed").channel == "email"
    await call(centre, "set_preference", "agent_message", "off")
    assert await call(centre, "set_preference", "agent_message", "loud") is None  # not a channel
    event = await call(centre, "set_preference", "nonsense", "email")  # the service refuses an unknown type
    assert "Unknown notification type" in toast(event) and "error" in toast(event)
    await call(centre, "set_digest", True)
    assert centre.digest

    again = await logged_in(NotificationCentreState, ada, "/notifications")
    await call(again, "load")
    assert {p.type: p.channel for p in again.preferences} == {
        **dict.fromkeys(preferences.NOTIFICATION_TYPES, "in_app"),
        "run_completed": "email",
        "agent_message": "off",
    }
    assert again.digest
    await call(again, "set_digest", False)
    async with session_scope() as s:
        assert await preferences.get_digest(s, ada) is False
