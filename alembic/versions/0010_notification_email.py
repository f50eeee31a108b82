"""Notifications: per-type preferences, the e-mail outbox, and which schedule started a run.

Revision ID: 0010_notification_email
Revises: 0009_library_listing_version
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010_notification_email"
down_revision: str | None = "0009_library_listing_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column(
            "user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, nullable=False
        ),
        sa.Column("type", sa.String(50), primary_key=True, nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(250), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(120), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_email_outbox_status_next", "email_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_email_outbox_user_sent", "email_outbox", ["user_id", "sent_at"])
    op.add_column("graph_executions", sa.Column("schedule_id", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("graph_executions") as batch:
        batch.drop_column("schedule_id")
    op.drop_index("ix_email_outbox_user_sent", table_name="email_outbox")
    op.drop_index("ix_email_outbox_status_next", table_name="email_outbox")
    op.drop_table("email_outbox")
    op.drop_table("notification_preferences")
