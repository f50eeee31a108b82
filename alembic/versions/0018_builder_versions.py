"""Builder: a note on each version, and drafts of agents that are not valid yet.

``graph_versions.note`` says what a save changed ("Restored from version 2"); older versions have
none. ``graph_drafts`` holds the builder's unsaved work, one per person and agent; ``graph_id`` is
NULL for an agent never saved. A unique constraint lets NULLs repeat on both engines, so a partial
unique index keeps a person's drafts of new agents to one.

Revision ID: 0018_builder_versions
Revises: 0017_agent_embeddings
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0018_builder_versions"
down_revision: str | None = "0017_agent_embeddings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_AGENT = sa.text("graph_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("graph_versions") as batch:
        batch.add_column(sa.Column("note", sa.String(500), nullable=True))
    op.create_table(
        "graph_drafts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=True),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "graph_id", name="uq_graph_drafts_user_graph"),
    )
    op.create_index("ix_graph_drafts_graph_id", "graph_drafts", ["graph_id"])
    op.create_index(
        "uq_graph_drafts_user_new",
        "graph_drafts",
        ["user_id"],
        unique=True,
        postgresql_where=_NEW_AGENT,
        sqlite_where=_NEW_AGENT,
    )


def downgrade() -> None:
    op.drop_index("uq_graph_drafts_user_new", table_name="graph_drafts")
    op.drop_index("ix_graph_drafts_graph_id", table_name="graph_drafts")
    op.drop_table("graph_drafts")
    with op.batch_alter_table("graph_versions") as batch:
        batch.drop_column("note")
