"""Action executions: one row per attempt, committed RUNNING before the side effect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from meltemi.store import dialects, models, rows

Model = models.ActionExecution


def create(session: Session, **values: Any) -> models.ActionExecution:
    """Insert an action execution (``id`` is generated unless given)."""
    values.setdefault("id", models.new_id())
    return rows.create(session, Model, **values)


def heartbeat(session: Session, id_: str) -> None:
    """Stamp ``last_heartbeat`` with the database's clock."""
    rows.update(session, rows.get(session, Model, id_), last_heartbeat=dialects.utcnow())
