"""Composite indexes for the list pages: executions by state or workflow, newest first;
running action executions (waiting for people).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_workflow_executions_state_created_at", "workflow_executions", ["state", "created_at"]),
    (
        "ix_workflow_executions_workflow_name_created_at",
        "workflow_executions",
        ["workflow_name", "created_at"],
    ),
    ("ix_action_executions_state_created_at", "action_executions", ["state", "created_at"]),
)


def upgrade() -> None:
    """Apply this revision."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    """Revert this revision."""
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
