"""The Google Calendar blocks against local fakes of Google's token endpoint and Calendar API v3.

Loopback is allowed only inside these tests. The client secret, the refresh token and every access
token must appear in no output, no error and no log line.
"""

from __future__ import annotations

import pytest

from autogpt_app.blocks.builtin.google_calendar import GoogleCalendarCreateEventBlock, GoogleCalendarReadEventsBlock
from autogpt_app.blocks.sdk import RunContext, run_block
from tests.blocks.google_helpers import assert_no_secret, google_credential, run, run_agent_with_google
from tests.fakes.google_workspace import FakeGoogleWorkspace

WINDOW = {"start_time": "2026-12-08T00:00:00Z", "time_range_days": 1}


# --- reading ----------------------------------------------------------------------------------


async def test_events_of_the_window_with_autogpts_fields(google: FakeGoogleWorkspace, logs) -> None:
    google.add_event("Yesterday", "2026-12-07T09:00:00+01:00", "2026-12-07T10:00:00+01:00")
    google.add_event(
        "Board meeting",
        "2026-12-08T14:00:00+01:00",
        "2026-12-08T15:30:00+01:00",
        location="Room 4",
        description="Quarterly numbers",
        organizer={"email": "ceo@example.com"},
        attendees=[{"email": "ada@example.com", "self": True}, {"email": "bob@partner.org"}],
        hangoutLink="https://meet.google.com/abc-defg-hij",
        recurringEventId="series1",
    )
    google.add_event("Holiday", "2026-12-08", "2026-12-09")
    me_declined = [{"email": "ada@example.com", "self": True, "responseStatus": "declined"}]
    google.add_event("Declined", "2026-12-08T16:00:00Z", "2026-12-08T17:00:00Z", attendees=me_declined)

    outputs = await run(GoogleCalendarReadEventsBlock(), google, WINDOW)

    assert [pin for pin, _ in outputs] == ["event", "event", "events"]
    events = dict(outputs)["events"]
    assert [e["title"] for e in events] == ["Holiday", "Board meeting"]
    assert events[0]["is_all_day"] is True and events[0]["start_time"] == "2026-12-08"
    assert events[1] == {
        "id": "evt0002",
        "title": "Board meeting",
        "start_time": "2026-12-08 14:00",
        "end_time": "2026-12-08 15:30",
        "is_all_day": False,
        "location": "Room 4",
        "description": "Quarterly numbers",
        "organizer": "ceo@example.com",
        "attendees": ["ada@example.com", "bob@partner.org"],
        "has_video_call": True,
        "video_link": "https://meet.google.com/abc-defg-hij",
        "calendar_link": "https://calendar.google.com/calendar/event?eid=evt2",
        "is_recurring": True,
    }
    query = google.requests[-1].query
    assert query["timeMin"] == "2026-12-08T00:00:00+00:00" and query["timeMax"] == "2026-12-09T00:00:00+00:00"
    assert query["singleEvents"] == "true" and query["orderBy"] == "startTime" and query["maxResults"] == "10"
    assert google.requests[-1].path == "/calendar/v3/calendars/primary/events"
    assert_no_secret(outputs, google, logs)

    with_declined = await run(GoogleCalendarReadEventsBlock(), google, WINDOW | {"include_declined_events": True})
    assert len(dict(with_declined)["events"]) == 3


async def test_search_paging_and_an_empty_window(google: FakeGoogleWorkspace) -> None:
    for hour in range(10, 13):
        google.add_event(f"Call {hour}", f"2026-12-08T{hour}:00:00Z", f"2026-12-08T{hour}:30:00Z")
    google.add_event("Lunch", "2026-12-08T13:00:00Z", "2026-12-08T14:00:00Z")

    first = dict(await run(GoogleCalendarReadEventsBlock(), google, WINDOW | {"search_term": "call", "max_events": 2}))
    assert [e["title"] for e in first["events"]] == ["Call 10", "Call 11"]
    assert google.requests[-1].query["q"] == "call"
    rest = await run(
        GoogleCalendarReadEventsBlock(),
        google,
        WINDOW | {"search_term": "call", "max_events": 2, "page_token": first["next_page_token"]},
    )
    assert [e["title"] for e in dict(rest)["events"]] == ["Call 12"]
    assert "next_page_token" not in dict(rest)

    nothing = await run(
        GoogleCalendarReadEventsBlock(), google, {"start_time": "2027-01-01T00:00:00", "time_range_days": 1}
    )
    assert nothing == [("events", [])]


async def test_an_unknown_calendar_and_the_cap(google: FakeGoogleWorkspace) -> None:
    context = RunContext(credentials={"credentials": google_credential(google)})
    outputs = await run_block(
        GoogleCalendarReadEventsBlock(), {"calendar_id": "team@group", "max_events": 900}, context
    )
    assert outputs == [
        ("error", "Google Calendar did not find what the request names (HTTP 404): Not Found. Check the ids.")
    ]
    assert google.requests[-1].path == "/calendar/v3/calendars/team%40group/events"
    assert google.requests[-1].query["maxResults"] == "250"
    assert context.notes == ["Read at most 250 events (asked for 900)."]


@pytest.mark.parametrize(
    ("status", "body", "headers", "message"),
    [
        (
            403,
            {"error": {"code": 403, "message": "Request had insufficient authentication scopes."}},
            {},
            "Google Calendar refused the request (HTTP 403): Request had insufficient authentication scopes. Check "
            "what the credential is allowed to do. The refresh token must be made with the "
            "https://www.googleapis.com/auth/calendar.readonly scope.",
        ),
        (
            429,
            {"error": {"code": 429, "message": "Rate Limit Exceeded"}},
            {"Retry-After": "30"},
            "Google Calendar is limiting requests (HTTP 429). Try again in 30 seconds.",
        ),
        (
            503,
            {"error": {"code": 503, "message": "Backend Error"}},
            {},
            "Google Calendar had a problem on its side (HTTP 503). Try again later.",
        ),
    ],
)
async def test_calendar_failures_are_sentences(google: FakeGoogleWorkspace, logs, status, body, headers, message):
    google.fail_next(200, {"access_token": "ya29.fake-access-token-z", "expires_in": 3600})
    google.fail_next(status, body, headers)

    outputs = await run(GoogleCalendarReadEventsBlock(), google, WINDOW)

    assert outputs == [("error", message)]
    assert "fake-access-token" not in logs.text


async def test_a_refused_token_is_renewed_once_then_reconnect_is_asked(google: FakeGoogleWorkspace, logs) -> None:
    await run(GoogleCalendarReadEventsBlock(), google, WINDOW)
    google.revoke_access_tokens()
    assert dict(await run(GoogleCalendarReadEventsBlock(), google, WINDOW))["events"] == []
    assert google.refreshes == 2

    google.fail_next(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    google.fail_next(200, {"access_token": "ya29.fake-access-token-y", "expires_in": 3600})
    google.fail_next(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
    outputs = await run(GoogleCalendarReadEventsBlock(), google, WINDOW)
    assert outputs == [
        (
            "error",
            "Google Calendar refused the access Google gave (HTTP 401). Reconnect your Google account: make a new "
            "refresh token and update the credential.",
        )
    ]
    assert_no_secret(outputs, google, logs)


# --- creating ---------------------------------------------------------------------------------


async def test_an_event_with_guests_meet_reminders_and_repeats(google: FakeGoogleWorkspace, logs) -> None:
    inputs = {
        "event_title": "Weekly   sync",
        "location": "Room 4",
        "description": "Status",
        "timing": {"discriminator": "duration_timing", "start_datetime": "2026-12-09T10:00:00", "duration_minutes": 45},
        "guest_emails": ["ada@example.com", "Bob <bob@example.com>"],
        "add_google_meet": True,
        "recurrence": {"discriminator": "recurring", "frequency": "WEEKLY", "count": 4},
        "reminder_minutes": [10, 60],
        "timezone": "europe/berlin",
    }

    outputs = await run(GoogleCalendarCreateEventBlock(), google, inputs)

    assert outputs == [("event_id", "new0001"), ("event_link", "https://calendar.google.com/event?eid=new1")]
    sent = google.requests[-1]
    assert sent.method == "POST" and sent.query == {"sendUpdates": "all", "conferenceDataVersion": "1"}
    body = sent.json
    assert body["summary"] == "Weekly sync" and body["location"] == "Room 4" and body["description"] == "Status"
    assert body["start"] == {"dateTime": "2026-12-09T10:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert body["end"] == {"dateTime": "2026-12-09T10:45:00+01:00", "timeZone": "Europe/Berlin"}
    assert body["attendees"] == [{"email": "ada@example.com"}, {"email": "bob@example.com"}]
    assert body["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]
    assert body["reminders"]["overrides"] == [{"method": "popup", "minutes": 10}, {"method": "popup", "minutes": 60}]
    assert body["conferenceData"]["createRequest"]["conferenceSolutionKey"] == {"type": "hangoutsMeet"}
    assert_no_secret(outputs, google, logs)


async def test_exact_timing_from_text_and_no_invitations(google: FakeGoogleWorkspace) -> None:
    timing = (
        '{"discriminator": "exact_timing", "start_datetime": "2026-12-09T10:00:00Z", '
        '"end_datetime": "2026-12-09T12:00:00Z"}'
    )
    outputs = await run(
        GoogleCalendarCreateEventBlock(),
        google,
        {"event_title": "Focus", "timing": timing, "guest_emails": ["ada@example.com"], "send_notifications": False},
    )
    assert dict(outputs)["event_id"] == "new0001"
    sent = google.requests[-1]
    assert sent.query == {"sendUpdates": "none"} and "recurrence" not in sent.json
    assert sent.json["start"] == {"dateTime": "2026-12-09T10:00:00+00:00", "timeZone": "UTC"}


async def test_refusals_before_anything_is_sent(google: FakeGoogleWorkspace) -> None:
    assert await run(GoogleCalendarCreateEventBlock(), google, {"event_title": "X", "timezone": "Mars/Olympus"}) == [
        (
            "error",
            "Unknown time zone 'Mars/Olympus'. Write it as an IANA name, Area/City with underscores for spaces, "
            "e.g. 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata' or 'UTC'.",
        )
    ]
    assert await run(GoogleCalendarCreateEventBlock(), google, {"event_title": "   "}) == [
        ("error", "The event needs a title.")
    ]
    assert google.requests == []


async def test_create_failure_is_a_sentence(google: FakeGoogleWorkspace) -> None:
    google.fail_next(200, {"access_token": "ya29.fake-access-token-z", "expires_in": 3600})
    google.fail_next(403, {"error": {"code": 403, "message": "Forbidden"}})
    outputs = await run(GoogleCalendarCreateEventBlock(), google, {"event_title": "Sync"})
    assert outputs == [
        (
            "error",
            "Google Calendar refused the request (HTTP 403): Forbidden. Check what the credential is allowed to do.",
        )
    ]


# --- through the engine with a saved credential -------------------------------------------------


async def test_a_calendar_run_with_a_saved_oauth2_credential(google: FakeGoogleWorkspace, logs) -> None:
    from tests.graphs.helpers import OUTPUT, link, node

    google.add_event("Board meeting", "2026-12-08T14:00:00Z", "2026-12-08T15:00:00Z")
    doc = {
        "name": "Tomorrow's meetings",
        "nodes": [node("read", GoogleCalendarReadEventsBlock.id, **WINDOW), node("out", OUTPUT, name="events")],
        "links": [link("read", "events", "out", "value")],
    }
    result, _records = await run_agent_with_google(google, doc)
    (events,) = result.outputs["events"]
    assert [e["title"] for e in events] == ["Board meeting"]
    assert_no_secret(repr(result.model_dump()), google, logs)
