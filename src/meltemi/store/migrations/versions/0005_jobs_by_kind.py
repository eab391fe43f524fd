"""Free jobs are found by kind, then due time.

Every claim and take names the kinds it serves (an engine takes steps, an executor
claims actions). With free jobs indexed by ``run_at`` alone, a backlog of one kind
(actions waiting for an executor) was scanned by every take of another (steps).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FREE = sa.text("lease_owner IS NULL")


def upgrade() -> None:
    """Apply this revision."""
    op.drop_index("ix_jobs_free_run_at", table_name="jobs")
    op.create_index(
        "ix_jobs_free_kind_run_at",
        "jobs",
        ["kind", "run_at"],
        postgresql_where=_FREE,
        sqlite_where=_FREE,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_jobs_free_kind_run_at", table_name="jobs")
    op.create_index(
        "ix_jobs_free_run_at", "jobs", ["run_at"], postgresql_where=_FREE, sqlite_where=_FREE
    )
