"""Create, read, update, delete and list any model: the generic part of every repository.

Noun modules (``definitions``, ``executions``, ...) add the lookups that differ per
resource; the plain operations are these, called with the model class::

    env = rows.create(session, models.Environment, name="prod", variables={"a": 1})
    rows.update(session, env, description="production")
    page = rows.list_page(session, models.Environment, query.Page(limit=10), {"scope": "public"})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Session

from meltemi import errors
from meltemi.store import dialects, query
from meltemi.store.db import translate_errors

M = TypeVar("M", bound=DeclarativeBase)


def kind_of(model: type[DeclarativeBase]) -> str:
    """The table name, used as the ``kind`` of NotFound errors."""
    return str(model.__tablename__)


def create(session: Session, model: type[M], **values: Any) -> M:
    """Insert a row now (flushed); :class:`errors.Conflict` if a unique key is taken.

    After a Conflict the transaction is unusable on PostgreSQL: let it roll back.
    """
    row = model(**values)
    session.add(row)
    try:
        flush(session)
    except errors.Conflict as exc:
        named = {k: values[k] for k in ("name", "namespace") if k in values}
        if not named or not dialects.is_unique_violation(exc.__cause__):
            raise
        key = ", ".join(f"{k}={v!r}" for k, v in named.items())
        raise errors.Conflict(
            f"{kind_of(model)} [{key}] already exists: update it, or delete it first"
        ) from exc
    return row


def flush(session: Session) -> None:
    """Send pending changes, turning unique violations into :class:`errors.Conflict`."""
    with translate_errors():
        session.flush()


def get(session: Session, model: type[M], id_: str | int) -> M:
    """The row with primary key ``id_``, or :class:`errors.NotFound`."""
    row = session.get(model, id_)
    if row is None:
        raise errors.NotFound(kind_of(model), str(id_))
    return row


def find(session: Session, model: type[M], **equal: Any) -> M | None:
    """The one row whose columns equal ``equal``, or ``None``."""
    return session.scalars(sa.select(model).filter_by(**equal)).one_or_none()


def find_one(session: Session, model: type[M], **equal: Any) -> M:
    """The one row whose columns equal ``equal``, or :class:`errors.NotFound`."""
    row = find(session, model, **equal)
    if row is None:
        key = ", ".join(f"{k}={v}" for k, v in equal.items())
        raise errors.NotFound(kind_of(model), key)
    return row


def update(session: Session, row: M, **values: Any) -> M:
    """Set columns of ``row`` and flush (``updated_at`` moves to the database's now)."""
    for name, value in values.items():
        if name not in row.__table__.c:
            raise errors.QueryError(f"Unknown field of {kind_of(type(row))}: {name!r}")
        setattr(row, name, value)
    flush(session)
    return row


def delete(session: Session, row: DeclarativeBase) -> None:
    """Delete ``row`` (children declared ``ON DELETE CASCADE`` go with it)."""
    session.delete(row)
    flush(session)


def list_page(
    session: Session,
    model: type[M],
    page: query.Page | None = None,
    filters: Mapping[str, Any] | None = None,
) -> list[M]:
    """One page of rows matching ``filters`` (see :mod:`meltemi.store.query`)."""
    return query.select_page(session, model, page or query.Page(), filters or {})


def count(session: Session, model: type[DeclarativeBase], filters: Mapping[str, Any]) -> int:
    """How many rows match ``filters``."""
    stmt = sa.select(sa.func.count()).select_from(model).where(*query.where(model, filters))
    return int(session.scalar(stmt) or 0)
