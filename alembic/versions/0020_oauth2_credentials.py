"""OAuth 2.0 credentials: ``credentials.type`` may also be ``oauth2``.

An ``oauth2`` credential holds a client id, client secret and refresh token (encrypted, like every
secret) and its token endpoint in ``meta.token_uri``; blocks renew the access token at run time.
The type CHECK constraint is replaced through batch mode so SQLite rebuilds the table. Downgrading
deletes the ``oauth2`` credentials, which the older schema cannot hold.

Revision ID: 0020_oauth2_credentials
Revises: 0019_node_run_notes
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0020_oauth2_credentials"
down_revision: str | None = "0019_node_run_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_credentials_type"


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_constraint(CHECK, type_="check")
        batch.create_check_constraint(CHECK, "type IN ('api_key', 'user_password', 'host_scoped', 'oauth2')")


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM credentials WHERE type = 'oauth2'"))
    with op.batch_alter_table("credentials") as batch:
        batch.drop_constraint(CHECK, type_="check")
        batch.create_check_constraint(CHECK, "type IN ('api_key', 'user_password', 'host_scoped')")
