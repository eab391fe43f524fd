"""Workflow executions: reading, locking for an engine step, and saving its result.

``engine_state`` is deferred and raise-loaded: it is read only through
:func:`lock_execution` (or ``get(..., with_state=True)``), never by accident in a list.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from meltemi import errors
from meltemi.store import dialects, models, rows

Model = models.WorkflowExecution
_TABLE = cast("sa.Table", Model.__table__)


def create(session: Session, **values: Any) -> models.WorkflowExecution:
    """Insert a workflow execution (``id`` is generated unless given); the row as
    inserted, every column set.

    One INSERT without reading anything back: the defaults are filled here, and the row
    returned is not tracked by ``session`` (change it through :func:`save` after
    :func:`lock_execution`).
    """
    values.setdefault("id", models.new_id())
    full = dialects.with_defaults(_TABLE, values)
    dialects.insert_many(session, _TABLE, [full])
    return Model(**full)


def get(session: Session, id_: str, *, with_state: bool = False) -> models.WorkflowExecution:
    """The execution ``id_``; ``with_state`` also loads ``engine_state``."""
    stmt = sa.select(Model).where(Model.id == id_)
    if with_state:
        stmt = stmt.options(undefer(Model.engine_state))
    row = session.scalars(stmt).one_or_none()
    if row is None:
        raise errors.NotFound(rows.kind_of(Model), id_)
    return row


def lock_execution(session: Session, id_: str) -> models.WorkflowExecution:
    """The execution ``id_`` with its engine state, locked until the transaction ends.

    ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write transaction
    (``BEGIN IMMEDIATE``) already serializes every writer.
    """
    stmt = (
        sa.select(Model)
        .where(Model.id == id_)
        .options(undefer(Model.engine_state))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = session.scalars(stmt).one_or_none()
    if row is None:
        raise errors.NotFound(rows.kind_of(Model), id_)
    return row


def save(session: Session, execution: models.WorkflowExecution, **values: Any) -> None:
    """Write new column values (e.g. ``engine_state``, ``state``); bumps ``version``.

    Raises :class:`errors.Conflict` when the row changed since it was read.
    """
    rows.update(session, execution, **values)


def family(session: Session, root_id: str) -> list[models.WorkflowExecution]:
    """Every execution of the tree rooted at ``root_id`` (the root included)."""
    stmt = sa.select(Model).where(sa.or_(Model.id == root_id, Model.root_execution_id == root_id))
    return list(session.scalars(stmt))
