"""Agent embeddings: a sentence vector stored with each listing and each library agent.

``embedding`` holds the float32 vector as bytes (384 numbers for multilingual-e5-small), and
``embedding_key`` a short hash of the model and the text it was computed from, so a changed text or
model is noticed and recomputed. ``store_listings.embedded_at`` tells search when to reload its
in-memory matrix (an index on ``is_active, embedded_at`` keeps that check cheap).

Plain ``ADD COLUMN`` on both engines: SQLite does not rebuild ``store_listings``, so its FTS5
tables and triggers (migration 0006) stay as they are. pgvector is not used: Debian 12 has no
package of it for PostgreSQL 15, and similarity over the stored vectors is computed in-process.

Revision ID: 0017_agent_embeddings
Revises: 0016_one_off_schedules
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0017_agent_embeddings"
down_revision: str | None = "0016_one_off_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_store_listings_active_embedded"


def upgrade() -> None:
    for table in ("store_listings", "library_agents"):
        op.add_column(table, sa.Column("embedding", sa.LargeBinary(), nullable=True))
        op.add_column(table, sa.Column("embedding_key", sa.String(32), nullable=True))
    op.add_column("store_listings", sa.Column("embedded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(INDEX, "store_listings", ["is_active", "embedded_at"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="store_listings")
    # SQLite 3.35+ drops a column in place: no table rebuild that would lose the FTS5 triggers.
    op.drop_column("library_agents", "embedding_key")
    op.drop_column("library_agents", "embedding")
    op.drop_column("store_listings", "embedded_at")
    op.drop_column("store_listings", "embedding_key")
    op.drop_column("store_listings", "embedding")
