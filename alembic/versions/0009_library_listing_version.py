"""Library: remember which marketplace version a user's agent came from, for "update available".

Entries added from a listing before this column existed get the newest version that was approved
when they were added (the version ``add_from_listing`` copied then).

Revision ID: 0009_library_listing_version
Revises: 0008_schedules
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009_library_listing_version"
down_revision: str | None = "0008_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("library_agents", sa.Column("store_listing_version_id", sa.String(36), nullable=True))
    agents = sa.table(
        "library_agents",
        sa.column("store_listing_id", sa.String),
        sa.column("store_listing_version_id", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "store_listing_versions",
        sa.column("id", sa.String),
        sa.column("listing_id", sa.String),
        sa.column("status", sa.String),
        sa.column("version_number", sa.Integer),
        sa.column("reviewed_at", sa.DateTime(timezone=True)),
    )
    copied = (
        sa.select(versions.c.id)
        .where(
            versions.c.listing_id == agents.c.store_listing_id,
            versions.c.status == "approved",
            versions.c.reviewed_at <= agents.c.created_at,
        )
        .order_by(versions.c.version_number.desc())
        .limit(1)
        .scalar_subquery()
    )
    op.execute(agents.update().where(agents.c.store_listing_id.is_not(None)).values(store_listing_version_id=copied))


def downgrade() -> None:
    with op.batch_alter_table("library_agents") as batch:
        batch.drop_column("store_listing_version_id")
