"""REST API for one-off schedules: create with ``run_at`` (with an offset, or a wall time in the
schedule's zone), readable 4xx for bad times, switching kinds, resume of a one-off that ran, and
other people's one-offs answering 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from autogpt_app.db import session_scope
from autogpt_app.scheduling.firing import fire
from autogpt_app.scheduling.once import local_text
from autogpt_app.timeutil import utcnow
from tests.api.test_accounts_api import assert_error, bearer, token_for
from tests.api.test_graphs_api import make_graph
from tests.api.test_schedules_api import URL, body
from tests.graphs.helpers import greeting_graph

PARIS = ZoneInfo("Europe/Paris")


def tomorrow_at_nine_paris() -> datetime:
    return (utcnow() + timedelta(days=1)).astimezone(PARIS).replace(hour=9, minute=0, second=0, microsecond=0)


async def test_create_a_one_off_with_run_at(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    when = tomorrow_at_nine_paris()
    wall = when.replace(tzinfo=None).isoformat(timespec="minutes")  # "2026-12-08T09:00"
    r = await client.post(URL, json=body(graph, cron=None, run_at=wall, timezone="Europe/Paris"), headers=bearer(token))
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["kind"] == "once" and made["cron"] is None
    assert datetime.fromisoformat(made["run_at"]) == when
    assert made["description"] == f"Once, on {local_text(when, 'Europe/Paris')} (Europe/Paris)"
    assert made["description"].endswith("at 09:00 (Europe/Paris)")
    [first] = made["next_runs"]
    assert datetime.fromisoformat(first).hour == 9 and datetime.fromisoformat(made["next_run_at"]) == when

    # With an offset: that moment, whatever the zone.
    offset = when.astimezone(UTC).isoformat()
    r = await client.post(URL, json=body(graph, cron=None, run_at=offset, name="Exact"), headers=bearer(token))
    assert r.status_code == 201 and datetime.fromisoformat(r.json()["run_at"]) == when
    kinds = sorted(s["kind"] for s in (await client.get(URL, headers=bearer(token))).json())
    assert kinds == ["once", "once"]

    # PATCH: to a cron and back to a new time.
    r = await client.patch(f"{URL}/{made['id']}", json={"cron": "0 7 * * *"}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["kind"] == "cron" and r.json()["run_at"] is None
    later = (when + timedelta(hours=2)).isoformat()
    r = await client.patch(f"{URL}/{made['id']}", json={"run_at": later}, headers=bearer(token))
    assert (
        r.status_code == 200
        and r.json()["kind"] == "once"
        and r.json()["description"].endswith("at 11:00 (Europe/Paris)")
    )


async def test_bad_run_at_is_refused_readably_and_writes_nothing(client):
    token = await token_for(client)
    graph = await make_graph(client, token, greeting_graph())
    cases = [
        (body(graph, cron=None, run_at="tomorrow morning"), 422, "invalid_input", "run_at"),
        (body(graph, cron=None, run_at="2020-01-01T09:00"), 422, "invalid_run_at", "has already passed"),
        (body(graph, cron=None, run_at="2099-01-01T09:00"), 422, "invalid_run_at", "more than a year ahead"),
        (
            body(graph, cron=None, run_at="2027-03-28T02:30", timezone="Europe/Paris"),
            422,
            "invalid_run_at",
            "Sun 28 Mar 2027 at 02:30 does not exist in Europe/Paris",
        ),
        (body(graph, run_at="2030-01-01T09:00"), 422, "invalid_schedule", "not both"),
        (body(graph, cron=None, run_at="2030-01-01T09:00", timezone="Mars/Base"), 422, "invalid_timezone", "Mars"),
    ]
    for payload, status, code, words in cases:
        err = assert_error(await client.post(URL, json=payload, headers=bearer(token)), status, code)
        assert words in err["message"], err
    assert (await client.get(URL, headers=bearer(token))).json() == []


async def test_a_one_off_that_ran_is_not_resumed_and_others_cannot_see_it(client):
    owner = await token_for(client)
    other = await token_for(client, "bob@example.com", "Bob")
    graph = await make_graph(client, owner, greeting_graph())
    when = tomorrow_at_nine_paris()
    made = (await client.post(URL, json=body(graph, cron=None, run_at=when.isoformat()), headers=bearer(owner))).json()
    sid = made["id"]
    for method, path, payload in [
        ("GET", f"{URL}/{sid}", None),
        ("PATCH", f"{URL}/{sid}", {"run_at": (when + timedelta(hours=1)).isoformat()}),
        ("POST", f"{URL}/{sid}/resume", None),
        ("DELETE", f"{URL}/{sid}", None),
    ]:
        assert_error(await client.request(method, path, json=payload, headers=bearer(other)), 404, "schedule_not_found")

    async with session_scope() as s:
        assert (await fire(s, sid, now=when.astimezone(UTC) + timedelta(seconds=1))).outcome == "fired"
    ran = (await client.get(f"{URL}/{sid}", headers=bearer(owner))).json()
    assert not ran["is_active"] and ran["last_execution_id"] and ran["next_runs"] == []
    err = assert_error(await client.post(f"{URL}/{sid}/resume", headers=bearer(owner)), 409, "schedule_finished")
    assert "already ran once" in err["message"] and "new time" in err["message"]
    again = (when + timedelta(days=1)).isoformat()
    r = await client.patch(f"{URL}/{sid}", json={"run_at": again}, headers=bearer(owner))
    assert r.status_code == 200 and r.json()["is_active"]
