"""History events are appended in order and read back per execution."""

from __future__ import annotations

from typing import Any

from meltemi.store import history, models, rows
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
        assert rows.count(s, models.HistoryStep, {}) == 0


def test_one_step_is_one_row_read_back_as_its_changes(db: Database) -> None:
    """The changes appended together for one execution share a row, come back in order
    one by one; ``limit`` counts changes but returns whole steps, so paging with
    ``after_id`` misses none."""
    with db.transaction() as s:
        history.append(s, [_event("ex1", "IDLE"), _event("ex1", "RUNNING", "IDLE")])
    with db.transaction() as s:
        history.append(s, [_event("ex1", "SUCCESS", "RUNNING", data={"n": 1})])
    with db.transaction(readonly=True) as s:
        assert rows.count(s, models.HistoryStep, {}) == 2
        got = history.list_for_execution(s, "ex1")
        first_two = history.list_for_execution(s, "ex1", limit=2)
        whole = history.list_for_execution(s, "ex1", limit=1)
        more = history.list_for_execution(s, "ex1", limit=2, after_id=first_two[-1].id)
    assert [(e.old_state, e.new_state) for e in got] == [
        (None, "IDLE"),
        ("IDLE", "RUNNING"),
        ("RUNNING", "SUCCESS"),
    ]
    assert got[0].id == got[1].id < got[2].id
    assert got[2].data == {"n": 1}
    assert got[0].name == ""
    assert first_two == got[:2]
    assert whole == got[:2]  # a step comes whole, even beyond the limit
    assert more == got[2:]
