"""The table of reviews a run waits on: a *Human review* step, or a step marked "ask before running"."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow


class ReviewStatus(StrEnum):
    """Where a review stands. Only ``pending`` may change, once (a conditional UPDATE)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: Nobody decided before ``expires_at``: the run follows the reject path.
    EXPIRED = "expired"
    #: The run was stopped while it waited.
    CANCELLED = "cancelled"


class ReviewKind(StrEnum):
    """Why the run waits: a *Human review* step, or a step marked "ask before running"."""

    BLOCK = "block"
    ASK_BEFORE = "ask_before"


class PendingReview(SQLModel, table=True):
    """One decision a run waits for. A resumed run finds it again by execution, node and input key."""

    __tablename__ = "pending_reviews"
    __table_args__ = (
        UniqueConstraint("execution_id", "node_id", "input_key", name="uq_pending_reviews_exec_node_key"),
        # The sweep's look for reviews past their time, and a person's list of open reviews.
        Index("ix_pending_reviews_status_expires", "status", "expires_at"),
        Index("ix_pending_reviews_user_status", "user_id", "status"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    execution_id: str = Field(foreign_key="graph_executions.id", ondelete="CASCADE", max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    node_id: str = Field(max_length=100)
    block_id: str = Field(max_length=36)
    #: The node run's identity (node + inputs, see ``dataflow.ReadyRun.key``).
    input_key: str = Field(max_length=64)
    kind: str = Field(default=ReviewKind.BLOCK.value, max_length=20)
    #: What the person is asked, in a sentence.
    message: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: The data the step received (secrets masked); for "ask before running", the step's inputs.
    data: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    editable: bool = Field(default=True)
    status: str = Field(default=ReviewStatus.PENDING.value, max_length=20)
    #: The reviewer's version of the data (None: approved as it was).
    edited_data: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by: str | None = Field(default=None, max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ReviewPublic(BaseModel):
    """A review as the API, the run page and the chat show it."""

    id: str
    execution_id: str
    node_id: str
    kind: str
    message: str
    data: Any
    editable: bool
    status: str
    edited_data: Any = None
    comment: str | None = None
    created_at: datetime
    decided_at: datetime | None = None
    expires_at: datetime
