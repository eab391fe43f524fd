"""Workflow executions: reading, locking for an engine step, and saving its result.

``engine_state`` is deferred and raise-loaded: it is read only through
:func:`lock_execution` (or ``get(..., with_state=True)``), never by accident in a list.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, attributes, instrumentation, undefer

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
    return _instance(full)


_MANAGER = instrumentation.manager_of_class(Model)


def _instance(values: Mapping[str, Any]) -> models.WorkflowExecution:
    """A model instance not tracked by any session, holding ``values`` as loaded column
    values (as the ORM fills the rows it reads; the constructor's attribute events cost
    fifteen times more)."""
    instance: models.WorkflowExecution = _MANAGER.new_instance()
    instance.__dict__.update(values)
    return instance


def get(session: Session, id_: str, *, with_state: bool = False) -> models.WorkflowExecution:
    """The execution ``id_``; ``with_state`` also loads ``engine_state``."""
    stmt = sa.select(Model).where(Model.id == id_)
    if with_state:
        stmt = stmt.options(undefer(Model.engine_state))
    row = session.scalars(stmt).one_or_none()
    if row is None:
        raise errors.NotFound(rows.kind_of(Model), id_)
    return row


Resource = models.WorkflowExecution | sa.Row[Any]
"""An execution as read for the API: a model instance, or a row of :func:`resource`."""


def resource(session: Session, id_: str) -> sa.Row[Any]:
    """The columns of execution ``id_`` that the API shows (not its engine state or
    spec), read with one Core query; :class:`errors.NotFound` if there is none."""
    found = dialects.connection(session).execute(_RESOURCE, {"execution_id": id_}).first()
    if found is None:
        raise errors.NotFound(rows.kind_of(Model), id_)
    return found


def lock_execution(session: Session, id_: str) -> models.WorkflowExecution:
    """The execution ``id_`` with its engine state, locked until the transaction ends.

    ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write transaction
    (``BEGIN IMMEDIATE``) already serializes every writer. The row is read with one
    Core query and not tracked by ``session``: change it through :func:`save`.
    """
    found = dialects.fetch_first(session, _LOCK, {"execution_id": id_})
    if found is None:
        raise errors.NotFound(rows.kind_of(Model), id_)
    return _instance(dict(zip(_LOCKED_NAMES, found, strict=True)))


_LOCKED = [c for c in _TABLE.c if c.name != "spec"]  # read on a cache miss: spec_of()
_LOCKED_NAMES = [c.name for c in _LOCKED]
_LOCK = sa.select(*_LOCKED).where(_TABLE.c.id == sa.bindparam("execution_id")).with_for_update()
_RESOURCE = sa.select(*(c for c in _LOCKED if c.name != "engine_state")).where(
    _TABLE.c.id == sa.bindparam("execution_id")
)
_SPEC = sa.select(_TABLE.c.spec).where(_TABLE.c.id == sa.bindparam("execution_id"))


def spec_of(session: Session, id_: str) -> dict[str, Any] | None:
    """The spec snapshot execution ``id_`` runs (``None``: stored before snapshots)."""
    found = dialects.connection(session).execute(_SPEC, {"execution_id": id_}).first()
    if found is None:
        raise errors.NotFound(rows.kind_of(Model), id_)
    return found.spec  # type: ignore[no-any-return]


def save(session: Session, execution: models.WorkflowExecution, **values: Any) -> None:
    """Write new column values (e.g. ``engine_state``, ``state``) of a row read before,
    tracked by ``session`` or not; bumps ``version`` and ``updated_at``.

    One UPDATE naming the version read: :class:`errors.Conflict` when the row changed
    since (a writer that did not hold the lock).
    """
    values = _bumped(execution, values)
    keys = {"_id": execution.id, "_version": execution.version}
    stmt = _save_statement(tuple(sorted(values)))
    if dialects.connection(session).execute(stmt, {**values, **keys}).rowcount == 0:
        raise errors.Conflict(f"Concurrent update of execution {execution.id}")
    _remember(execution, values)


def save_locked(session: Session, execution: models.WorkflowExecution, **values: Any) -> None:
    """:func:`save` for a row this transaction holds (:func:`lock_execution`): no other
    writer can come between the read and the write, so the UPDATE needs no version check
    and joins the current :func:`dialects.batch` (one round trip with the step's other
    writes). It still bumps ``version``, which writers that do not lock check."""
    values = _bumped(execution, values)
    dialects.update_many(session, _TABLE, [{"id": execution.id, **values}])
    _remember(execution, values)


def _bumped(execution: models.WorkflowExecution, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the next ``version`` and a new ``updated_at``."""
    return {**values, "updated_at": dt.datetime.now(dt.UTC), "version": execution.version + 1}


def _remember(execution: models.WorkflowExecution, values: dict[str, Any]) -> None:
    """Set ``values`` on the instance as the stored ones (nothing left to flush)."""
    for name, value in values.items():
        attributes.set_committed_value(execution, name, value)


@functools.cache
def _save_statement(names: tuple[str, ...]) -> sa.Update:
    """``UPDATE .. SET names WHERE id = :_id AND version = :_version``, built once."""
    where = (_TABLE.c.id == sa.bindparam("_id"), _TABLE.c.version == sa.bindparam("_version"))
    return sa.update(_TABLE).where(*where).values({n: sa.bindparam(n) for n in names})


def delete_tree(session: Session, id_: str) -> list[str]:
    """Delete execution ``id_`` and the sub-workflow executions below it, with their
    tasks, action executions, history and jobs; the ids deleted (``id_`` first)."""
    tree, level = [id_], [id_]
    while level:
        under_tasks = sa.select(models.TaskExecution.id).where(
            models.TaskExecution.workflow_execution_id.in_(level)
        )
        level = list(
            session.scalars(
                sa.select(Model.id).where(Model.parent_task_execution_id.in_(under_tasks))
            )
        )
        tree += level
    session.execute(sa.delete(models.HistoryStep).where(models.HistoryStep.execution_id.in_(tree)))
    session.execute(sa.delete(models.JobRow).where(models.JobRow.execution_id.in_(tree)))
    session.execute(sa.delete(Model).where(Model.id.in_(tree)))  # tasks, actions: ON DELETE
    return tree


def family(session: Session, root_id: str) -> list[models.WorkflowExecution]:
    """Every execution of the tree rooted at ``root_id`` (the root included)."""
    stmt = sa.select(Model).where(sa.or_(Model.id == root_id, Model.root_execution_id == root_id))
    return list(session.scalars(stmt))
