"""Run counts off the run-start path: library counts derived from runs, marketplace counts queued.

Drops ``library_agents.run_count`` / ``last_run_at`` (now read from ``graph_executions`` through a
new ``(user_id, graph_id, created_at)`` index) and adds ``store_run_tallies`` (runs not yet added to
``store_listings.run_count``).

Revision ID: 0014_load
Revises: 0013_accounts
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0014_load"
down_revision: str | None = "0013_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_graph_executions_user_graph_created", "graph_executions", ["user_id", "graph_id", "created_at"])
    with op.batch_alter_table("library_agents") as batch:
        batch.drop_column("run_count")
        batch.drop_column("last_run_at")
    op.create_table(
        "store_run_tallies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("listing_id", sa.String(36), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_run_tallies")
    with op.batch_alter_table("library_agents") as batch:
        batch.add_column(sa.Column("run_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True))
    # Bring the stored counts back from the runs they were derived from.
    op.execute(
        "UPDATE library_agents SET "
        "run_count = (SELECT count(*) FROM graph_executions e WHERE e.user_id = library_agents.user_id "
        "AND e.graph_id = library_agents.graph_id AND e.parent_execution_id IS NULL), "
        "last_run_at = (SELECT max(e.created_at) FROM graph_executions e WHERE e.user_id = library_agents.user_id "
        "AND e.graph_id = library_agents.graph_id AND e.parent_execution_id IS NULL)"
    )
    op.drop_index("ix_graph_executions_user_graph_created", table_name="graph_executions")
