"""Lists page with limit and marker in any sort order, and load only asked fields."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.store import executions, query, rows
from meltemi.store.db import Database
from meltemi.store.models import WorkflowExecution


def _seed(db: Database) -> list[str]:
    names = ["c", "a", "b", "a", "c", "b", "a"]
    with db.transaction() as s:
        return [executions.create(s, workflow_name=n, state="RUNNING").id for n in names]


def _all_pages(db: Database, page: query.Page) -> list[list[WorkflowExecution]]:
    pages: list[list[WorkflowExecution]] = []
    marker: str | None = None
    while True:
        with db.transaction(readonly=True) as s:
            got = rows.list_page(
                s, WorkflowExecution, query.Page(**{**page.__dict__, "marker": marker})
            )
        if not got:
            return pages
        pages.append(got)
        marker = got[-1].id


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_marker_pages_cover_every_row_once_in_sort_order(db: Database, direction: str) -> None:
    """Following markers page by page yields each row once, sorted by name then id."""
    ids = _seed(db)
    page = query.Page(limit=2, sort_keys=("workflow_name",), sort_dirs=(direction,))
    pages = _all_pages(db, page)
    flat = [r for p in pages for r in p]
    assert sorted(r.id for r in flat) == sorted(ids)
    assert all(len(p) <= 2 for p in pages)
    keys = [(r.workflow_name, r.id) for r in flat]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=direction == "desc")
    assert keys == sorted(keys, reverse=direction == "desc")


def test_unknown_marker_raises_not_found(db: Database) -> None:
    """A marker that names no row is NotFound."""
    with db.transaction(readonly=True) as s, pytest.raises(errors.NotFound):
        rows.list_page(s, WorkflowExecution, query.Page(marker="nope"))


def test_unknown_sort_key_raises_query_error(db: Database) -> None:
    """Sorting by a column that does not exist is a QueryError."""
    with db.transaction(readonly=True) as s, pytest.raises(errors.QueryError, match="bogus"):
        rows.list_page(s, WorkflowExecution, query.Page(sort_keys=("bogus",)))


def test_fields_load_only_the_named_columns(db: Database) -> None:
    """With fields, only those columns (and id) are loaded."""
    _seed(db)
    with db.transaction(readonly=True) as s:
        got = rows.list_page(s, WorkflowExecution, query.Page(fields=("state",)))
        unloaded = {a.key for a in [*got[0].__mapper__.column_attrs] if a.key in got[0].__dict__}
    assert unloaded == {"id", "state"}
