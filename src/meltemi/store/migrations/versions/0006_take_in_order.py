"""Free jobs are indexed in the order a take reads them: kind, due time, then id.

A take asks for the oldest due free job of its kind (``ORDER BY run_at, id LIMIT 1``).
With ``id`` in the index, PostgreSQL reads the entries in that order and stops at the
first live one, with no sort of every due job first.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FREE = sa.text("lease_owner IS NULL")


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_jobs_free_kind_run_at_id",
        "jobs",
        ["kind", "run_at", "id"],
        postgresql_where=_FREE,
        sqlite_where=_FREE,
    )
    op.drop_index("ix_jobs_free_kind_run_at", table_name="jobs")


def downgrade() -> None:
    """Revert this revision."""
    op.create_index(
        "ix_jobs_free_kind_run_at",
        "jobs",
        ["kind", "run_at"],
        postgresql_where=_FREE,
        sqlite_where=_FREE,
    )
    op.drop_index("ix_jobs_free_kind_run_at_id", table_name="jobs")
