"""``/v2/executions/{id}/history``: every state change of an execution (a Meltemi
extension; Mistral has no such resource).

The changes come in the order they happened: the execution's, its tasks' and its action
executions', and with ``include_children`` its sub-workflows'. Each carries the id of
the engine step that made it; ``after`` (a step id) returns only later ones, so a
client follows a live execution by passing the last id it saw.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from meltemi.api import render
from meltemi.api.deps import DB
from meltemi.store import executions, history

router = APIRouter(tags=["executions"], route_class=render.DataRoute)
MAX_LIMIT = 10_000


class Change(BaseModel):
    """One state change."""

    id: int
    """The engine step that made it; changes of one step share it."""
    at: str
    execution_id: str
    entity_kind: str
    """``workflow``, ``task`` or ``action``."""
    entity_id: str
    name: str
    old_state: str | None
    new_state: str
    state_info: str | None


class History(BaseModel):
    """An execution's changes, oldest first."""

    history: list[Change]


_FIELDS = tuple(Change.model_fields)


def _change(change: history.Recorded) -> dict[str, Any]:
    shown = {name: getattr(change, name) for name in _FIELDS}
    return {**shown, "at": change.at.isoformat()}


@router.get("/v2/executions/{execution_id}/history", responses={200: {"model": History}})
def of_execution(
    db: DB,
    execution_id: str,
    include_children: bool = False,
    after: int | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 1000,
) -> Any:
    """The state changes of an execution (404 for an unknown one)."""
    with db.transaction(readonly=True) as session:
        executions.get(session, execution_id)
        found = history.list_for_execution(
            session, execution_id, include_children=include_children, after_id=after, limit=limit
        )
    return {"history": [_change(c) for c in found]}
