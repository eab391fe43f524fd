"""notify wakes a listener after the notifying transaction commits, not before."""

from __future__ import annotations

import pytest

from meltemi.store import jobs
from meltemi.store.db import Database


def _notify_then_fail(db: Database) -> None:
    with db.transaction() as s:
        jobs.notify(s)
        raise RuntimeError


def test_listener_wakes_after_commit_only(db: Database) -> None:
    """A committed notify wakes the listener; a rolled-back one does not."""
    listener = db.listener(jobs.CHANNEL)
    try:
        with pytest.raises(RuntimeError):
            _notify_then_fail(db)
        assert listener.wait(0.2) is False
        with db.transaction() as s:
            jobs.enqueue(s, "step", {})
            jobs.notify(s)
        assert listener.wait(10) is True
        assert listener.wait(0.05) is False
    finally:
        listener.close()
