"""Task executions: the API's projection of the engine state, written by the worker."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi.store import dialects, models, query, rows

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


def write_many(
    session: Session, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
) -> None:
    """Insert new rows and update existing ones (each dict has ``id``), in bulk.

    The worker knows which task executions are new from the engine state, so no row
    is read first: one INSERT and one UPDATE statement (executemany) at most.
    """
    write_bulk(session, Model, inserts, updates)


def write_bulk(
    session: Session,
    model: type[models.TaskExecution | models.ActionExecution],
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
) -> None:
    """Bulk INSERT then bulk UPDATE by primary key for ``model``."""
    table = cast("sa.Table", model.__table__)
    dialects.insert_many(session, table, inserts)
    if updates:
        now = dt.datetime.now(dt.UTC)
        dialects.update_many(session, table, [{**u, "updated_at": now} for u in updates])
