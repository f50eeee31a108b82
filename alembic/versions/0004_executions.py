"""Runs: graph executions and node executions.

Revision ID: 0004_executions
Revises: 0003_graphs
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004_executions"
down_revision: str | None = "0003_graphs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "graph_executions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("graph_id", sa.String(36), sa.ForeignKey("graphs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("graph_version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("lease_owner", sa.String(100), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parent_execution_id", sa.String(36), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_graph_executions_graph_id", "graph_executions", ["graph_id"])
    op.create_index("ix_graph_executions_user_created", "graph_executions", ["user_id", "created_at"])
    op.create_index("ix_graph_executions_status_lease", "graph_executions", ["status", "lease_expires_at"])
    op.create_table(
        "node_executions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "graph_exec_id", sa.String(36), sa.ForeignKey("graph_executions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("node_id", sa.String(100), nullable=False),
        sa.Column("block_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("input_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_node_executions_exec_seq", "node_executions", ["graph_exec_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_node_executions_exec_seq", table_name="node_executions")
    op.drop_table("node_executions")
    op.drop_index("ix_graph_executions_status_lease", table_name="graph_executions")
    op.drop_index("ix_graph_executions_user_created", table_name="graph_executions")
    op.drop_index("ix_graph_executions_graph_id", table_name="graph_executions")
    op.drop_table("graph_executions")
