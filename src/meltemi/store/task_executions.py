"""Task executions: the API's projection of the engine state, written by the worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from meltemi.store import models, query, rows

Model = models.TaskExecution


def upsert(session: Session, id_: str, **values: Any) -> models.TaskExecution:
    """Create task execution ``id_``, or update it with ``values`` if it exists.

    Replaying the same projection is therefore a no-op. Callers hold the lock of the
    workflow execution, so two writers never race on the same task.
    """
    row = session.get(Model, id_)
    if row is None:
        return rows.create(session, Model, id=id_, **values)
    return rows.update(session, row, **values)


def list_for_execution(
    session: Session, execution_id: str, page: query.Page | None = None, **filters: Any
) -> list[models.TaskExecution]:
    """Task executions of one workflow execution (oldest first by default)."""
    return rows.list_page(session, Model, page, {**filters, "workflow_execution_id": execution_id})
