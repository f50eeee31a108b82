"""Store: creators, listings, listing versions, reviews, and the search index on each engine.

PostgreSQL: a stored generated ``search_vector`` (name A > subheading B > description C >
categories D) with a GIN index, ``pg_trgm`` GiST indexes on name and subheading for the
typo-tolerant fallback (nearest-neighbour ordering), and a GIN index on the JSONB categories.
The extension is left installed on downgrade (other objects may use it).

SQLite: two external-content FTS5 tables over ``store_listings`` kept in sync by triggers:
``store_listings_fts`` (porter stemming; name, subheading, description, categories) and
``store_listings_trgm`` (trigram tokenizer; name, subheading). They are keyed by the listing's
rowid: a later migration that rebuilds ``store_listings`` (batch mode) must re-create the triggers
and run ``INSERT INTO <fts>(<fts>) VALUES('rebuild')`` on both tables.

Revision ID: 0006_store
Revises: 0005_notifications
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0006_store"
down_revision: str | None = "0005_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE store_listings ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(subheading, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(categories::text, '')), 'D')
    ) STORED""",
    "CREATE INDEX ix_store_listings_search ON store_listings USING gin (search_vector)",
    # GiST, not GIN: the typo fallback asks for the nearest names (ORDER BY q <<-> name LIMIT n).
    "CREATE INDEX ix_store_listings_trgm_name ON store_listings USING gist (name gist_trgm_ops)",
    "CREATE INDEX ix_store_listings_trgm_subheading ON store_listings USING gist (subheading gist_trgm_ops)",
    "CREATE INDEX ix_store_listings_search_categories ON store_listings USING gin (categories jsonb_path_ops)",
    # The name sort is case-insensitive: an expression index (not declared by the models).
    "CREATE INDEX ix_store_listings_sort_name ON store_listings (is_active, lower(name))",
]

_PG_DOWN = [
    "DROP INDEX IF EXISTS ix_store_listings_sort_name",
    "DROP INDEX IF EXISTS ix_store_listings_search_categories",
    "DROP INDEX IF EXISTS ix_store_listings_trgm_subheading",
    "DROP INDEX IF EXISTS ix_store_listings_trgm_name",
    "DROP INDEX IF EXISTS ix_store_listings_search",
    "ALTER TABLE store_listings DROP COLUMN IF EXISTS search_vector",
]

_FTS_INSERT = """
    INSERT INTO store_listings_fts(rowid, name, subheading, description, categories)
    VALUES (new.rowid, new.name, new.subheading, new.description, new.categories);
    INSERT INTO store_listings_trgm(rowid, name, subheading) VALUES (new.rowid, new.name, new.subheading);
"""
_FTS_DELETE = """
    INSERT INTO store_listings_fts(store_listings_fts, rowid, name, subheading, description, categories)
    VALUES ('delete', old.rowid, old.name, old.subheading, old.description, old.categories);
    INSERT INTO store_listings_trgm(store_listings_trgm, rowid, name, subheading)
    VALUES ('delete', old.rowid, old.name, old.subheading);
"""

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE store_listings_fts USING fts5(name, subheading, description, categories, "
    "content='store_listings', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE store_listings_trgm USING fts5(name, subheading, "
    "content='store_listings', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER store_listings_search_ai AFTER INSERT ON store_listings BEGIN" + _FTS_INSERT + "END",
    "CREATE TRIGGER store_listings_search_ad AFTER DELETE ON store_listings BEGIN" + _FTS_DELETE + "END",
    "CREATE TRIGGER store_listings_search_au AFTER UPDATE OF name, subheading, description, categories "
    "ON store_listings BEGIN" + _FTS_DELETE + _FTS_INSERT + "END",
    "INSERT INTO store_listings_fts(store_listings_fts) VALUES ('rebuild')",
    "INSERT INTO store_listings_trgm(store_listings_trgm) VALUES ('rebuild')",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS store_listings_search_au",
    "DROP TRIGGER IF EXISTS store_listings_search_ad",
    "DROP TRIGGER IF EXISTS store_listings_search_ai",
    "DROP TABLE IF EXISTS store_listings_trgm",
    "DROP TABLE IF EXISTS store_listings_fts",
]


def upgrade() -> None:
    op.create_table(
        "creators",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("username", sa.String(60), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("avatar_url", sa.String(500), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "store_listings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False, unique=True),
        sa.Column("creator_id", sa.String(36), sa.ForeignKey("creators.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("subheading", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("image_url", sa.String(500), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("active_version_id", sa.String(36), nullable=True),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_count", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("rating_average", sa.Float(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_store_listings_creator_id", "store_listings", ["creator_id"])
    op.create_index("ix_store_listings_graph_id", "store_listings", ["graph_id"])
    op.create_index("ix_store_listings_active_featured_runs", "store_listings", ["is_active", "featured", "run_count"])
    op.create_index("ix_store_listings_active_runs", "store_listings", ["is_active", "run_count"])
    op.create_index(
        "ix_store_listings_active_rating", "store_listings", ["is_active", "rating_average", "rating_count"]
    )
    op.create_index("ix_store_listings_active_updated", "store_listings", ["is_active", "updated_at"])
    op.create_table(
        "store_listing_versions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("listing_id", sa.String(36), sa.ForeignKey("store_listings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_version", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("changelog", sa.Text(), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reviewer_id", sa.String(36), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reviewer_comment", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("listing_id", "version_number", name="uq_store_listing_versions_number"),
    )
    op.create_index("ix_store_listing_versions_listing_id", "store_listing_versions", ["listing_id"])
    op.create_index("ix_store_listing_versions_status_submitted", "store_listing_versions", ["status", "submitted_at"])
    op.create_table(
        "store_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("listing_id", sa.String(36), sa.ForeignKey("store_listings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("listing_id", "user_id", name="uq_store_reviews_listing_user"),
    )
    op.create_index("ix_store_reviews_user_id", "store_reviews", ["user_id"])

    dialect = op.get_bind().dialect.name
    for statement in _PG_UP if dialect == "postgresql" else _SQLITE_UP if dialect == "sqlite" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _PG_DOWN if dialect == "postgresql" else _SQLITE_DOWN if dialect == "sqlite" else []:
        op.execute(statement)
    op.drop_index("ix_store_reviews_user_id", table_name="store_reviews")
    op.drop_table("store_reviews")
    op.drop_index("ix_store_listing_versions_status_submitted", table_name="store_listing_versions")
    op.drop_index("ix_store_listing_versions_listing_id", table_name="store_listing_versions")
    op.drop_table("store_listing_versions")
    op.drop_index("ix_store_listings_active_updated", table_name="store_listings")
    op.drop_index("ix_store_listings_active_rating", table_name="store_listings")
    op.drop_index("ix_store_listings_active_runs", table_name="store_listings")
    op.drop_index("ix_store_listings_active_featured_runs", table_name="store_listings")
    op.drop_index("ix_store_listings_graph_id", table_name="store_listings")
    op.drop_index("ix_store_listings_creator_id", table_name="store_listings")
    op.drop_table("store_listings")
    op.drop_table("creators")
