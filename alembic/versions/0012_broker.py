"""Runs record when their message was confirmed sent, so a relay re-sends the ones a broker outage lost.

Revision ID: 0012_broker
Revises: 0011_chat
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0012_broker"
down_revision: str | None = "0011_chat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No backfill: runs queued before the upgrade are sent once more by the relay, which is harmless
    # (a run's lease makes a second message a no-op); finished runs are never looked at.
    with op.batch_alter_table("graph_executions") as batch:
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_graph_executions_status_sent", ["status", "sent_at"])


def downgrade() -> None:
    with op.batch_alter_table("graph_executions") as batch:
        batch.drop_index("ix_graph_executions_status_sent")
        batch.drop_column("sent_at")
