"""The viewer's time zone: asked of the browser on every page load, kept only when it is a real zone,
and used by the pages' times."""

from __future__ import annotations

from autogpt_app.ui.states.auth import BROWSER_TIMEZONE_JS, AuthState
from autogpt_app.ui.states.runs_list import RunsListState
from tests.graphs.helpers import greeting_graph
from tests.ui.test_marketplace_state import args, call, state_for
from tests.ui.test_run_view import make_user, run_to_end


async def test_a_page_load_asks_the_browser_and_keeps_only_real_zones():
    state = state_for(AuthState, await make_user(), "/runs")
    event = await call(state, "learn_timezone")
    assert BROWSER_TIMEZONE_JS in str(args(event)["javascript_code"])
    assert state._zone() == "UTC"  # until the browser has said
    await call(state, "remember_timezone", "Asia/Tokyo")
    assert state.viewer_timezone == "Asia/Tokyo" and state._zone() == "Asia/Tokyo"
    await call(state, "remember_timezone", "Not/AZone")
    assert state._zone() == "UTC"
    await call(state, "remember_timezone", None)
    assert state._zone() == "UTC"


async def test_the_runs_list_shows_times_on_the_viewers_clock():
    user = await make_user()
    await run_to_end(user, greeting_graph(), name="Ada")
    page = state_for(RunsListState, user, "/runs")
    page.viewer_timezone = "America/New_York"
    await call(page, "load")
    [row] = page.rows
    assert row.started == "just now" and row.started_full.endswith((" EST", " EDT"))
