"""Notes on node runs: what a block or the engine tells the person about one node run.

``node_executions.notes`` is a JSON list of sentences, such as "Retried after 2 s: …" or "The model
'claude-3-5-sonnet' is not served by your endpoint; used 'gpt-4o-mini' instead." Older rows get an
empty list.

Revision ID: 0019_node_run_notes
Revises: 0018_builder_versions
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0019_node_run_notes"
down_revision: str | None = "0018_builder_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("node_executions") as batch:
        batch.add_column(sa.Column("notes", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("node_executions") as batch:
        batch.drop_column("notes")
