"""Tables and public shapes of the marketplace.

Run counts and rating sums live on the listing row, so a listing page or a search result never
scans executions or reviews. The search index objects (PostgreSQL ``search_vector`` column and
GIN indexes, SQLite FTS5 tables and triggers) are created by migration ``0006_store`` only; the
models do not declare them and :func:`include_object` keeps Alembic's comparison away from them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from autogpt_app.auth.models import new_id
from autogpt_app.timeutil import UTCDateTime, utcnow

MAX_NAME = 100
MAX_SUBHEADING = 200
MAX_DESCRIPTION = 5000
MAX_CATEGORY = 40
MAX_CATEGORIES = 5
MAX_URL = 500
MAX_CHANGELOG = 2000
MAX_COMMENT = 2000
MAX_SLUG = 120
MAX_USERNAME = 60

#: Objects of the search index that only the migration knows (see :func:`include_object`).
SEARCH_TABLE_PREFIXES = ("store_listings_fts", "store_listings_trgm")
SEARCH_COLUMNS = frozenset({"search_vector"})
SEARCH_INDEX_PREFIXES = ("ix_store_listings_search", "ix_store_listings_trgm", "ix_store_listings_sort")


class VersionStatus(StrEnum):
    """Life cycle of a submitted version."""

    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Creator(SQLModel, table=True):
    """A user's public profile as a marketplace author (created on first submission)."""

    __tablename__ = "creators"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", unique=True, ondelete="CASCADE", max_length=36)
    username: str = Field(unique=True, max_length=MAX_USERNAME)
    name: str = Field(max_length=80)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    avatar_url: str = Field(default="", max_length=MAX_URL)
    links: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StoreListing(SQLModel, table=True):
    """An agent in the marketplace. The text here is what is live; ``is_active`` = approved and visible."""

    __tablename__ = "store_listings"
    # One index per browse order, so a page of 100,000 listings is read in index order.
    __table_args__ = (
        Index("ix_store_listings_active_featured_runs", "is_active", "featured", "run_count"),
        Index("ix_store_listings_active_runs", "is_active", "run_count"),
        Index("ix_store_listings_active_rating", "is_active", "rating_average", "rating_count"),
        Index("ix_store_listings_active_updated", "is_active", "updated_at"),
        Index("ix_store_listings_active_embedded", "is_active", "embedded_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    slug: str = Field(unique=True, max_length=MAX_SLUG)
    creator_id: str = Field(foreign_key="creators.id", index=True, ondelete="CASCADE", max_length=36)
    name: str = Field(max_length=MAX_NAME)
    subheading: str = Field(default="", max_length=MAX_SUBHEADING)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: Lower-case category names, at most five (JSONB on PostgreSQL, for its GIN index).
    categories: list[str] = Field(
        default_factory=list, sa_column=Column(JSON().with_variant(JSONB(), "postgresql"), nullable=False)
    )
    image_url: str = Field(default="", max_length=MAX_URL)
    featured: bool = Field(default=False)
    #: The approved version people get (no foreign key: it would make the two tables a cycle).
    active_version_id: str | None = Field(default=None, max_length=36)
    #: The creator's agent this listing publishes.
    graph_id: str = Field(foreign_key="graphs.id", index=True, ondelete="CASCADE", max_length=36)
    run_count: int = Field(default=0)
    rating_sum: int = Field(default=0)
    rating_count: int = Field(default=0)
    #: ``rating_sum / rating_count`` (0 when unrated), kept by the same UPDATE, for the rating sort.
    rating_average: float = Field(default=0.0)
    is_active: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: Sentence vector of the live text (float32 bytes; see :mod:`autogpt_app.store.semantic`).
    embedding: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    #: Hash of the model and the text the vector was computed from: a mismatch means recompute.
    embedding_key: str | None = Field(default=None, max_length=32)
    #: When the vector was last written: search reloads its in-memory matrix when this moves.
    embedded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StoreListingVersion(SQLModel, table=True):
    """One submission of a listing: a graph version, its changelog and the review outcome.

    ``proposed`` holds the listing text submitted with it (name, subheading, description,
    categories, image_url); approving copies it onto the listing, so live text changes only after
    review.
    """

    __tablename__ = "store_listing_versions"
    __table_args__ = (
        UniqueConstraint("listing_id", "version_number", name="uq_store_listing_versions_number"),
        Index("ix_store_listing_versions_status_submitted", "status", "submitted_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    listing_id: str = Field(foreign_key="store_listings.id", index=True, ondelete="CASCADE", max_length=36)
    graph_id: str = Field(foreign_key="graphs.id", ondelete="CASCADE", max_length=36)
    graph_version: int
    version_number: int
    changelog: str = Field(default="", sa_column=Column(Text, nullable=False))
    proposed: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=VersionStatus.PENDING.value, max_length=20)
    reviewer_id: str | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", max_length=36)
    reviewer_comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StoreReview(SQLModel, table=True):
    """One user's rating (1–5) and comment on a listing; one per user, editable."""

    __tablename__ = "store_reviews"
    __table_args__ = (UniqueConstraint("listing_id", "user_id", name="uq_store_reviews_listing_user"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    listing_id: str = Field(foreign_key="store_listings.id", ondelete="CASCADE", max_length=36)
    user_id: str = Field(foreign_key="users.id", index=True, ondelete="CASCADE", max_length=36)
    score: int
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: leave out the search index objects that only the migration creates."""
    return include_name(name, type_, {})


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic name filter (runs before reflection): same rule as :func:`include_object`."""
    if not name:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_TABLE_PREFIXES)
    if type_ == "column":
        return name not in SEARCH_COLUMNS
    if type_ == "index":
        return not name.startswith(SEARCH_INDEX_PREFIXES)
    return True


# --- public shapes -------------------------------------------------------------------------------


class StoreRunTally(SQLModel, table=True):
    """One run of a listing's agent not yet added to ``store_listings.run_count``.

    A run start inserts one of these (an insert locks nothing another run needs); the recovery sweep
    adds them to their listings in batches (:func:`autogpt_app.store.run_counts.apply_run_tallies`).
    No foreign key: checking one would lock the listing row the tally is meant to leave alone.
    """

    __tablename__ = "store_run_tallies"

    id: int | None = Field(default=None, primary_key=True)
    listing_id: str = Field(max_length=36)


class CreatorPublic(BaseModel):
    """A creator's public profile."""

    username: str
    name: str
    description: str
    avatar_url: str
    links: list[str]


class ListingSummary(BaseModel):
    """One listing as search results, home-page rows and creator pages show it."""

    id: str
    slug: str
    name: str
    subheading: str
    categories: list[str]
    image_url: str
    featured: bool
    creator_username: str
    creator_name: str
    run_count: int
    rating_average: float | None
    rating_count: int
    updated_at: datetime


class SearchPage(BaseModel):
    """One page of search results; ``fuzzy`` is true when no listing has every word of the query: the
    results come from the typo-tolerant fallback, or (with the embedding model) from any of the
    words and from meaning."""

    items: list[ListingSummary]
    total: int
    offset: int
    limit: int
    query: str = ""
    fuzzy: bool = False


class ListingVersionPublic(BaseModel):
    """A published version of a listing, with its changelog."""

    id: str
    version_number: int
    graph_version: int
    changelog: str
    status: str
    submitted_at: datetime
    reviewed_at: datetime | None


class ReviewPublic(BaseModel):
    """A rating and comment as shown on a listing page."""

    id: str
    listing_id: str
    reviewer_name: str
    score: int
    comment: str
    created_at: datetime
    updated_at: datetime


class ListingDetail(ListingSummary):
    """Everything an agent page shows."""

    description: str
    creator: CreatorPublic
    graph_name: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    credentials_input_schema: dict[str, Any]
    active_version: ListingVersionPublic | None
    versions: list[ListingVersionPublic]
    reviews: list[ReviewPublic]
    created_at: datetime


class CreatorDetail(CreatorPublic):
    """A creator page: profile, figures and their listings (most run first)."""

    listing_count: int
    run_count: int
    listings: list[ListingSummary]


class SubmissionPublic(BaseModel):
    """A submitted version as its submitter and the admins' review queue see it."""

    version_id: str
    listing_id: str
    slug: str
    name: str
    subheading: str
    description: str
    categories: list[str]
    image_url: str
    creator_username: str
    graph_id: str
    graph_version: int
    graph_name: str
    version_number: int
    changelog: str
    status: str
    reviewer_comment: str
    listing_is_active: bool
    submitted_at: datetime
    reviewed_at: datetime | None


class CategoryCount(BaseModel):
    """A category and how many visible listings carry it."""

    name: str
    count: int


class HomeRows(BaseModel):
    """The rows of the marketplace home page."""

    featured: list[ListingSummary]
    most_run: list[ListingSummary]
    top_rated: list[ListingSummary]
    categories: list[CategoryCount]
