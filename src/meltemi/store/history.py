"""The append-only history of state changes (workflows, tasks, actions)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi.store import dialects, models, query, rows

EntityKind = Literal["workflow", "task", "action"]
_T = cast("sa.Table", models.HistoryEvent.__table__)


@dataclasses.dataclass(frozen=True)
class Event:
    """One state change to record."""

    execution_id: str
    """The workflow execution the change belongs to."""
    entity_kind: EntityKind
    entity_id: str
    new_state: str
    name: str = ""
    old_state: str | None = None
    state_info: str | None = None
    root_execution_id: str | None = None
    data: dict[str, Any] | None = None


_FIELDS = tuple(f.name for f in dataclasses.fields(Event))


def append(session: Session, events: Iterable[Event]) -> None:
    """Record ``events`` in one statement (``at`` is the database's clock)."""
    values = [{name: getattr(e, name) for name in _FIELDS} for e in events]
    dialects.insert_many(session, _T, values)


def list_for_execution(
    session: Session,
    execution_id: str,
    *,
    include_children: bool = False,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[models.HistoryEvent]:
    """The history of one execution in order; ``include_children`` adds sub-workflows.

    ``after_id`` returns only newer events (for following a live execution).
    """
    model = models.HistoryEvent
    own = model.execution_id == execution_id
    cond = sa.or_(own, model.root_execution_id == execution_id) if include_children else own
    stmt = sa.select(model).where(cond).order_by(model.id)
    if after_id is not None:
        stmt = stmt.where(model.id > after_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def list_page(
    session: Session, page: query.Page | None = None, **filters: Any
) -> list[models.HistoryEvent]:
    """Any slice of the history with Mistral-style filters and paging."""
    return rows.list_page(
        session, models.HistoryEvent, page or query.Page(sort_keys=("id",)), filters
    )
