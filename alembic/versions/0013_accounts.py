"""Accounts: verified e-mail, single-use e-mail links, API-key scopes and expiry, throttling per address.

Revision ID: 0013_accounts
Revises: 0012_broker
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013_accounts"
down_revision: str | None = "0012_broker"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_keys") as batch:
        # Keys made before scopes existed could do everything; they keep that until revoked.
        batch.add_column(sa.Column("scopes", sa.String(40), nullable=False, server_default="read,run,manage"))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("scopes", server_default=None)
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="login"))
        batch.add_column(sa.Column("client_ip", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("login_failures") as batch:
        batch.alter_column("kind", server_default=None)
        batch.alter_column("client_ip", server_default=None)
    op.create_index("ix_login_failures_ip_kind_created", "login_failures", ["client_ip", "kind", "created_at"])
    op.create_table(
        "email_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_email_tokens_user_purpose_created", "email_tokens", ["user_id", "purpose", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_email_tokens_user_purpose_created", table_name="email_tokens")
    op.drop_table("email_tokens")
    op.drop_index("ix_login_failures_ip_kind_created", table_name="login_failures")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_column("client_ip")
        batch.drop_column("kind")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding `users` in batch mode fails on SQLite once other
    # tables' rows refer to it ("database table is locked").
    op.drop_column("users", "email_verified_at")
