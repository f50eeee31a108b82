"""Google Calendar blocks: read the events of a time window, and create an event.

Both call Calendar API v3 (``GOOGLE_CALENDAR_API_URL``, by default
``https://www.googleapis.com/calendar/v3``: ``events.list`` and ``events.insert``) with the
person's ``google`` ``oauth2`` credential, through :mod:`._google_api` (token renewal, the guarded
client, readable errors). Reading needs a refresh token with the ``calendar.readonly`` scope,
creating one with ``calendar`` (or ``calendar.events``). They keep AutoGPT's ids, pin names and
event fields (``GoogleCalendarReadEventsBlock``, ``GoogleCalendarCreateEventBlock``), so its
exports import; as in AutoGPT, an event's times are written ``YYYY-MM-DD HH:MM`` in the time zone
Google gives them (the calendar's), and an all-day event's as its dates.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parseaddr
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, Field, field_validator

from autogpt_app.blocks.builtin._google_api import (
    NO_CREDENTIAL,
    NOT_OAUTH,
    call_google,
    google_requirement,
    oauth_client,
)
from autogpt_app.blocks.builtin._messaging_helpers import ServiceProblem
from autogpt_app.blocks.builtin._time_helpers import TimeInputError, resolve_zone
from autogpt_app.blocks.builtin.communication import MailProblem, parse_recipients
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialsRef,
    RunContext,
)
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

SERVICE = "Google Calendar"
#: Calendar API's own ceiling for one page of events.
MAX_EVENTS = 250
MAX_DAYS = 3660  # ten years: enough for any agent, far from datetime overflow
#: Google keeps at most 5 reminder overrides per event, each at most 4 weeks ahead.
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 40_320
_OAUTH_EXAMPLE = {"provider": "google", "type": "oauth2"}
_API_KEY_EXAMPLE = {"provider": "google", "type": "api_key", "api_key": "not-an-oauth-credential"}


def _events_url(calendar_id: str) -> str:
    calendar = quote(calendar_id.strip() or "primary", safe="")
    return f"{get_settings().google_calendar_api_url.rstrip('/')}/calendars/{calendar}/events"


def _aware(moment: datetime, zone: tzinfo = UTC) -> datetime:
    """``moment`` with a time zone (``zone`` when it had none)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _rfc3339(moment: datetime) -> str:
    return _aware(moment).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _when(edge: Any) -> tuple[str, bool]:
    """An event's start or end as AutoGPT writes it, and whether it is a whole day."""
    edge = edge if isinstance(edge, dict) else {}
    if edge.get("date"):
        return str(edge["date"]), True
    raw = str(edge.get("dateTime") or "")
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M"), False
    except ValueError:
        return raw, False


def _video_link(event: dict[str, Any]) -> str | None:
    """The event's video call address: its Meet link, else a video entry point of its conference."""
    if event.get("hangoutLink"):
        return str(event["hangoutLink"])
    conference = event.get("conferenceData") if isinstance(event.get("conferenceData"), dict) else {}
    for entry in conference.get("entryPoints") or []:
        if isinstance(entry, dict) and entry.get("entryPointType") == "video" and entry.get("uri"):
            return str(entry["uri"])
    return str(conference["conferenceUrl"]) if conference.get("conferenceUrl") else None


def event_fields(event: dict[str, Any]) -> dict[str, Any]:
    """One Calendar API event as AutoGPT's event fields (plain JSON)."""
    start, all_day = _when(event.get("start"))
    end, _ = _when(event.get("end"))
    organizer = event.get("organizer") if isinstance(event.get("organizer"), dict) else {}
    link = _video_link(event)
    return {
        "id": str(event.get("id", "")),
        "title": str(event.get("summary") or "Untitled Event"),
        "start_time": start,
        "end_time": end,
        "is_all_day": all_day,
        "location": event.get("location"),
        "description": event.get("description"),
        "organizer": organizer.get("email"),
        "attendees": [str(a["email"]) for a in event.get("attendees") or [] if isinstance(a, dict) and a.get("email")],
        "has_video_call": link is not None,
        "video_link": link,
        "calendar_link": str(event.get("htmlLink", "")),
        "is_recurring": bool(event.get("recurrence") or event.get("recurringEventId")),
    }


def _declined(event: dict[str, Any]) -> bool:
    """Whether the calendar's owner declined the event."""
    return any(
        isinstance(a, dict) and a.get("self") and a.get("responseStatus") == "declined"
        for a in event.get("attendees") or []
    )


class GoogleCalendarReadEventsBlock(Block):
    """Reads the events of a Google Calendar in a time window."""

    id = "80bc3ed1-e9a4-449e-8163-a8fc86f74f6a"
    name = "Read Google Calendar events"
    autogpt_name = "GoogleCalendarReadEventsBlock"
    description = (
        "Lists the events of your Google Calendar from a start time over a number of days, earliest first: "
        "title, times, place, description, organizer, guests and video call link of each."
    )
    categories = (BlockCategory.WEB, BlockCategory.DATA)
    credentials = (google_requirement("calendar.readonly"),)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Google account to read")
        calendar_id: str = Field(
            default="primary", max_length=500, description="Which calendar: 'primary' (your main one) or its id"
        )
        max_events: int = Field(default=10, ge=1, description=f"At most this many events (up to {MAX_EVENTS})")
        start_time: datetime | None = Field(
            default=None,
            description="Events from this moment on, e.g. 2026-12-08T00:00:00Z (empty: now; no zone: UTC)",
        )
        time_range_days: int = Field(
            default=30, ge=1, le=MAX_DAYS, description="How many days after the start time to look"
        )
        search_term: str | None = Field(
            default=None, max_length=500, description="Only events with these words (in title, place, guests…)"
        )
        page_token: str | None = Field(
            default=None,
            max_length=2000,
            description="The next_page_token of an earlier read, to get the events after those",
            json_schema_extra=ADVANCED,
        )
        include_declined_events: bool = Field(default=False, description="Also list events you declined")

    class Output(BlockOutput):
        event: dict[str, Any] = Field(
            description="One event: id, title, start_time, end_time, is_all_day, location, description, organizer, "
            "attendees, has_video_call, video_link, calendar_link, is_recurring"
        )
        events: list[dict[str, Any]] = Field(description="All the events found")
        next_page_token: str = Field(default="", description="Give this back as page_token to read the next events")

    examples = (
        BlockExample(input={}, output=[("error", NO_CREDENTIAL)], description="the Google account is required"),
        BlockExample(
            input={"calendar_id": "primary"},
            output=[("error", NOT_OAUTH)],
            secrets={"credentials": _API_KEY_EXAMPLE},
            description="an API key cannot read a private calendar",
        ),
    )

    async def run(self, input: Input, context: RunContext):
        limit = min(input.max_events, MAX_EVENTS)
        if input.max_events > MAX_EVENTS:
            context.note(f"Read at most {MAX_EVENTS} events (asked for {input.max_events}).")
        start = _aware(input.start_time) if input.start_time is not None else datetime.now(UTC)
        params: dict[str, Any] = {
            "timeMin": _rfc3339(start),
            "timeMax": _rfc3339(start + timedelta(days=input.time_range_days)),
            "maxResults": limit,
            "singleEvents": "true",
            "orderBy": "startTime",
            "showDeleted": "false",
        }
        if input.search_term and input.search_term.strip():
            params["q"] = input.search_term.strip()
        if input.page_token:
            params["pageToken"] = input.page_token
        try:
            client = oauth_client(context)
            found = await call_google(
                context,
                client,
                SERVICE,
                "GET",
                _events_url(input.calendar_id),
                scope="calendar.readonly",
                params=params,
            )
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        found = found if isinstance(found, dict) else {}
        items = [item for item in found.get("items") or [] if isinstance(item, dict)]
        if not input.include_declined_events:
            items = [item for item in items if not _declined(item)]
        events = [event_fields(item) for item in items]
        log.info("read %d calendar event(s)", len(events))
        if found.get("nextPageToken"):
            yield "next_page_token", str(found["nextPageToken"])
        for event in events:
            yield "event", event
        yield "events", events


# ---------------------------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------------------------


class ExactTiming(BaseModel):
    """An event from one moment to another."""

    discriminator: Literal["exact_timing"] = "exact_timing"
    start_datetime: datetime = Field(description="When the event starts")
    end_datetime: datetime = Field(description="When the event ends")


class DurationTiming(BaseModel):
    """An event from a moment, for a number of minutes."""

    discriminator: Literal["duration_timing"] = "duration_timing"
    start_datetime: datetime = Field(description="When the event starts")
    duration_minutes: int = Field(default=60, ge=1, le=60 * 24 * 31, description="How long it lasts, in minutes")


class OneTimeEvent(BaseModel):
    """The event happens once."""

    discriminator: Literal["one_time"] = "one_time"


class RecurringEvent(BaseModel):
    """The event repeats a number of times."""

    discriminator: Literal["recurring"] = "recurring"
    frequency: Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"] = Field(description="How often it repeats")
    count: int = Field(ge=1, le=730, description="How many times it happens in all")


def _next_hour() -> DurationTiming:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return DurationTiming(start_datetime=start, duration_minutes=60)


def _json_object(value: Any) -> Any:
    """Objects typed as JSON text in a form become objects."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


Minutes = Annotated[int, Field(ge=0, le=MAX_REMINDER_MINUTES)]


class GoogleCalendarCreateEventBlock(Block):
    """Creates an event in a Google Calendar."""

    id = "ed2ec950-fbff-4204-94c0-023fb1d625e0"
    name = "Create Google Calendar event"
    autogpt_name = "GoogleCalendarCreateEventBlock"
    description = (
        "Adds an event to your Google Calendar: title, time, place and description, guests (invited by e-mail "
        "if you like), a Google Meet link, reminders, and repeats."
    )
    categories = (BlockCategory.WEB, BlockCategory.OUTPUT)
    credentials = (google_requirement("calendar"),)

    class Input(BlockInput):
        credentials: CredentialsRef | None = Field(default=None, description="The Google account to add it to")
        event_title: str = Field(min_length=1, max_length=1024, description="The event's title")
        location: str | None = Field(default=None, max_length=1024, description="Where it happens")
        description: str | None = Field(default=None, max_length=8000, description="What it is about")
        timing: ExactTiming | DurationTiming = Field(
            default_factory=_next_hour,
            discriminator="discriminator",
            description='When: {"discriminator": "exact_timing", "start_datetime", "end_datetime"} or '
            '{"discriminator": "duration_timing", "start_datetime", "duration_minutes"} (empty: the next full '
            "hour, for an hour)",
            json_schema_extra={"type": "object"},
        )
        calendar_id: str = Field(
            default="primary", max_length=500, description="Which calendar: 'primary' (your main one) or its id"
        )
        guest_emails: list[str] = Field(default_factory=list, description="E-mail addresses of the people to invite")
        send_notifications: bool = Field(default=True, description="E-mail the guests an invitation")
        add_google_meet: bool = Field(default=False, description="Add a Google Meet video call link")
        recurrence: OneTimeEvent | RecurringEvent = Field(
            default_factory=OneTimeEvent,
            discriminator="discriminator",
            description='Once ({"discriminator": "one_time"}) or {"discriminator": "recurring", "frequency": '
            '"DAILY"|"WEEKLY"|"MONTHLY"|"YEARLY", "count"}',
            json_schema_extra={"type": "object", **ADVANCED},
        )
        reminder_minutes: list[Minutes] = Field(
            default_factory=lambda: [10],
            max_length=MAX_REMINDERS,
            description="Reminders, in minutes before the event (e.g. 10, 60, 1440)",
        )
        timezone: str = Field(
            default="",
            max_length=100,
            description="IANA time zone of times written without one, e.g. Europe/Berlin (empty: UTC)",
            json_schema_extra=ADVANCED,
        )

        @field_validator("timing", "recurrence", mode="before")
        @classmethod
        def _from_text(cls, value: Any) -> Any:
            return _json_object(value)

    class Output(BlockOutput):
        event_id: str = Field(description="The new event's id")
        event_link: str = Field(description="Where to see the event in Google Calendar")

    examples = (
        BlockExample(
            input={"event_title": "Team sync"}, output=[("error", NO_CREDENTIAL)], description="an account is needed"
        ),
        BlockExample(
            input={
                "event_title": "Team sync",
                "timing": {
                    "discriminator": "exact_timing",
                    "start_datetime": "2026-12-08T10:00:00Z",
                    "end_datetime": "2026-12-08T09:00:00Z",
                },
            },
            output=[("error", "The event must end after it starts.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
        BlockExample(
            input={"event_title": "Team sync", "guest_emails": ["not-an-address"]},
            output=[("error", "'not-an-address' is not a valid e-mail address: An email address must have an @-sign.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            body, params = await self._request(input)
            client = oauth_client(context)
            created = await call_google(
                context,
                client,
                SERVICE,
                "POST",
                _events_url(input.calendar_id),
                scope="calendar",
                params=params,
                json=body,
            )
            if not isinstance(created, dict) or not created.get("id"):
                raise ServiceProblem(f"{SERVICE} answered in an unexpected form.")
        except (ServiceProblem, MailProblem, TimeInputError, BlockError) as exc:
            yield "error", str(exc)
            return
        log.info("calendar event created with %d guest(s)", len(body.get("attendees", [])))
        yield "event_id", str(created["id"])
        yield "event_link", str(created.get("htmlLink", ""))

    @staticmethod
    async def _request(input: Input) -> tuple[dict[str, Any], dict[str, Any]]:
        """The ``events.insert`` body and query, or a readable refusal of the inputs."""
        zone: tzinfo = await resolve_zone(input.timezone) if input.timezone.strip() else UTC
        zone_name = str(getattr(zone, "key", "UTC"))
        timing = input.timing
        start = _aware(timing.start_datetime, zone)
        if isinstance(timing, ExactTiming):
            end = _aware(timing.end_datetime, zone)
        else:
            end = start + timedelta(minutes=timing.duration_minutes)
        if end <= start:
            raise ServiceProblem("The event must end after it starts.")
        if not input.event_title.strip():
            raise ServiceProblem("The event needs a title.")
        guests = [parseaddr(guest)[1] for guest in parse_recipients(input.guest_emails)] if input.guest_emails else []
        body: dict[str, Any] = {
            "summary": " ".join(input.event_title.split()),
            # Repeating events need a named zone (an offset alone does not say when summer time starts).
            "start": {"dateTime": start.isoformat(timespec="seconds"), "timeZone": zone_name},
            "end": {"dateTime": end.isoformat(timespec="seconds"), "timeZone": zone_name},
            "reminders": {
                "useDefault": False,
                "overrides": [{"method": "popup", "minutes": m} for m in dict.fromkeys(input.reminder_minutes)],
            },
        }
        if input.location:
            body["location"] = input.location
        if input.description:
            body["description"] = input.description
        if guests:
            body["attendees"] = [{"email": guest} for guest in guests]
        if isinstance(input.recurrence, RecurringEvent):
            body["recurrence"] = [f"RRULE:FREQ={input.recurrence.frequency};COUNT={input.recurrence.count}"]
        params: dict[str, Any] = {"sendUpdates": "all" if input.send_notifications and guests else "none"}
        if input.add_google_meet:
            body["conferenceData"] = {
                "createRequest": {"requestId": uuid.uuid4().hex, "conferenceSolutionKey": {"type": "hangoutsMeet"}}
            }
            params["conferenceDataVersion"] = 1
        return body, params
