"""Reviews: a run waits for a person at a *Human review* step or a step marked "ask before running".

``pending_reviews`` holds each decision a run waits for (one per execution, node and input key, so a
resumed run finds its own again) and goes with its run and user (ON DELETE CASCADE). Runs gain the
status ``WAITING``; ``graph_executions.status`` has no CHECK constraint, so nothing else changes.

Revision ID: 0023_reviews
Revises: 0022_triggers
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0023_reviews"
down_revision: str | None = "0022_triggers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "execution_id", sa.String(36), sa.ForeignKey("graph_executions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("node_id", sa.String(100), nullable=False),
        sa.Column("block_id", sa.String(36), nullable=False),
        sa.Column("input_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("editable", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("edited_data", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("execution_id", "node_id", "input_key", name="uq_pending_reviews_exec_node_key"),
    )
    op.create_index("ix_pending_reviews_status_expires", "pending_reviews", ["status", "expires_at"])
    op.create_index("ix_pending_reviews_user_status", "pending_reviews", ["user_id", "status"])


def downgrade() -> None:
    # Runs that were waiting cannot wait without their reviews: they end as stopped.
    op.execute(
        "UPDATE graph_executions SET status = 'TERMINATED', error = 'Stopped: reviews were removed.'"
        " WHERE status = 'WAITING'"
    )
    op.drop_index("ix_pending_reviews_user_status", table_name="pending_reviews")
    op.drop_index("ix_pending_reviews_status_expires", table_name="pending_reviews")
    op.drop_table("pending_reviews")
