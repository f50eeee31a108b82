"""Tables of the scheduling domain: the schedules (the source of truth) and the scheduler's leader lease."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import JSON, CheckConstraint, Column, Index, Text
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow

MAX_NAME = 200
MAX_CRON = 200
MAX_TIMEZONE = 64
#: A schedule repeats (``cron``) or runs once (``run_at``): exactly one of the two is set.
CRON_OR_RUN_AT = "ck_schedules_cron_or_run_at"


class Schedule(SQLModel, table=True):
    """A schedule that runs one of the owner's agents with stored inputs and credential choices:
    repeatedly on a cron expression, or once at ``run_at``."""

    __tablename__ = "schedules"
    __table_args__ = (
        Index("ix_schedules_active_next", "is_active", "next_run_at"),
        Index("ix_schedules_user", "user_id"),
        CheckConstraint("(cron IS NULL) <> (run_at IS NULL)", name=CRON_OR_RUN_AT),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    graph_id: str = Field(foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    #: The pinned version; None runs the agent's active version at each firing.
    graph_version: int | None = Field(default=None)
    name: str = Field(max_length=MAX_NAME)
    #: The repeat rule (5 fields), or None for a one-off schedule.
    cron: str | None = Field(default=None, max_length=MAX_CRON)
    #: When a one-off schedule runs (UTC), or None for a repeating one.
    run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    timezone: str = Field(default="UTC", max_length=MAX_TIMEZONE)
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Which of the owner's credentials each need uses: {need key: credential id}. Never secrets.
    credentials: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    is_active: bool = Field(default=True)
    #: The next due time (UTC). A firing claims it atomically: ``UPDATE … WHERE next_run_at = <due>``.
    next_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_execution_id: str | None = Field(default=None, max_length=36)
    #: QUEUED when the last firing started a run, FAILED when it could not (see ``last_error``).
    last_status: str | None = Field(default=None, max_length=20)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SchedulerLease(SQLModel, table=True):
    """Who leads: the one scheduler process whose lease on ``name`` is fresh fires the schedules."""

    __tablename__ = "scheduler_leases"

    name: str = Field(primary_key=True, max_length=50)
    holder: str = Field(max_length=200)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class SchedulePublic(BaseModel):
    """A schedule as the API and pages show it, with its words and next run times."""

    id: str
    graph_id: str
    graph_version: int | None
    name: str
    #: ``cron``: repeats on ``cron``; ``once``: runs once at ``run_at``.
    kind: Literal["cron", "once"]
    cron: str | None
    #: When a one-off schedule runs (None for a repeating one).
    run_at: datetime | None
    timezone: str
    description: str
    inputs: dict[str, Any]
    credentials: dict[str, str]
    is_active: bool
    next_run_at: datetime | None
    #: The next run times in the schedule's own time zone (up to 5; none while paused; a one-off's
    #: single time until it has run).
    next_runs: list[datetime]
    last_run_at: datetime | None
    last_execution_id: str | None
    last_status: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


class OncePreview(BaseModel):
    """A one-off time checked and in words (what the schedule form shows as you type)."""

    run_at: datetime
    timezone: str
    description: str
    next_runs: list[datetime]


class CronPreview(BaseModel):
    """A cron expression in words and its next run times (what the schedule form shows as you type)."""

    cron: str
    timezone: str
    description: str
    next_runs: list[datetime]
