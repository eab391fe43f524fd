"""Each execution keeps the spec it started with, as Mistral does.

``spec`` is the workflow spec an execution runs (JSON, written once at its start);
``spec_version`` the ``updated_at`` of the definition it came from, by which a worker
finds the parsed spec in its cache without reading anything. An update of the
definition no longer changes executions already running. Executions stored before
this revision have neither and keep running on their definition.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("workflow_executions") as batch:
        batch.add_column(sa.Column("spec", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("spec_version", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.scalar(
        sa.text(
            "SELECT count(*) FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
    ):
        op.execute('ALTER TABLE workflow_executions ALTER COLUMN "spec" SET COMPRESSION lz4')


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("workflow_executions") as batch:
        batch.drop_column("spec_version")
        batch.drop_column("spec")
