"""Per-user fairness: a run holds one of its owner's running slots (at most MAX_RUNNING_PER_USER).

A partial unique index on (user_id, slot) over RUNNING runs makes admission atomic across worker
processes: two workers that pick the same free slot for one person cannot both succeed. A second
index finds a person's running and waiting runs without scanning their history.

Revision ID: 0015_runner
Revises: 0014_load
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0015_runner"
down_revision: str | None = "0014_load"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RUNNING = sa.text("status = 'RUNNING'")


def upgrade() -> None:
    with op.batch_alter_table("graph_executions") as batch:
        batch.add_column(sa.Column("slot", sa.Integer(), nullable=True))
    op.create_index("ix_graph_executions_user_status_created", "graph_executions", ["user_id", "status", "created_at"])
    op.create_index(
        "uq_graph_executions_user_slot",
        "graph_executions",
        ["user_id", "slot"],
        unique=True,
        postgresql_where=_RUNNING,
        sqlite_where=_RUNNING,
    )


def downgrade() -> None:
    op.drop_index("uq_graph_executions_user_slot", table_name="graph_executions")
    op.drop_index("ix_graph_executions_user_status_created", table_name="graph_executions")
    with op.batch_alter_table("graph_executions") as batch:
        batch.drop_column("slot")
