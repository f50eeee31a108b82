"""``/schedules``: the caller's schedules of agents — repeating (cron) or once (``run_at``) — list, create,
read, change, pause, resume, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, Field

from autogpt_app.api.deps import CurrentUser, ReadUser, SessionDep
from autogpt_app.errors import InvalidInput
from autogpt_app.scheduling import cron as cronlib
from autogpt_app.scheduling import service
from autogpt_app.scheduling.models import MAX_CRON, MAX_NAME, MAX_TIMEZONE, CronPreview, SchedulePublic

router = APIRouter(prefix="/schedules", tags=["schedules"])

ScheduleId = Annotated[str, Path(max_length=64)]


class Preset(BaseModel):
    """A common schedule instead of a cron expression."""

    kind: Literal["hourly", "daily", "weekdays", "weekly"]
    hour: int = Field(default=0, ge=0, le=23)
    minute: int = Field(default=0, ge=0, le=59)
    day_of_week: int | str = Field(default=1, description="0 or 7 = Sunday … 6 = Saturday, or 'mon'…")


RUN_AT_DESCRIPTION = (
    "Run once at this time instead of repeating: ISO 8601 with an offset ('2026-12-08T09:00:00+01:00'), "
    "or without one ('2026-12-08T09:00'), read in `timezone`. In the future, at most a year ahead; a wall "
    "time skipped by a daylight-saving change is refused. Give either `cron`/`preset` or `run_at`."
)


class ScheduleCreate(BaseModel):
    graph_id: str = Field(max_length=64)
    graph_version: int | None = Field(default=None, ge=1, description="None runs the active version")
    name: str = Field(max_length=MAX_NAME * 2)
    cron: str | None = Field(default=None, max_length=MAX_CRON, description="5 fields, e.g. '0 8 * * 1-5'")
    preset: Preset | None = None
    run_at: datetime | None = Field(default=None, description=RUN_AT_DESCRIPTION)
    timezone: str = Field(default="UTC", max_length=MAX_TIMEZONE * 2, description="IANA name, e.g. 'Europe/Paris'")
    inputs: dict[str, Any] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict, description="need key → credential id")


class ScheduleUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=MAX_NAME * 2)
    cron: str | None = Field(default=None, max_length=MAX_CRON, description="Makes it repeat (also a one-off)")
    preset: Preset | None = None
    run_at: datetime | None = Field(
        default=None, description=RUN_AT_DESCRIPTION + " Makes it a one-off; a one-off that ran runs again."
    )
    timezone: str | None = Field(default=None, max_length=MAX_TIMEZONE * 2)
    inputs: dict[str, Any] | None = None
    credentials: dict[str, str] | None = None
    graph_version: int | None = Field(default=None, ge=1)
    is_active: bool | None = None


def _cron(cron: str | None, preset: Preset | None) -> str | None:
    """The cron expression of ``cron`` or ``preset`` (the service decides whether one is needed)."""
    if cron is not None and preset is not None:
        raise InvalidInput("Give either a cron expression or a preset, not both.", code="invalid_cron")
    if preset is not None:
        return cronlib.from_preset(preset.kind, hour=preset.hour, minute=preset.minute, day_of_week=preset.day_of_week)
    return cron


@router.get("", response_model=list[SchedulePublic])
async def list_schedules(
    user: ReadUser,
    session: SessionDep,
    graph_id: Annotated[str | None, Query(max_length=64)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
) -> list[SchedulePublic]:
    """The caller's schedules (``?graph_id=`` for one agent's), newest first, with words and next runs."""
    return await service.list_schedules(session, user, offset=offset, limit=limit, graph_id=graph_id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SchedulePublic)
async def create_schedule(body: ScheduleCreate, user: CurrentUser, session: SessionDep) -> SchedulePublic:
    """Schedule one of the caller's agents, repeating (``cron`` or ``preset``) or once (``run_at``).

    Inputs and credentials are checked as for a run. The answer's ``kind`` is ``cron`` or ``once``;
    a one-off's ``description`` reads like "Once, on Tue 8 Dec 2026 at 09:00 (Europe/Paris)".
    Refusals are 422 with a readable message: ``invalid_schedule`` (neither or both of a cron and
    ``run_at``), ``invalid_run_at`` (past, more than a year ahead, or skipped by a clock change),
    ``invalid_cron``, ``invalid_timezone`` and the run's own input and credential errors.
    """
    return await service.create_schedule(
        session,
        user,
        graph_id=body.graph_id,
        graph_version=body.graph_version,
        name=body.name,
        cron=_cron(body.cron, body.preset),
        run_at=body.run_at,
        timezone=body.timezone,
        inputs=body.inputs,
        credentials=body.credentials,
    )


@router.get("/describe", response_model=CronPreview)
async def describe(
    _user: ReadUser,
    cron: Annotated[str, Query(max_length=MAX_CRON)],
    timezone: Annotated[str, Query(max_length=MAX_TIMEZONE * 2)] = "UTC",
) -> CronPreview:
    """A cron expression in words and its next five run times in ``timezone`` (for the form; saves nothing)."""
    return service.describe_cron(cron, timezone)


@router.get("/{schedule_id}", response_model=SchedulePublic)
async def get_schedule(schedule_id: ScheduleId, user: ReadUser, session: SessionDep) -> SchedulePublic:
    """One of the caller's schedules."""
    return await service.get_schedule(session, user, schedule_id)


@router.patch("/{schedule_id}", response_model=SchedulePublic)
async def update_schedule(
    schedule_id: ScheduleId, body: ScheduleUpdate, user: CurrentUser, session: SessionDep
) -> SchedulePublic:
    """Change a schedule; only the fields sent change (``graph_version: null`` follows the active version).

    ``cron``/``preset`` makes it repeat and ``run_at`` makes it run once; a one-off that already ran
    is scheduled again by a new ``run_at``.
    """
    extra: dict[str, Any] = {}
    if "graph_version" in body.model_fields_set:
        extra["graph_version"] = body.graph_version
    return await service.update_schedule(
        session,
        user,
        schedule_id,
        name=body.name,
        cron=_cron(body.cron, body.preset),
        run_at=body.run_at,
        timezone=body.timezone,
        inputs=body.inputs,
        credentials=body.credentials,
        is_active=body.is_active,
        **extra,
    )


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_schedule(schedule_id: ScheduleId, user: CurrentUser, session: SessionDep) -> Response:
    """Delete one of the caller's schedules (its past runs stay)."""
    await service.delete_schedule(session, user, schedule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{schedule_id}/pause", response_model=SchedulePublic)
async def pause_schedule(schedule_id: ScheduleId, user: CurrentUser, session: SessionDep) -> SchedulePublic:
    """Stop firing until resumed."""
    return await service.pause_schedule(session, user, schedule_id)


@router.post("/{schedule_id}/resume", response_model=SchedulePublic)
async def resume_schedule(schedule_id: ScheduleId, user: CurrentUser, session: SessionDep) -> SchedulePublic:
    """Fire again from the next occurrence after now (missed runs are not caught up).

    A paused one-off runs at its time if that is still ahead; one that already ran answers 409
    ``schedule_finished`` (give it a new ``run_at`` instead).
    """
    return await service.resume_schedule(session, user, schedule_id)
