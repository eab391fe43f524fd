"""Jobs are indexed in the order takes and claims read them.

- Free jobs by kind, due time, then id: a take asks for the oldest due free job of its
  kind (``ORDER BY run_at, id LIMIT 1``) and a claim for the oldest few.
- Leased jobs by kind, then lease expiry: a claim first looks for expired leases of
  its kinds.

PostgreSQL then reads each index in its order and stops at the first live entries it
needs, marking the dead entries of taken and completed jobs as it passes, instead of a
bitmap scan visiting every one of them at each take or claim until a vacuum.

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
_LEASED = sa.text("lease_owner IS NOT NULL")


def upgrade() -> None:
    """Apply this revision."""
    _create("ix_jobs_free_kind_run_at_id", ["kind", "run_at", "id"], _FREE)
    op.drop_index("ix_jobs_free_kind_run_at", table_name="jobs")
    _create("ix_jobs_leased_kind_expiry", ["kind", "lease_expires_at"], _LEASED)
    op.drop_index("ix_jobs_leased_expiry", table_name="jobs")


def downgrade() -> None:
    """Revert this revision."""
    _create("ix_jobs_leased_expiry", ["lease_expires_at"], _LEASED)
    op.drop_index("ix_jobs_leased_kind_expiry", table_name="jobs")
    _create("ix_jobs_free_kind_run_at", ["kind", "run_at"], _FREE)
    op.drop_index("ix_jobs_free_kind_run_at_id", table_name="jobs")


def _create(name: str, columns: list[str], where: sa.TextClause) -> None:
    """A partial index of ``jobs`` (the same condition on both databases)."""
    op.create_index(name, "jobs", columns, postgresql_where=where, sqlite_where=where)
