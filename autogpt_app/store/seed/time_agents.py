"""Seed agents for dates, time zones and reminders (IANA zones, daylight-saving time included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from autogpt_app.blocks.builtin.communication import SendNotificationBlock
from autogpt_app.blocks.builtin.conversion import StepThroughItemsBlock, UniversalTypeConverterBlock
from autogpt_app.blocks.builtin.text import FillTextTemplateBlock
from autogpt_app.blocks.builtin.time import (
    ConvertTimezoneBlock,
    DateDifferenceBlock,
    FormatDateBlock,
    GetCurrentDateAndTimeBlock,
)
from autogpt_app.store.seed.builder import (
    date_input,
    graph,
    long_text_input,
    node,
    number_input,
    output,
    text_input,
)
from autogpt_app.store.seed.model import Sample, SeedAgent, approx, contains, equals


def _days_from_today(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


# ---------------------------------------------------------------------------------------------
# Meeting time across time zones
# ---------------------------------------------------------------------------------------------

# One entry per zone, {zone: strftime format}: stepping through it gives each zone (key) and its
# format (item) from the same node run, so the two always arrive together at the formatter.
_ZONE_FORMATS = """\
{%- set zs = ([organiser] + others.split(','))|map('trim')|reject('equalto', '')|unique|list -%}
{ {%- for z in zs -%}{{ z|tojson }}: {{ (z ~ '|%a %d %b %Y, %H:%M %Z|%H')|tojson }}
{{- ', ' if not loop.last }}{%- endfor -%} }"""
_ZONE_LINE = """\
{%- set parts = t.split('|') -%}{%- set hour = parts[2]|int -%}
{{ parts[0] }}: {{ parts[1] }}
{%- if hour < start or hour >= end %} (outside working hours, {{ start }}:00–{{ end }}:00){% endif %}"""

MEETING_TIME = SeedAgent(
    slug="meeting-time-across-time-zones",
    name="Meeting Time Across Time Zones",
    subheading="See what time a meeting is for everyone, and who it falls outside working hours for",
    description=(
        "Plan a call across time zones: give the meeting time in your own zone and the zones of the other "
        "participants, and get the local date and time for each of them — daylight-saving time included — "
        "with a flag for anyone the meeting falls outside working hours for (9:00 to 17:00 unless you say "
        "otherwise).\n\n"
        "Write zones as IANA names such as Europe/Berlin, America/New_York or Asia/Kolkata; a misspelt zone gets "
        "a suggestion. The times come back in the order you listed the zones, your own first."
    ),
    categories=("productivity",),
    creator="tempo-tools",
    featured=True,
    changelog="First release: local times for any number of zones with a working-hours check.",
    graph=graph(
        "Meeting Time Across Time Zones",
        "Shows a meeting time in several time zones.",
        [
            text_input("when", "meeting_time", "Meeting time", "Date and time in your zone, e.g. 2025-07-01T15:00"),
            text_input(
                "organiser", "your_time_zone", "Your time zone", "IANA name, e.g. Europe/London", "Europe/London"
            ),
            text_input(
                "others", "other_time_zones", "Other time zones", "Comma-separated, e.g. America/New_York, Asia/Tokyo"
            ),
            number_input("start", "workday_start", "Working day starts (hour)", "Hour the working day starts", 9),
            number_input("end", "workday_end", "Working day ends (hour)", "Hour the working day ends", 17),
            node("to_utc", ConvertTimezoneBlock, to_timezone="UTC"),
            node("formats", FillTextTemplateBlock, format=_ZONE_FORMATS),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node("step", StepThroughItemsBlock),
            node("local", FormatDateBlock),
            node("line", FillTextTemplateBlock, format=_ZONE_LINE),
            output("out_times", "local_times", "Local times", "One line per time zone, in the order given"),
        ],
        [
            "when.result -> to_utc.date_time",
            "organiser.result -> to_utc.from_timezone",
            "organiser.result -> formats.values_#_organiser",
            "others.result -> formats.values_#_others",
            "formats.output -> parse.value",
            "parse.value -> step.items",
            "to_utc.converted => local.date",
            "step.key -> local.timezone",
            "step.item -> local.format",
            "local.formatted -> line.values_#_t",
            "start.result => line.values_#_start",
            "end.result => line.values_#_end",
            "line.output -> out_times.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "meeting_time": "2025-07-01T15:00",
                "your_time_zone": "Europe/London",
                "other_time_zones": "America/New_York, Asia/Tokyo, asia/kolkata",
            },
            expect={},
            expect_all={
                "local_times": equals(
                    [
                        "Europe/London: Tue 01 Jul 2025, 15:00 BST",
                        "America/New_York: Tue 01 Jul 2025, 10:00 EDT",
                        "Asia/Tokyo: Tue 01 Jul 2025, 23:00 JST (outside working hours, 9:00–17:00)",
                        "asia/kolkata: Tue 01 Jul 2025, 19:30 IST (outside working hours, 9:00–17:00)",
                    ]
                )
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Time-zone converter
# ---------------------------------------------------------------------------------------------

TIME_ZONE_CONVERTER = SeedAgent(
    slug="time-zone-converter",
    name="Time Zone Converter",
    subheading="Convert a date and time from one time zone to another",
    description=(
        "What time is 9:00 in New York in Paris? Give a date and time, the zone it is in and the zone you "
        "want, and get the same moment in the other zone, daylight-saving changes included. The result comes "
        "as a readable line and as an ISO 8601 timestamp with its UTC offset for calendars and code.\n\n"
        "Zones are IANA names (Europe/Paris, America/Los_Angeles, Australia/Sydney, UTC); capitals do not "
        "matter and a misspelt zone gets a suggestion."
    ),
    categories=("productivity", "utilities"),
    creator="tempo-tools",
    changelog="First release: ISO and readable results, DST-aware.",
    graph=graph(
        "Time Zone Converter",
        "Converts a date-time between time zones.",
        [
            text_input("when", "date_time", "Date and time", "e.g. 2025-01-15T09:00"),
            text_input("from", "from_time_zone", "From time zone", "IANA name, e.g. America/New_York", "UTC"),
            text_input("to", "to_time_zone", "To time zone", "IANA name, e.g. Europe/Paris"),
            node("convert", ConvertTimezoneBlock),
            node("readable", FormatDateBlock, format="%A %d %B %Y, %H:%M %Z"),
            output("out_iso", "converted", "Converted (ISO 8601)", "The moment in the target zone, with its offset"),
            output("out_text", "readable", "Converted", "The moment in the target zone, in words"),
        ],
        [
            "when.result -> convert.date_time",
            "from.result -> convert.from_timezone",
            "to.result -> convert.to_timezone",
            "convert.converted -> out_iso.value",
            "convert.converted -> readable.date",
            "to.result -> readable.timezone",
            "readable.formatted -> out_text.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "date_time": "2025-01-15T09:00",
                "from_time_zone": "America/New_York",
                "to_time_zone": "Europe/Paris",
            },
            expect={
                "converted": equals("2025-01-15T15:00:00+01:00"),
                "readable": equals("Wednesday 15 January 2025, 15:00 CET"),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Date countdown
# ---------------------------------------------------------------------------------------------

_COUNTDOWN = """\
{%- set d = days|round(0, 'floor')|int -%}
{%- if d > 1 -%}{{ d }} days until {{ event }} ({{ target }})
{%- if d >= 7 %}: {{ d // 7 }} week{{ 's' if d // 7 != 1 }}
{%- if d % 7 %} and {{ d % 7 }} day{{ 's' if d % 7 != 1 }}{% endif %}{% endif %}.
{%- elif d == 1 -%}{{ event }} is tomorrow ({{ target }}).
{%- elif d == 0 -%}{{ event }} is today!
{%- else -%}{{ event }} was {{ -d }} day{{ 's' if d != -1 }} ago ({{ target }}).
{%- endif -%}"""

DATE_COUNTDOWN = SeedAgent(
    slug="date-countdown",
    name="Date Countdown",
    subheading="How many days are left until a deadline, holiday or birthday",
    description=(
        "Counts the days from today until a date — a deadline, a launch, a holiday, a birthday — and says it "
        "in weeks and days too. After the date has passed it tells you how long ago it was.\n\n"
        "“Today” is taken in the time zone you choose, so the count changes at your midnight. Schedule it "
        "every morning and send yourself the countdown."
    ),
    categories=("productivity",),
    creator="tempo-tools",
    changelog="First release: days and weeks left, past dates, your time zone.",
    graph=graph(
        "Date Countdown",
        "Counts the days left until a date.",
        [
            text_input("event", "event", "Event", "What happens on the date", "The deadline"),
            date_input("target", "date", "Date", "The date to count down to"),
            text_input("tz", "time_zone", "Your time zone", "IANA name, e.g. Europe/Berlin", "UTC"),
            node("today", GetCurrentDateAndTimeBlock, format="%Y-%m-%d"),
            node("diff", DateDifferenceBlock, unit="days"),
            node("message", FillTextTemplateBlock, format=_COUNTDOWN),
            node("whole", FillTextTemplateBlock, format="{{ days|round(0, 'floor')|int }}"),
            node("number", UniversalTypeConverterBlock, type="number"),
            output(
                "out_days", "days_left", "Days left", "Whole days from today to the date (negative once it has passed)"
            ),
            output("out_message", "message", "Countdown", "The countdown in words"),
        ],
        [
            "tz.result -> today.timezone",
            "today.date_time -> diff.start",
            "target.result -> diff.end",
            "diff.difference -> message.values_#_days",
            "event.result -> message.values_#_event",
            "target.result -> message.values_#_target",
            "message.output -> out_message.value",
            "diff.difference -> whole.values_#_days",
            "whole.output -> number.value",
            "number.value -> out_days.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"event": "Product launch", "date": lambda: _days_from_today(30)},
            expect={
                "days_left": equals(30),
                "message": contains("30 days until Product launch", ": 4 weeks and 2 days."),
            },
        ),
        Sample(
            inputs={"event": "The workshop", "date": lambda: _days_from_today(-3)},
            expect={"days_left": equals(-3), "message": contains("The workshop was 3 days ago")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Date difference
# ---------------------------------------------------------------------------------------------

DATE_DIFFERENCE = SeedAgent(
    slug="days-between-dates",
    name="Days Between Two Dates",
    subheading="Count the days and weeks between two dates",
    description=(
        "Gives the number of days and weeks between two calendar dates, and the difference in words. Use it "
        "for notice periods, project durations, how long ago something happened, or how old something is. "
        "The end date is not counted (from Monday to Tuesday is one day); when the end comes first the "
        "numbers are negative."
    ),
    categories=("productivity", "utilities"),
    creator="tempo-tools",
    changelog="First release: days, weeks and a description in words.",
    graph=graph(
        "Days Between Two Dates",
        "The number of days and weeks between two dates.",
        [
            date_input("start", "start_date", "Start date", "The earlier date"),
            date_input("end", "end_date", "End date", "The later date"),
            node("days", DateDifferenceBlock, unit="days"),
            node("weeks", DateDifferenceBlock, unit="weeks"),
            node("round_weeks", FillTextTemplateBlock, format="{{ '%.2f'|format(w) }}"),
            node("weeks_number", UniversalTypeConverterBlock, type="number"),
            output("out_days", "days", "Days", "Days from the start date to the end date"),
            output("out_weeks", "weeks", "Weeks", "The same in weeks, two decimals"),
            output("out_human", "in_words", "In words", "The difference in words"),
        ],
        [
            "start.result -> days.start",
            "end.result -> days.end",
            "start.result -> weeks.start",
            "end.result -> weeks.end",
            "days.difference -> out_days.value",
            "days.human -> out_human.value",
            "weeks.difference -> round_weeks.values_#_w",
            "round_weeks.output -> weeks_number.value",
            "weeks_number.value -> out_weeks.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"start_date": "2024-12-25", "end_date": "2025-03-01"},
            expect={"days": equals(66.0), "weeks": approx(9.43, 0.001), "in_words": equals("66 days")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Daily reminder
# ---------------------------------------------------------------------------------------------

DAILY_REMINDER = SeedAgent(
    slug="daily-reminder-notification",
    name="Daily Reminder Notification",
    subheading="Send yourself a reminder notification every day, with today's date",
    description=(
        "Sends you a notification in the platform with your reminder text, titled with today's date in your "
        "time zone and, if you like, a link to open. On its own it reminds you once; schedule it (for example "
        "every weekday at 8:00) from your library to get a daily nudge: take your medication, water the "
        "plants, write the stand-up update, stretch.\n\n"
        "If you have e-mail notifications switched on, the reminder reaches your inbox too."
    ),
    categories=("productivity",),
    creator="tempo-tools",
    changelog="First release: dated title, reminder text and an optional link.",
    graph=graph(
        "Daily Reminder Notification",
        "Sends you a reminder notification.",
        [
            long_text_input("text", "reminder", "Reminder", "What to remind you of"),
            text_input("title", "title", "Title", "Start of the notification's title", "Reminder"),
            text_input(
                "link",
                "link",
                "Link (optional)",
                "A page to open from the notification, e.g. https://calendar.example.com",
                "",
            ),
            text_input("tz", "time_zone", "Your time zone", "IANA name, used for today's date", "UTC"),
            node("today", GetCurrentDateAndTimeBlock, format="%A %d %B"),
            node("heading", FillTextTemplateBlock, format="{{ title }} · {{ today }}"),
            node("notify", SendNotificationBlock),
            output("out_sent", "sent", "Sent", "True once the notification is recorded"),
            output("out_title", "title", "Title", "The notification's title"),
        ],
        [
            "tz.result -> today.timezone",
            "title.result -> heading.values_#_title",
            "today.date_time -> heading.values_#_today",
            "heading.output -> notify.title",
            "text.result -> notify.body",
            "link.result -> notify.link",
            "notify.sent -> out_sent.value",
            "heading.output -> out_title.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"reminder": "Drink a glass of water and stretch for two minutes.", "title": "Health break"},
            expect={"sent": equals(True), "title": contains("Health break · ")},
            notification="Drink a glass of water and stretch for two minutes.",
        ),
    ),
)

TIME_AGENTS = (MEETING_TIME, TIME_ZONE_CONVERTER, DATE_COUNTDOWN, DATE_DIFFERENCE, DAILY_REMINDER)
