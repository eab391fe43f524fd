"""The append-only history of state changes (workflows, tasks, actions).

An engine step records all the changes it made to one execution as one row
(:class:`models.HistoryStep`); readers get them back one :class:`Recorded` per change,
in the order they happened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi.store import dialects, models

EntityKind = Literal["workflow", "task", "action"]
_T = cast("sa.Table", models.HistoryStep.__table__)


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


_CHANGE = ("entity_kind", "entity_id", "name", "old_state", "new_state", "state_info", "data")
"""The fields of an :class:`Event` kept in a step's ``events`` (``None`` ones left out)."""
Change = dict[str, Any]
"""One state change as a step's ``events`` keep it: the fields of :data:`_CHANGE` that
are not ``None``."""


@dataclasses.dataclass(frozen=True)
class Recorded:
    """One state change as read back from the history."""

    id: int
    """The id of the step that recorded it (changes of one step share it)."""
    at: dt.datetime
    execution_id: str
    root_execution_id: str | None
    entity_kind: str
    entity_id: str
    name: str
    old_state: str | None
    new_state: str
    state_info: str | None
    data: dict[str, Any] | None


def append(session: Session, events: Iterable[Event]) -> None:
    """Record ``events``: one row per execution they belong to, in one statement
    (``at`` is the database's clock)."""
    steps: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for e in events:
        change = {name: value for name in _CHANGE if (value := getattr(e, name)) is not None}
        steps.setdefault((e.execution_id, e.root_execution_id), []).append(change)
    rows = [
        {"execution_id": execution, "root_execution_id": root, "events": changes}
        for (execution, root), changes in steps.items()
    ]
    dialects.insert_many(session, _T, rows)


def append_step(
    session: Session, execution_id: str, root_execution_id: str | None, changes: list[Change]
) -> None:
    """Record the ``changes`` one step made to one execution (what an engine step does:
    :func:`append` without building an :class:`Event` per change)."""
    if changes:
        row = {"execution_id": execution_id, "root_execution_id": root_execution_id}
        dialects.insert_many(session, _T, [{**row, "events": changes}])


def list_for_execution(
    session: Session,
    execution_id: str,
    *,
    include_children: bool = False,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[Recorded]:
    """The history of one execution in order; ``include_children`` adds sub-workflows.

    ``after_id`` returns only the changes of later steps (for following a live
    execution); ``limit`` caps the number of changes returned, in whole steps (so that
    ``after_id`` = the last id seen misses nothing), but one step is always whole.
    """
    model = models.HistoryStep
    own = model.execution_id == execution_id
    cond = sa.or_(own, model.root_execution_id == execution_id) if include_children else own
    stmt = sa.select(model).where(cond).order_by(model.id)
    if after_id is not None:
        stmt = stmt.where(model.id > after_id)
    if limit is None:
        return list(_changes(session.scalars(stmt)))
    found: list[Recorded] = []
    for step in session.scalars(stmt.limit(max(limit, 1))):  # a step has one change or more
        if found and len(found) + len(step.events) > limit:
            break
        found.extend(_changes([step]))
    return found


def _changes(steps: Iterable[models.HistoryStep]) -> Iterator[Recorded]:
    for step in steps:
        for change in step.events:
            yield Recorded(
                id=step.id,
                at=step.at,
                execution_id=step.execution_id,
                root_execution_id=step.root_execution_id,
                entity_kind=change["entity_kind"],
                entity_id=change["entity_id"],
                name=change.get("name") or "",
                old_state=change.get("old_state"),
                new_state=change["new_state"],
                state_info=change.get("state_info"),
                data=change.get("data"),
            )
