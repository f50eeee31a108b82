"""Library: the agents each user keeps (added from the store, uploaded, or created).

Revision ID: 0007_library
Revises: 0006_store
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007_library"
down_revision: str | None = "0006_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_agents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_version", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("store_listing_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_favorite", sa.Boolean(), nullable=False),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("user_id", "graph_id", name="uq_library_agents_user_graph"),
    )
    op.create_index("ix_library_agents_graph_id", "library_agents", ["graph_id"])
    op.create_index(
        "ix_library_agents_user_archived_updated", "library_agents", ["user_id", "is_archived", "updated_at"]
    )
    op.create_index("ix_library_agents_user_favorite", "library_agents", ["user_id", "is_favorite"])


def downgrade() -> None:
    op.drop_index("ix_library_agents_user_favorite", table_name="library_agents")
    op.drop_index("ix_library_agents_user_archived_updated", table_name="library_agents")
    op.drop_index("ix_library_agents_graph_id", table_name="library_agents")
    op.drop_table("library_agents")
