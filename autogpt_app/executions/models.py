"""Tables of the executions domain: one row per run of an agent and one per node run."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow


class ExecutionStatus(StrEnum):
    """Life cycle of a run and of a node run."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    #: Paused for a person's decision (see ``reviews.py``): holds no worker, lease or fairness slot.
    WAITING = "WAITING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    TERMINATED = "TERMINATED"


TERMINAL = frozenset({ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.TERMINATED})

#: Allowed moves; anything else is a bug and is refused.
TRANSITIONS: dict[ExecutionStatus, frozenset[ExecutionStatus]] = {
    ExecutionStatus.QUEUED: frozenset({ExecutionStatus.RUNNING, ExecutionStatus.TERMINATED, ExecutionStatus.FAILED}),
    ExecutionStatus.RUNNING: frozenset(
        {
            ExecutionStatus.RUNNING,
            ExecutionStatus.WAITING,
            ExecutionStatus.COMPLETED,
            ExecutionStatus.FAILED,
            ExecutionStatus.TERMINATED,
        }
    ),
    # A decision (or its time running out) queues it again; a stop ends it at once.
    ExecutionStatus.WAITING: frozenset({ExecutionStatus.QUEUED, ExecutionStatus.TERMINATED}),
    ExecutionStatus.COMPLETED: frozenset(),
    ExecutionStatus.FAILED: frozenset(),
    ExecutionStatus.TERMINATED: frozenset(),
}


class GraphExecution(SQLModel, table=True):
    """A run of one version of an agent. The row exists before any message is sent."""

    __tablename__ = "graph_executions"
    __table_args__ = (
        Index("ix_graph_executions_user_created", "user_id", "created_at"),
        # A library's run counts and last runs are derived per (user, agent): see library/runs.py.
        Index("ix_graph_executions_user_graph_created", "user_id", "graph_id", "created_at"),
        Index("ix_graph_executions_status_lease", "status", "lease_expires_at"),
        # The relay's poll: queued runs whose message was never confirmed sent.
        Index("ix_graph_executions_status_sent", "status", "sent_at"),
        Index("ix_graph_executions_user_status_created", "user_id", "status", "created_at"),
        # Fairness (executions/fairness.py): one person's RUNNING runs each hold a different slot.
        Index(
            "uq_graph_executions_user_slot",
            "user_id",
            "slot",
            unique=True,
            postgresql_where=text("status = 'RUNNING'"),
            sqlite_where=text("status = 'RUNNING'"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    graph_id: str = Field(foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    graph_version: int
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    status: str = Field(default=ExecutionStatus.QUEUED.value, max_length=20)
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Which of the user's credentials each need uses: {need key: credential id}. Never secrets.
    credentials: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outputs: dict[str, list[Any]] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    stop_requested: bool = Field(default=False)
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    parent_execution_id: str | None = Field(default=None, max_length=36)
    depth: int = Field(default=0)
    #: Which of its owner's running slots a top-level RUNNING run holds (None: sub-agent runs,
    #: runs not started yet).
    slot: int | None = Field(default=None)
    #: The schedule whose firing started this run (a plain id: the schedule may be deleted later).
    schedule_id: str | None = Field(default=None, max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: When the broker confirmed the run's message; None while no send has been confirmed (the relay's work).
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NodeExecution(SQLModel, table=True):
    """One run of one node with the inputs it got, the outputs it produced, and its timing."""

    __tablename__ = "node_executions"
    __table_args__ = (Index("ix_node_executions_exec_seq", "graph_exec_id", "seq"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    graph_exec_id: str = Field(foreign_key="graph_executions.id", ondelete="CASCADE", max_length=36)
    node_id: str = Field(max_length=100)
    block_id: str = Field(max_length=36)
    seq: int
    #: Hash of node id + inputs: a resumed run reuses a completed node run with the same key.
    input_key: str = Field(max_length=64)
    status: str = Field(default=ExecutionStatus.RUNNING.value, max_length=20)
    inputs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outputs: list[list[Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: Sentences for the person about this node run (a replaced model, a retry), see ``RunContext.note``.
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NodeExecutionPublic(BaseModel):
    """A node run as the API and the run page show it."""

    id: str
    node_id: str
    block_id: str
    seq: int
    status: str
    inputs: dict[str, Any]
    outputs: list[list[Any]]
    error: str | None
    notes: list[str] = []
    started_at: datetime
    ended_at: datetime | None


class ExecutionPublic(BaseModel):
    """A run as the API and pages show it."""

    id: str
    graph_id: str
    graph_version: int
    status: str
    inputs: dict[str, Any]
    credentials: dict[str, str]
    outputs: dict[str, list[Any]]
    error: str | None
    stop_requested: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    nodes: list[NodeExecutionPublic] | None = None


class AgentValue(SQLModel, table=True):
    """A value an agent keeps between runs (*Persist information* / *Retrieve information*).

    ``graph_id`` names the agent it belongs to; NULL means it is shared by all the owner's agents.
    Deleting the user or the agent deletes its values. A unique constraint lets NULLs repeat on both
    engines, so a partial unique index keeps one shared value per key and user.
    """

    __tablename__ = "agent_values"
    __table_args__ = (
        UniqueConstraint("user_id", "graph_id", "key", name="uq_agent_values_user_graph_key"),
        Index(
            "uq_agent_values_user_shared_key",
            "user_id",
            "key",
            unique=True,
            postgresql_where=text("graph_id IS NULL"),
            sqlite_where=text("graph_id IS NULL"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    graph_id: str | None = Field(default=None, foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    key: str = Field(max_length=200)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
