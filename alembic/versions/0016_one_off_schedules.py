"""One-off schedules: a schedule runs once at ``run_at`` instead of repeating on ``cron``.

``cron`` becomes nullable and exactly one of ``cron`` / ``run_at`` is set (a CHECK constraint,
through batch mode so SQLite rebuilds the table). Downgrading deletes the one-off schedules, which
the older schema cannot hold (their past runs stay).

Revision ID: 0016_one_off_schedules
Revises: 0015_runner
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0016_one_off_schedules"
down_revision: str | None = "0015_runner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_schedules_cron_or_run_at"


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("run_at", sa.DateTime(timezone=True), nullable=True))
        batch.alter_column("cron", existing_type=sa.String(200), nullable=True)
        batch.create_check_constraint(CHECK, "(cron IS NULL) <> (run_at IS NULL)")


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM schedules WHERE cron IS NULL"))
    with op.batch_alter_table("schedules") as batch:
        batch.drop_constraint(CHECK, type_="check")
        batch.alter_column("cron", existing_type=sa.String(200), nullable=False)
        batch.drop_column("run_at")
