"""History events are appended in order and read back per execution."""

from __future__ import annotations

from typing import Any

from meltemi.store import history
from meltemi.store.db import Database


def _event(execution: str, new: str, old: str | None = None, **kw: Any) -> history.Event:
    return history.Event(
        execution_id=execution,
        entity_kind="task",
        entity_id="t-" + new,
        new_state=new,
        old_state=old,
        **kw,
    )


def test_events_read_back_in_append_order_with_db_timestamps(db: Database) -> None:
    """Events of one execution come back in order, with their fields and a timestamp."""
    with db.transaction() as s:
        history.append(s, [_event("ex1", "RUNNING", name="t1"), _event("ex2", "RUNNING")])
    with db.transaction() as s:
        history.append(s, [_event("ex1", "SUCCESS", "RUNNING", name="t1", state_info="done")])
    with db.transaction(readonly=True) as s:
        got = history.list_for_execution(s, "ex1")
    assert [(e.name, e.old_state, e.new_state, e.state_info) for e in got] == [
        ("t1", None, "RUNNING", None),
        ("t1", "RUNNING", "SUCCESS", "done"),
    ]
    assert got[0].at <= got[1].at
    assert got[0].at.tzinfo is not None


def test_children_and_after_id_select_the_right_events(db: Database) -> None:
    """include_children adds sub-workflow events; after_id returns only newer ones."""
    with db.transaction() as s:
        history.append(
            s,
            [
                _event("root", "RUNNING"),
                _event("child", "RUNNING", root_execution_id="root"),
                _event("other", "RUNNING"),
            ],
        )
    with db.transaction(readonly=True) as s:
        own = history.list_for_execution(s, "root")
        tree = history.list_for_execution(s, "root", include_children=True)
        newer = history.list_for_execution(s, "root", include_children=True, after_id=own[0].id)
    assert [e.execution_id for e in own] == ["root"]
    assert [e.execution_id for e in tree] == ["root", "child"]
    assert [e.execution_id for e in newer] == ["child"]


def test_append_nothing_writes_nothing(db: Database) -> None:
    """An empty batch is accepted and adds no row."""
    with db.transaction() as s:
        history.append(s, [])
    with db.transaction(readonly=True) as s:
        assert history.list_page(s) == []
