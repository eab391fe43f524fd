"""lock_execution loads the engine state under a lock; stale writes are conflicts."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import exc

from meltemi import errors
from meltemi.store import executions, task_executions
from meltemi.store.db import Database
from meltemi.store.models import WorkflowExecution


def _execution(db: Database) -> str:
    with db.transaction() as s:
        return executions.create(s, workflow_name="wf", state="RUNNING", engine_state={"n": 0}).id


def test_lock_loads_engine_state_and_save_bumps_version(db: Database) -> None:
    """The locked row carries engine_state; saving it increments version."""
    ex_id = _execution(db)
    with db.transaction() as s:
        ex = executions.lock_execution(s, ex_id)
        assert ex.engine_state == {"n": 0}
        executions.save(s, ex, engine_state={"n": 1}, state="SUCCESS")
    with db.transaction(readonly=True) as s:
        again = executions.get(s, ex_id, with_state=True)
    assert (again.engine_state, again.state, again.version) == ({"n": 1}, "SUCCESS", 2)


def test_engine_state_is_never_loaded_by_accident(db: Database) -> None:
    """A plain get does not load engine_state: touching it raises instead of querying."""
    ex_id = _execution(db)
    with db.transaction(readonly=True) as s:
        ex = executions.get(s, ex_id)
        with pytest.raises(exc.InvalidRequestError):
            _ = ex.engine_state


def test_stale_update_raises_conflict(db: Database) -> None:
    """Saving a row that another transaction changed since it was read is a Conflict."""
    ex_id = _execution(db)
    with db.transaction() as s:
        stale = executions.get(s, ex_id)
    with db.transaction() as s:
        executions.save(s, executions.lock_execution(s, ex_id), state="PAUSED")
    with pytest.raises(errors.Conflict):
        _save_detached(db, stale)


def _save_detached(db: Database, ex: WorkflowExecution) -> None:
    with db.transaction() as s:
        s.add(ex)
        executions.save(s, ex, state="ERROR")


def test_two_steps_on_one_execution_run_one_after_the_other(db: Database) -> None:
    """Concurrent read-modify-write steps under the lock lose no increment."""
    ex_id = _execution(db)

    def step() -> None:
        for _ in range(10):
            with db.transaction() as s:
                ex = executions.lock_execution(s, ex_id)
                executions.save(s, ex, engine_state={"n": ex.engine_state["n"] + 1})

    threads = [threading.Thread(target=step) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with db.transaction(readonly=True) as s:
        assert executions.get(s, ex_id, with_state=True).engine_state == {"n": 30}


def test_missing_execution_raises_not_found(db: Database) -> None:
    """Locking an unknown id is NotFound."""
    with db.transaction() as s, pytest.raises(errors.NotFound):
        executions.lock_execution(s, "missing")


def test_task_upsert_replays_as_update(db: Database) -> None:
    """Writing a task projection twice updates the one row; deleting the execution cascades."""
    ex_id = _execution(db)
    with db.transaction() as s:
        task_executions.upsert(s, "task-1", workflow_execution_id=ex_id, name="t1", state="RUNNING")
        task_executions.upsert(
            s, "task-1", workflow_execution_id=ex_id, name="t1", state="SUCCESS", result=[1]
        )
    with db.transaction() as s:
        (task,) = task_executions.list_for_execution(s, ex_id)
        assert (task.state, task.result) == ("SUCCESS", [1])
        s.delete(executions.get(s, ex_id))
    with db.transaction(readonly=True) as s:
        assert task_executions.list_for_execution(s, ex_id) == []
