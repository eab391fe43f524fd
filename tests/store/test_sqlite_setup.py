"""SQLite runs in WAL with foreign keys on, and writers take the lock at BEGIN."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from meltemi import errors
from meltemi.store import db as store_db
from meltemi.store import models, rows


def test_open_creates_parent_directory_and_sets_pragmas(tmp_path: Path) -> None:
    """A nested path is created; WAL, foreign keys and busy_timeout are on."""
    path = tmp_path / "a" / "b" / "meltemi.db"
    database = store_db.open_database(f"sqlite:///{path}")
    try:
        with database.transaction(readonly=True) as s:
            pragmas = [
                s.execute(sa.text(f"PRAGMA {p}")).scalar()
                for p in ("journal_mode", "foreign_keys", "busy_timeout")
            ]
    finally:
        database.close()
    assert path.parent.is_dir()
    assert pragmas == ["wal", 1, 30_000]


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    """A task execution pointing at no workflow execution is refused."""
    database = store_db.open_database(f"sqlite:///{tmp_path / 'm.db'}")
    store_db.migrate(database.engine)
    try:
        with pytest.raises(errors.Conflict, match="FOREIGN KEY"), database.transaction() as s:
            rows.create(
                s, models.TaskExecution, workflow_execution_id="none", name="t", state="RUNNING"
            )
    finally:
        database.close()


def test_write_transaction_holds_the_lock_from_begin(tmp_path: Path) -> None:
    """A second writer waits at BEGIN until the first commits (no lost update, no error)."""
    database = store_db.open_database(f"sqlite:///{tmp_path / 'm.db'}")
    first_in, order = threading.Event(), []

    def second() -> None:
        first_in.wait()
        with database.transaction() as s:
            s.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE is sent with the first statement
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    try:
        with database.transaction() as s:
            s.execute(sa.text("SELECT 1"))
            first_in.set()
            thread.join(timeout=0.3)  # it must still be blocked at BEGIN IMMEDIATE
            order.append("first")
        thread.join(timeout=30)
    finally:
        database.close()
    assert order == ["first", "second"]
