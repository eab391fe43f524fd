"""Cron triggers: lookup, and the triggers due by the database's clock."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi.store import dialects, models, rows


def get(session: Session, identifier: str) -> models.CronTrigger:
    """The trigger named (or with id) ``identifier``; :class:`errors.NotFound` if none."""
    row = rows.find(session, models.CronTrigger, name=identifier)
    return row if row is not None else rows.get(session, models.CronTrigger, identifier)


def due(session: Session, limit: int = 100) -> list[models.CronTrigger]:
    """Triggers whose ``next_execution_time`` has come, locked for this transaction.

    On PostgreSQL the rows are locked with ``SKIP LOCKED`` so that two schedulers never
    fire the same trigger; the caller advances ``next_execution_time`` before committing.
    """
    model = models.CronTrigger
    stmt = (
        sa.select(model)
        .where(model.next_execution_time <= dialects.utcnow())
        .order_by(model.next_execution_time)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))
