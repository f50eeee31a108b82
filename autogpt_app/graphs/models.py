"""Tables of the graphs domain: an agent, its immutable versions and the builder's drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow


class Graph(SQLModel, table=True):
    """An agent a user owns. Its content lives in versions; one of them is active."""

    __tablename__ = "graphs"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    owner_id: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE", max_length=36)
    active_version: int = Field(default=1)
    latest_version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GraphVersion(SQLModel, table=True):
    """One immutable version of an agent, with the schemas derived from its nodes at save time."""

    __tablename__ = "graph_versions"
    __table_args__ = (UniqueConstraint("graph_id", "version", name="uq_graph_versions_graph_version"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    graph_id: str = Field(foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    version: int
    name: str = Field(max_length=200)
    description: str = Field(default="")
    nodes: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    links: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sub_graphs: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    input_schema: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    output_schema: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    credentials_input_schema: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: What the person who saved it wrote about this version ("Restored from version 2"); None: nothing.
    note: str | None = Field(default=None, max_length=500)


class GraphDraft(SQLModel, table=True):
    """The builder's unsaved work on an agent: it may not be valid, so it cannot run or be a version.

    One per person and agent; ``graph_id`` NULL is the person's one draft of a new agent (a partial
    unique index, since a unique constraint lets NULLs repeat on both engines).
    """

    __tablename__ = "graph_drafts"
    __table_args__ = (
        UniqueConstraint("user_id", "graph_id", name="uq_graph_drafts_user_graph"),
        Index(
            "uq_graph_drafts_user_new",
            "user_id",
            unique=True,
            postgresql_where=text("graph_id IS NULL"),
            sqlite_where=text("graph_id IS NULL"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    graph_id: str | None = Field(default=None, foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    #: The working copy in GraphSpec JSON form: name, description, nodes, links.
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GraphPublic(BaseModel):
    """One version of an agent as the API and pages show it."""

    id: str
    version: int
    active_version: int
    latest_version: int
    is_active: bool
    name: str
    description: str
    nodes: list[dict[str, Any]]
    links: list[dict[str, Any]]
    sub_graphs: list[dict[str, Any]]
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    credentials_input_schema: dict[str, Any]
    created_at: datetime


class GraphVersionSummary(BaseModel):
    """A line of an agent's version history."""

    version: int
    name: str
    is_active: bool
    created_at: datetime
    #: What the person who saved it wrote about it ("" when nothing).
    note: str = ""
    #: Who saved it: their display name, or their e-mail when they have none.
    created_by_name: str = ""
