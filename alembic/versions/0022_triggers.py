"""Triggers: an agent starts on a webhook delivery, a new feed item, a changed page or a new e-mail.

``triggers`` holds each trigger (its secret encrypted), ``trigger_deliveries`` the log of what each
received and what came of it (a unique signature hash refuses replays), ``trigger_items`` what poll
triggers have seen (inserting an item is the claim that fires it once). All go with their user and
agent (ON DELETE CASCADE).

Revision ID: 0022_triggers
Revises: 0021_agent_values
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0022_triggers"
down_revision: str | None = "0021_agent_values"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "triggers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("input_mapping", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("auth_mode", sa.String(10), nullable=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=True),
        sa.Column("secret_hint", sa.String(8), nullable=True),
        sa.Column("poll_interval_seconds", sa.Integer(), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_execution_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('webhook', 'feed', 'page', 'imap')", name="ck_triggers_kind"),
    )
    op.create_index("ix_triggers_user", "triggers", ["user_id"])
    op.create_index("ix_triggers_graph_id", "triggers", ["graph_id"])
    op.create_index("ix_triggers_active_next_poll", "triggers", ["is_active", "next_poll_at"])
    op.create_table(
        "trigger_deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("trigger_id", sa.String(36), sa.ForeignKey("triggers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("execution_id", sa.String(36), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", sa.String(300), nullable=True),
        sa.Column("replay_key", sa.String(64), nullable=True),
        sa.UniqueConstraint("trigger_id", "replay_key", name="uq_trigger_deliveries_replay"),
    )
    op.create_index("ix_trigger_deliveries_trigger_received", "trigger_deliveries", ["trigger_id", "received_at"])
    op.create_table(
        "trigger_items",
        sa.Column(
            "trigger_id",
            sa.String(36),
            sa.ForeignKey("triggers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("item_key", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("execution_id", sa.String(36), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("trigger_items")
    op.drop_index("ix_trigger_deliveries_trigger_received", table_name="trigger_deliveries")
    op.drop_table("trigger_deliveries")
    op.drop_index("ix_triggers_active_next_poll", table_name="triggers")
    op.drop_index("ix_triggers_graph_id", table_name="triggers")
    op.drop_index("ix_triggers_user", table_name="triggers")
    op.drop_table("triggers")
