"""States of scheduling: the schedule dialog (create and edit), an agent's schedules, and the Schedules page.

The dialog turns a preset (every hour, every day, weekdays, once a week) or a custom cron
expression into the cron the service stores — or, for "Once, at", a date and time on the clock of
the chosen zone — and previews it as you type: the words and the next run times in the chosen
time zone, or the service's readable message about what is wrong. Saving goes through the
scheduling service, which checks everything again (the time rules, inputs and credentials as for
a run) and writes nothing when it refuses. The pages hold one page of rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.credentials import service as credentials_service
from autogpt_app.errors import InvalidInput, NotFound
from autogpt_app.executions import service as executions
from autogpt_app.graphs import service as graphs
from autogpt_app.library import service as library
from autogpt_app.scheduling import cron as cronlib
from autogpt_app.scheduling import service
from autogpt_app.scheduling.models import SchedulePublic
from autogpt_app.ui import routes
from autogpt_app.ui.components.run_form import (
    CredentialNeed,
    RunField,
    credential_needs,
    credentials_from_form,
    fields_from_schema,
    inputs_from_form,
    values_from_inputs,
)
from autogpt_app.ui.states.agent_run import field_messages, path_arg
from autogpt_app.ui.states.auth import FAILED, AuthState

#: Rows of the Schedules page.
PAGE_SIZE = 10
#: Schedules listed on an agent's page (the Schedules page has them all).
AGENT_SCHEDULES_SHOWN = 5

PRESET_LABELS: dict[str, str] = {
    "hourly": "Every hour",
    "daily": "Every day",
    "weekdays": "Weekdays (Monday–Friday)",
    "weekly": "Once a week",
    "custom": "Custom cron expression",
}
#: Day-of-week values (cron numbers) in the order a week is read, Monday first.
WEEKDAY_LABELS: dict[str, str] = {
    "1": "Monday",
    "2": "Tuesday",
    "3": "Wednesday",
    "4": "Thursday",
    "5": "Friday",
    "6": "Saturday",
    "0": "Sunday",
}
NAME_FIELD = "schedule_name"
#: Repeat on a preset or cron expression, or run once at a date and time.
KIND_LABELS: dict[str, str] = {"cron": "Repeat", "once": "Once, at"}
#: The value format of ``<input type="datetime-local">``.
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:.h]\s*(\d{1,2})\s*$")


# --- pure helpers -------------------------------------------------------------------------------


def parse_time(text: str) -> tuple[int, int]:
    """``"08:00"`` → ``(8, 0)``.

    Raises:
        InvalidInput: not a time of day as HH:MM.
    """
    match = _TIME.match(str(text or ""))
    if not match:
        raise InvalidInput("Enter a time of day as HH:MM, e.g. 08:00.", code="invalid_time")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise InvalidInput(f"'{text.strip()}' is not a time of day (00:00–23:59).", code="invalid_time")
    return hour, minute


def parse_minute(text: str) -> int:
    """The minute past the hour of the hourly preset (``"05"`` → 5).

    Raises:
        InvalidInput: not a whole number 0–59.
    """
    value = str(text or "").strip().lstrip(":")
    if not value.isdigit() or int(value) > 59:
        raise InvalidInput("Minute past the hour must be a whole number 0–59.", code="invalid_time")
    return int(value)


def preset_cron(
    preset: str, *, time_text: str = "09:00", minute_text: str = "0", weekday: str = "1", cron: str = ""
) -> str:
    """The cron expression the dialog's choice stands for (``custom`` gives ``cron`` unchecked).

    Raises:
        InvalidInput: a time, minute or day out of range, or an unknown preset.
    """
    if preset == "custom":
        return cron
    if preset == "hourly":
        return cronlib.hourly(parse_minute(minute_text))
    hour, minute = parse_time(time_text)
    return cronlib.from_preset(preset, hour=hour, minute=minute, day_of_week=weekday)


def parse_run_at(text: str) -> datetime:
    """The dialog's ``2026-12-08T09:00`` as a wall time (the service reads it in the schedule's zone).

    Raises:
        InvalidInput: empty or not a date and time.
    """
    value = str(text or "").strip()
    if not value:
        raise InvalidInput("Choose the date and time to run it.", code="invalid_run_at")
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise InvalidInput(
            f"'{value[:40]}' is not a date and time; use the picker or type e.g. 2026-12-08T09:00.",
            code="invalid_run_at",
        ) from None


def local_input(moment: datetime, zone: str) -> str:
    """``moment`` on the clock of ``zone`` as a ``datetime-local`` value."""
    try:
        return moment.astimezone(ZoneInfo(zone)).strftime(LOCAL_INPUT_FORMAT)
    except Exception:
        return moment.astimezone(UTC).strftime(LOCAL_INPUT_FORMAT)


def tomorrow_at_nine(zone: str) -> str:
    """The dialog's first suggestion for a one-off: tomorrow at 09:00 on the clock of ``zone``."""
    try:
        tz = ZoneInfo(zone)
    except Exception:
        tz = UTC
    day = (datetime.now(tz) + timedelta(days=1)).date()
    return f"{day.isoformat()}T09:00"


class PresetChoice(BaseModel):
    """How the dialog shows a stored cron: a preset with its time, or ``custom``."""

    preset: str
    time_text: str = "09:00"
    minute_text: str = "0"
    weekday: str = "1"


_NUMBER = r"(\d{1,2})"
_SHAPES = (
    ("hourly", re.compile(rf"^{_NUMBER} \* \* \* \*$")),
    ("daily", re.compile(rf"^{_NUMBER} {_NUMBER} \* \* \*$")),
    ("weekdays", re.compile(rf"^{_NUMBER} {_NUMBER} \* \* 1-5$")),
    ("weekly", re.compile(rf"^{_NUMBER} {_NUMBER} \* \* ([0-7])$")),
)


def preset_from_cron(cron: str) -> PresetChoice:
    """The preset a stored cron expression matches (so editing shows it as chosen), else ``custom``."""
    text = " ".join(str(cron or "").split())
    for kind, shape in _SHAPES:
        match = shape.match(text)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        if kind == "hourly":
            if numbers[0] <= 59:
                return PresetChoice(preset=kind, minute_text=str(numbers[0]))
            break
        minute, hour = numbers[0], numbers[1]
        if minute > 59 or hour > 23:
            break
        choice = PresetChoice(preset=kind, time_text=f"{hour:02d}:{minute:02d}")
        if kind == "weekly":
            choice.weekday = str(numbers[2] % 7)
        return choice
    return PresetChoice(preset="custom")


def format_moment(moment: datetime | None, zone: str) -> str:
    """A time in the schedule's own zone: ``Mon 06 Jan 2025, 08:00 CET`` (``—`` when missing)."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        local = moment.astimezone(ZoneInfo(zone))
    except Exception:  # a zone removed from the system since it was stored: show UTC rather than fail
        local = moment.astimezone(UTC)
    return local.strftime("%a %d %b %Y, %H:%M %Z")


class ScheduleRow(BaseModel):
    """A schedule as a list shows it."""

    id: str
    name: str
    agent_name: str
    agent_href: str
    description: str
    #: ``cron`` (repeats) or ``once``.
    kind: str
    cron: str
    timezone: str
    is_active: bool
    #: ``Active``, ``Paused``, or for a one-off that is done ``Ran`` / ``Missed`` / ``Not run``.
    state: str
    #: A paused schedule can be resumed; a one-off that is done cannot (it gets a new time instead).
    can_resume: bool
    next_run: str
    last_run: str
    last_status: str
    last_href: str
    last_error: str


async def schedule_rows(session: AsyncSession, user: User, schedules: Sequence[SchedulePublic]) -> list[ScheduleRow]:
    """One page of schedules as rows: the agent's name and page, next run in its zone, last run's status.

    Two queries whatever the page size: the agents' library entries, and the last runs' statuses.
    """
    agents = await library.agents_by_graph(session, user, [s.graph_id for s in schedules])
    statuses = await executions.run_statuses(session, user, [s.last_execution_id or "" for s in schedules])
    rows: list[ScheduleRow] = []
    for s in schedules:
        agent = agents.get(s.graph_id)
        status, href = s.last_status or "", ""
        if s.last_execution_id and s.last_execution_id in statuses:
            # The run's status now; a run removed since keeps what the firing recorded, without a link.
            status, href = statuses[s.last_execution_id], routes.run(s.last_execution_id)
        done = service.has_run(s)
        last_run = format_moment(s.last_run_at, s.timezone) if s.last_run_at else "Never"
        state = "Active" if s.is_active else "Paused"
        if done and s.last_execution_id:
            state, last_run = "Ran", f"Ran at {last_run}"
        elif done:
            missed = (s.last_error or "").startswith("Missed")
            state = "Missed" if missed else "Not run"
            last_run = "Missed" if missed else last_run
        rows.append(
            ScheduleRow(
                id=s.id,
                name=s.name,
                agent_name=agent.name if agent else "Agent (no longer in your library)",
                agent_href=routes.library_agent(agent.id) if agent else "",
                description=s.description,
                kind=s.kind,
                cron=s.cron or "",
                timezone=s.timezone,
                is_active=s.is_active,
                state=state,
                can_resume=not s.is_active and not done,
                next_run=format_moment(s.next_run_at, s.timezone) if s.is_active else ("—" if done else "Paused"),
                last_run=last_run,
                last_status=status,
                last_href=href,
                last_error=(s.last_error or "")[:300],
            )
        )
    return rows


# --- the schedule dialog ------------------------------------------------------------------------


class ScheduleDialogState(AuthState):
    """The create / edit dialog. Holds one agent's form fields and the preview; every handler re-verifies the user."""

    dialog_open: bool = False
    #: ``create`` (from an agent's page) or ``edit`` (from the Schedules page).
    mode: str = "create"
    loading: bool = False
    #: The agent's form is loaded (the dialog shows the form, else the message why not).
    ready: bool = False
    saving: bool = False
    #: Re-mounts the form on each opening, so its inputs start from that schedule's values.
    form_key: str = ""
    schedule_id: str = ""
    library_agent_id: str = ""
    agent_name: str = ""
    name: str = ""
    preset: str = "daily"
    time_text: str = "09:00"
    minute_text: str = "0"
    weekday: str = "1"
    cron_text: str = "0 9 * * *"
    #: ``cron`` (repeat) or ``once``.
    kind: str = "cron"
    #: The one-off's date and time on the clock of ``timezone`` (a ``datetime-local`` value).
    run_at_text: str = ""
    timezone: str = "UTC"
    browser_timezone: str = ""
    fields: list[RunField] = []
    values: dict[str, str] = {}
    needs: list[CredentialNeed] = []
    field_errors: dict[str, str] = {}
    preview_cron: str = ""
    preview_words: str = ""
    preview_runs: list[str] = []
    preview_error: str = ""
    form_error: str = ""

    _graph_id: str = ""
    _opened: int = 0
    _timezone_touched: bool = False
    _run_at_touched: bool = False
    #: What an edited one-off was opened with: unchanged, it is not sent again (so a one-off that
    #: ran can be renamed without being asked for a future time).
    _loaded_run_at: str = ""
    _loaded_timezone: str = ""
    _loaded_description: str = ""

    @rx.var
    def missing_credentials(self) -> bool:
        """Whether a required credential has nothing to pick."""
        return any(n.required and not n.choices for n in self.needs)

    def _refresh_preview(self) -> None:
        """The cron of the current choice, in words with its next run times, or what is wrong with it."""
        self.preview_words, self.preview_runs, self.preview_error = "", [], ""
        if self.kind == "once":
            self.preview_cron = ""
            if self._run_at_unchanged():
                self.preview_words = self._loaded_description
                return
            try:
                once = service.describe_once(parse_run_at(self.run_at_text), self.timezone)
            except InvalidInput as exc:
                self.preview_error = exc.message
                return
            self.preview_words = once.description
            self.preview_runs = [format_moment(moment, once.timezone) for moment in once.next_runs]
            return
        try:
            cron = preset_cron(
                self.preset,
                time_text=self.time_text,
                minute_text=self.minute_text,
                weekday=self.weekday,
                cron=self.cron_text,
            )
            self.preview_cron = cron
            preview = service.describe_cron(cron, self.timezone)
        except InvalidInput as exc:
            self.preview_error = exc.message
            return
        self.preview_cron = preview.cron
        self.preview_words = preview.description
        self.preview_runs = [format_moment(moment, preview.timezone) for moment in preview.next_runs]

    def _run_at_unchanged(self) -> bool:
        return (
            self.mode == "edit"
            and bool(self._loaded_run_at)
            and self.run_at_text == self._loaded_run_at
            and self.timezone == self._loaded_timezone
        )

    def _reset_form(self, mode: str) -> None:
        self._opened += 1
        self.mode = mode
        self.form_key = f"{mode}-{self._opened}"
        self.schedule_id = self.library_agent_id = self.agent_name = self.name = ""
        self.preset, self.time_text, self.minute_text, self.weekday = "daily", "09:00", "0", "1"
        self.cron_text = "0 9 * * *"
        self.timezone = self.browser_timezone or "UTC"
        self._timezone_touched = False
        self.kind, self.run_at_text, self._run_at_touched = "cron", tomorrow_at_nine(self.timezone), False
        self._loaded_run_at = self._loaded_timezone = self._loaded_description = ""
        self.fields, self.needs, self.values, self.field_errors = [], [], {}, {}
        self.form_error = ""
        self.saving = self.ready = False
        self._graph_id = ""

    def _apply_choice(self, choice: PresetChoice, cron: str) -> None:
        self.preset, self.time_text = choice.preset, choice.time_text
        self.minute_text, self.weekday = choice.minute_text, choice.weekday
        self.cron_text = cron

    @rx.event
    async def open_create(self, agent_id: str):
        """Open the dialog to schedule one of the user's library agents (time zone: the browser's)."""
        self._reset_form("create")
        self.dialog_open, self.loading = True, True
        yield

        async def load(session: AsyncSession, user: User) -> None:
            agent = await library.get_agent(session, user, agent_id)
            self._graph_id, self.library_agent_id = agent.graph_id, agent.id
            self.agent_name = self.name = agent.name
            self.fields = fields_from_schema(agent.input_schema)
            self.values = values_from_inputs(self.fields, {})
            mine = await credentials_service.list_credentials(session, user)
            self.needs = credential_needs(agent.credentials_input_schema, mine)
            self.ready = True

        failed = await self._attempt(load, error_field="form_error") is FAILED
        self.loading = False
        self._refresh_preview()
        if failed:
            yield self._after_failure()
            return
        yield rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=ScheduleDialogState.set_browser_timezone
        )

    @rx.event
    async def open_edit(self, schedule_id: str):
        """Open the dialog on one of the user's schedules, showing its preset, zone, inputs and credentials."""
        self._reset_form("edit")
        self.dialog_open, self.loading = True, True
        yield

        async def load(session: AsyncSession, user: User) -> None:
            found = await service.get_schedule(session, user, schedule_id)
            graph = await graphs.get_graph(session, user, found.graph_id, found.graph_version)
            self.schedule_id, self._graph_id = found.id, found.graph_id
            self.agent_name = graph.name
            agent = (await library.agents_by_graph(session, user, [found.graph_id])).get(found.graph_id)
            if agent is not None:
                self.agent_name, self.library_agent_id = agent.name, agent.id
            self.name = found.name
            if found.kind == "once" and found.run_at is not None:
                self.kind, self._run_at_touched = "once", True
                self.run_at_text = self._loaded_run_at = local_input(found.run_at, found.timezone)
                self._loaded_timezone, self._loaded_description = found.timezone, found.description
            else:
                self._apply_choice(preset_from_cron(found.cron or ""), found.cron or "")
            self.timezone = found.timezone
            self._timezone_touched = True
            self.fields = fields_from_schema(graph.input_schema)
            self.values = values_from_inputs(self.fields, found.inputs)
            mine = await credentials_service.list_credentials(session, user)
            needs = credential_needs(graph.credentials_input_schema, mine)
            for need in needs:
                chosen = found.credentials.get(need.key, "")
                if chosen and any(c.id == chosen for c in need.choices):
                    need.selected = chosen
            self.needs = needs
            self.ready = True

        failed = await self._attempt(load, error_field="form_error") is FAILED
        self.loading = False
        self._refresh_preview()
        if failed:
            yield self._after_failure()

    @rx.event
    def set_dialog_open(self, value: bool):
        """Open or close the dialog (closing keeps nothing half-saved: nothing is written until Save)."""
        self.dialog_open = bool(value) and self.dialog_open
        if not self.dialog_open:
            self.saving = False

    @rx.event
    def close(self):
        """Close the dialog (``on_load`` of the pages that show it: an open dialog never follows a navigation)."""
        self.dialog_open = self.saving = False

    @rx.event
    def set_browser_timezone(self, value: Any):
        """The browser's time zone: the default of a new schedule unless the user already chose one."""
        try:
            zone = cronlib.validate_timezone(str(value or ""))
        except InvalidInput:
            return
        self.browser_timezone = zone
        if self.mode == "create" and not self._timezone_touched:
            self.timezone = zone
            if not self._run_at_touched:
                self.run_at_text = tomorrow_at_nine(zone)
            self._refresh_preview()

    @rx.event
    def set_kind(self, value: str):
        """Repeat (a preset or cron expression) or run once at a date and time."""
        if value in KIND_LABELS:
            self.kind = value
            self._refresh_preview()

    @rx.event
    def set_run_at_text(self, value: str):
        """The date and time of a one-off, on the clock of the chosen time zone."""
        self.run_at_text = str(value or "")[:40]
        self._run_at_touched = True
        self._refresh_preview()

    @rx.event
    def set_preset(self, value: str):
        """Choose a preset or ``custom`` (which starts from the cron the preset stood for)."""
        if value not in PRESET_LABELS:
            return
        if value == "custom" and self.preview_cron and not self.preview_error:
            self.cron_text = self.preview_cron
        self.preset = value
        self._refresh_preview()

    @rx.event
    def set_time_text(self, value: str):
        """The time of day of the daily, weekdays and weekly presets."""
        self.time_text = str(value or "")[:8]
        self._refresh_preview()

    @rx.event
    def set_minute_text(self, value: str):
        """The minute past the hour of the hourly preset."""
        self.minute_text = str(value or "")[:4]
        self._refresh_preview()

    @rx.event
    def set_weekday(self, value: str):
        """The day of the weekly preset."""
        if value in WEEKDAY_LABELS:
            self.weekday = value
            self._refresh_preview()

    @rx.event
    def set_cron_text(self, value: str):
        """A custom cron expression."""
        self.cron_text = str(value or "")[: cronlib.MAX_CRON_CHARS + 1]
        self._refresh_preview()

    @rx.event
    def set_timezone(self, value: str):
        """The schedule's time zone (an IANA name, checked by the preview)."""
        self.timezone = str(value or "")[: cronlib.MAX_TIMEZONE_CHARS + 1]
        self._timezone_touched = True
        self._refresh_preview()

    @rx.event
    async def submit(self, form: dict[str, Any]):
        """Create or save the schedule; show the service's messages, or close with a toast."""
        if self.loading or self.saving or not self.ready:
            return
        self.form_error, self.field_errors = "", {}
        self._refresh_preview()
        if self.preview_error:
            self.form_error = self.preview_error
            return
        inputs, problems = inputs_from_form(self.fields, form)
        if problems:
            self.field_errors = problems
            self.form_error = "Please correct the marked inputs."
            return
        chosen = credentials_from_form(self.needs, form)
        name = str(form.get(NAME_FIELD) or "")
        details: list[dict[str, Any]] = []
        editing = self.mode == "edit"
        cron: str | None = None if self.kind == "once" else self.preview_cron
        run_at = None if self.kind != "once" or self._run_at_unchanged() else parse_run_at(self.run_at_text)

        async def save(session: AsyncSession, user: User) -> SchedulePublic:
            try:
                if editing:
                    return await service.update_schedule(
                        session,
                        user,
                        self.schedule_id,
                        name=name,
                        cron=cron,
                        run_at=run_at,
                        timezone=self.timezone,
                        inputs=inputs,
                        credentials=chosen,
                    )
                return await service.create_schedule(
                    session,
                    user,
                    graph_id=self._graph_id,
                    name=name,
                    cron=cron,
                    run_at=run_at,
                    timezone=self.timezone,
                    inputs=inputs,
                    credentials=chosen,
                )
            except InvalidInput as exc:
                details.extend(d for d in exc.details if isinstance(d, dict))
                raise

        self.saving = True
        yield
        try:
            saved = await self._attempt(save, error_field="form_error")
        finally:
            self.saving = False
        if saved is FAILED:
            self.field_errors = field_messages(details)
            yield self._after_failure()
            return
        self.name = saved.name
        self.dialog_open = False
        if editing:
            yield [rx.toast.success(f"Saved “{saved.name}”."), SchedulesState.refresh]
        else:
            yield [rx.toast.success(f"Scheduled “{saved.name}”."), AgentSchedulesState.created(saved.name)]


# --- an agent's schedules (on its library page) -------------------------------------------------


class AgentSchedulesState(AuthState):
    """The few schedules of the agent on its library page, newest first."""

    agent_rows: list[ScheduleRow] = []
    more: bool = False
    notice: str = ""
    agent_schedules_error: str = ""

    _graph_id: str = ""

    async def _load(self, session: AsyncSession, user: User) -> None:
        if not self._graph_id:
            agent_id = path_arg(self.router.url.path, "/library/agent/")
            try:
                self._graph_id = (await library.get_agent(session, user, agent_id)).graph_id
            except NotFound:  # the agent page says so
                self.agent_rows, self.more = [], False
                return
        found = await service.list_schedules_page(session, user, graph_id=self._graph_id, limit=AGENT_SCHEDULES_SHOWN)
        self.more = found.total > len(found.items)
        self.agent_rows = await schedule_rows(session, user, found.items)

    @rx.event
    async def load(self):
        """Read this agent's schedules (``on_load`` of the agent page)."""
        self.agent_rows, self.more, self.notice, self.agent_schedules_error = [], False, "", ""
        self._graph_id = ""
        if await self._attempt(self._load, error_field="agent_schedules_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def created(self, name: str):
        """After the dialog created a schedule: say so, with the list re-read."""
        self.agent_schedules_error = ""
        if await self._attempt(self._load, error_field="agent_schedules_error") is FAILED:
            return self._after_failure()
        self.notice = f"Scheduled “{name}”."
        return None


# --- the Schedules page -------------------------------------------------------------------------


class SchedulesState(AuthState):
    """The Schedules page: one page of the user's schedules and their actions."""

    rows: list[ScheduleRow] = []
    page: int = 1
    #: How many schedules the user has in all.
    total: int = 0
    has_next: bool = False
    loaded: bool = False
    schedules_error: str = ""

    @rx.var
    def range_label(self) -> str:
        """Which rows the page shows: ``11–20 of 23``."""
        if not self.rows:
            return f"0 of {self.total}"
        first = (self.page - 1) * PAGE_SIZE + 1
        last = first + len(self.rows) - 1
        return f"{first} of {self.total}" if last == first else f"{first}–{last} of {self.total}"

    async def _load(self, session: AsyncSession, user: User) -> None:
        found = await service.list_schedules_page(session, user, offset=(self.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        if not found.items and self.page > 1 and found.total:
            # Past the end (schedules were deleted since): the last page rather than an empty one.
            self.page = math.ceil(found.total / PAGE_SIZE)
            found = await service.list_schedules_page(
                session, user, offset=(self.page - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
        elif not found.items:
            self.page = 1
        self.total = found.total
        self.has_next = found.offset + len(found.items) < found.total
        self.rows = await schedule_rows(session, user, found.items)
        self.loaded = True

    async def _reload(self) -> Any:
        if await self._attempt(self._load, error_field="schedules_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    async def load(self):
        """The first page (``on_load``)."""
        self.rows, self.page, self.total, self.has_next, self.loaded = [], 1, 0, False, False
        self.schedules_error = ""
        return await self._reload()

    @rx.event
    async def refresh(self):
        """Re-read the current page."""
        self.schedules_error = ""
        return await self._reload()

    @rx.event
    async def next_page(self):
        """The next page of schedules."""
        if self.has_next:
            self.page += 1
            self.schedules_error = ""
            return await self._reload()
        return None

    @rx.event
    async def prev_page(self):
        """The previous page of schedules."""
        if self.page > 1:
            self.page -= 1
            self.schedules_error = ""
            return await self._reload()
        return None

    async def _act(self, action, schedule_id: str, done: str) -> Any:
        self.schedules_error = ""

        async def act(session: AsyncSession, user: User) -> None:
            await action(session, user, schedule_id)
            await self._load(session, user)

        if await self._attempt(act, error_field="schedules_error") is FAILED:
            return self._after_failure()
        return rx.toast.success(done)

    @rx.event
    async def pause(self, schedule_id: str):
        """Stop a schedule firing until it is resumed."""
        return await self._act(service.pause_schedule, schedule_id, "Schedule paused.")

    @rx.event
    async def resume(self, schedule_id: str):
        """Fire again from the next occurrence (the service refuses if the agent no longer fits)."""
        return await self._act(service.resume_schedule, schedule_id, "Schedule resumed.")

    @rx.event
    async def delete(self, schedule_id: str):
        """Delete a schedule (its past runs stay)."""
        return await self._act(service.delete_schedule, schedule_id, "Schedule deleted.")
