"""Table and public shapes of the library: which agents a user keeps, and how they use them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow

MAX_NAME = 200
#: Characters of the description a list item carries (a page of items stays small).
SUMMARY_DESCRIPTION = 300


class LibrarySource(StrEnum):
    """How an agent came into the user's library."""

    MARKETPLACE = "marketplace"
    UPLOAD = "upload"
    CREATED = "created"


class LibraryAgent(SQLModel, table=True):
    """One agent in one user's library. The graph holds the content; this row holds the user's view of it."""

    __tablename__ = "library_agents"
    __table_args__ = (
        UniqueConstraint("user_id", "graph_id", name="uq_library_agents_user_graph"),
        Index("ix_library_agents_user_archived_updated", "user_id", "is_archived", "updated_at"),
        Index("ix_library_agents_user_favorite", "user_id", "is_favorite"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=36)
    graph_id: str = Field(foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    #: The pinned version; None follows the graph's active version.
    graph_version: int | None = Field(default=None)
    source: str = Field(default=LibrarySource.CREATED.value, max_length=20)
    #: The store listing it was added from (a plain id: the store's tables are another domain's).
    store_listing_id: str | None = Field(default=None, max_length=36)
    #: The listing version the user's copy was made from (a newer approved one means an update).
    store_listing_version_id: str | None = Field(default=None, max_length=36)
    #: Display name, cached from the graph when added; the user may rename it.
    name: str = Field(max_length=MAX_NAME)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    is_favorite: bool = Field(default=False)
    is_archived: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: Sentence vector of name and description (see :mod:`autogpt_app.store.semantic`), and the
    #: hash of the model and text it came from.
    embedding: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    embedding_key: str | None = Field(default=None, max_length=32)


class LibraryAgentSummary(BaseModel):
    """A list item: what a library card or row shows, never the graph's nodes."""

    id: str
    graph_id: str
    graph_version: int | None
    source: str
    store_listing_id: str | None
    name: str
    description: str
    is_favorite: bool
    is_archived: bool
    #: Derived from the runs (see :mod:`autogpt_app.library.runs`), not stored on the row.
    run_count: int
    last_run_at: datetime | None
    input_count: int
    created_at: datetime
    updated_at: datetime
    #: Added from the marketplace, whose listing now has a newer approved version.
    update_available: bool = False
    #: Marketplace version numbers: the one the user has and the newest approved (None if not from there).
    listing_version: int | None = None
    latest_listing_version: int | None = None


class LibraryAgentDetail(LibraryAgentSummary):
    """One agent with what a run form needs: its input and credential schemas."""

    #: The version that runs: the pinned one, or the graph's active version.
    version: int
    active_version: int
    latest_version: int
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    credentials_input_schema: dict[str, Any]


class LibraryPage(BaseModel):
    """One page of a user's library, with the total matching count for paging."""

    items: list[LibraryAgentSummary]
    total: int
    offset: int
    limit: int
