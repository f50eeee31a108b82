"""Values agents keep between runs: AutoGPT's *Persist information* and *Retrieve information*.

``agent_values`` holds one JSON value per user, agent and key; ``graph_id`` NULL is a value shared
by all the user's agents. Rows go with their user and with their agent (foreign keys ON DELETE
CASCADE). A unique constraint lets NULLs repeat on both engines, so a partial unique index keeps
one shared value per user and key.

Revision ID: 0021_agent_values
Revises: 0020_oauth2_credentials
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0021_agent_values"
down_revision: str | None = "0020_oauth2_credentials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SHARED = sa.text("graph_id IS NULL")


def upgrade() -> None:
    op.create_table(
        "agent_values",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "graph_id", "key", name="uq_agent_values_user_graph_key"),
    )
    op.create_index("ix_agent_values_graph_id", "agent_values", ["graph_id"])
    op.create_index(
        "uq_agent_values_user_shared_key",
        "agent_values",
        ["user_id", "key"],
        unique=True,
        postgresql_where=_SHARED,
        sqlite_where=_SHARED,
    )


def downgrade() -> None:
    op.drop_index("uq_agent_values_user_shared_key", table_name="agent_values")
    op.drop_index("ix_agent_values_graph_id", table_name="agent_values")
    op.drop_table("agent_values")
