"""Mistral-style list queries: filters with operator prefixes, sorting, marker paging.

A filter value is either a plain value (equality) or a string with one of Mistral's
prefixes: ``eq:``, ``neq:``, ``gt:``, ``gte:``, ``lt:``, ``lte:``, ``in:a,b``,
``nin:a,b`` and ``has:`` (substring). Text values are converted to the column's type
(timestamps in ISO 8601, integers, booleans). Paging is by ``marker``: the id of the
last row of the previous page; rows come after it in the requested sort order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, load_only

from meltemi import errors

Op = Literal["eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "has"]
OPS: tuple[Op, ...] = ("eq", "neq", "gt", "gte", "lt", "lte", "in", "nin", "has")
_LIST_OPS = ("in", "nin")
M = TypeVar("M", bound=DeclarativeBase)


@dataclasses.dataclass(frozen=True)
class Filter:
    """One condition on one column."""

    op: Op
    value: Any


@dataclasses.dataclass(frozen=True)
class Page:
    """What one list call asks for."""

    limit: int | None = None
    """At most this many rows; ``None`` or a negative number means all."""
    marker: str | None = None
    """Id of the last row of the previous page."""
    sort_keys: tuple[str, ...] = ("created_at",)
    sort_dirs: tuple[str, ...] = ("asc",)
    """One direction per key (``asc``/``desc``); missing ones repeat the first."""
    fields: tuple[str, ...] = ()
    """Columns to load (``id`` is always loaded); empty means all."""


def parse_filter(value: Any) -> Filter:
    """``"gte:5"`` -> ``Filter("gte", "5")``; ``"in:a,b"`` -> a list; others equality."""
    if isinstance(value, Filter):
        return value
    if isinstance(value, str):
        prefix, sep, rest = value.partition(":")
        if sep and prefix in OPS:
            op: Op = prefix
            return Filter(op, rest.split(",") if op in _LIST_OPS else rest)
    return Filter("eq", value)


def _column(model: type[DeclarativeBase], name: str) -> InstrumentedAttribute[Any]:
    attr = getattr(model, name, None)
    if not isinstance(attr, InstrumentedAttribute) or name not in model.__table__.c:
        raise errors.QueryError(f"Unknown field of {model.__tablename__}: {name!r}")
    return attr


def _coerce(column: InstrumentedAttribute[Any], value: Any) -> Any:
    if isinstance(value, list):
        return [_coerce(column, v) for v in value]
    if not isinstance(value, str):
        return value
    kind = _python_type(column)
    try:
        if kind is dt.datetime:
            parsed = dt.datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        if kind is bool:
            return {"true": True, "false": False}[value.lower()]
        if kind is int:
            return int(value)
    except (ValueError, KeyError):
        raise errors.QueryError(f"Invalid value for {column.key}: {value!r}") from None
    return value


def _python_type(column: InstrumentedAttribute[Any]) -> type:
    col_type = column.type
    col_type = getattr(col_type, "impl_instance", col_type)  # see through TypeDecorators
    try:
        return cast("type", col_type.python_type)
    except NotImplementedError:  # JSON has none
        return str


_CONDITIONS: dict[Op, Callable[[Any, Any], sa.ColumnElement[bool]]] = {
    "eq": lambda c, v: c.is_(None) if v is None else c == v,
    "neq": lambda c, v: c.is_not(None) if v is None else c != v,
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
    "in": lambda c, v: c.in_(v),
    "nin": lambda c, v: c.not_in(v),
    "has": lambda c, v: sa.cast(c, sa.Text).contains(str(v), autoescape=True),
}


def condition(model: type[DeclarativeBase], name: str, value: Any) -> sa.ColumnElement[bool]:
    """The SQL condition for one ``name=value`` filter."""
    column = _column(model, name)
    flt = parse_filter(value)
    coerced = flt.value if flt.op == "has" else _coerce(column, flt.value)
    return _CONDITIONS[flt.op](column, coerced)


def where(model: type[DeclarativeBase], filters: Mapping[str, Any]) -> list[sa.ColumnElement[bool]]:
    """Conditions for every filter (all must hold)."""
    return [condition(model, name, value) for name, value in filters.items()]


def _orderings(model: type[DeclarativeBase], page: Page) -> list[tuple[Any, bool]]:
    keys = list(page.sort_keys) or ["created_at"]
    dirs = list(page.sort_dirs) or ["asc"]
    if "id" not in keys:  # a total order, so that markers are exact
        keys.append("id")
    result = []
    for i, key in enumerate(keys):
        direction = (dirs[i] if i < len(dirs) else dirs[0]).lower()
        if direction not in {"asc", "desc"}:
            raise errors.QueryError(f"Invalid sort direction: {direction!r}")
        result.append((_column(model, key), direction == "desc"))
    return result


def _after_marker(
    orderings: Sequence[tuple[Any, bool]], marker_values: Sequence[Any]
) -> sa.ColumnElement[bool]:
    """Rows strictly after the marker row in the sort order (a keyset condition)."""
    branches = []
    for i, (column, desc) in enumerate(orderings):
        equal = [c == v for (c, _), v in zip(orderings[:i], marker_values[:i], strict=True)]
        beyond = column < marker_values[i] if desc else column > marker_values[i]
        branches.append(sa.and_(*equal, beyond))
    return sa.or_(*branches)


def select_page(
    session: sa.orm.Session, model: type[M], page: Page, filters: Mapping[str, Any]
) -> list[M]:
    """Rows of ``model`` matching ``filters``, sorted and paged as ``page`` says."""
    orderings = _orderings(model, page)
    stmt = sa.select(model).where(*where(model, filters))
    if page.marker is not None:
        columns = [c for c, _ in orderings]
        marker_row = session.execute(
            sa.select(*columns).where(_column(model, "id") == page.marker)
        ).one_or_none()
        if marker_row is None:
            raise errors.NotFound(model.__tablename__, page.marker)
        stmt = stmt.where(_after_marker(orderings, tuple(marker_row)))
    stmt = stmt.order_by(*(c.desc() if d else c.asc() for c, d in orderings))
    if page.fields:
        names = {"id", *page.fields}
        stmt = stmt.options(load_only(*(_column(model, n) for n in names)))
    if page.limit is not None and page.limit >= 0:
        stmt = stmt.limit(page.limit)
    return list(session.scalars(stmt))
