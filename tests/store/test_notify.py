"""notify wakes a listener after the notifying transaction commits, not before."""

from __future__ import annotations

import pytest

from meltemi.store import dialects, jobs
from meltemi.store.db import Database


def _notify_then_fail(db: Database, *, batched: bool = False) -> None:
    with db.transaction() as s:
        if batched:
            with dialects.batch(s):
                jobs.enqueue_many(s, [jobs.NewJob("step", {})])
        else:
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


def test_a_notify_sent_with_a_batch_still_waits_for_the_commit(db: Database) -> None:
    """Jobs queued in a step's batch carry their wake-up in the same round trip: the
    listener still hears it only once the transaction commits, once however many
    times it was asked, and never for a rolled-back transaction."""
    listener = db.listener(jobs.CHANNEL)
    try:
        with pytest.raises(RuntimeError):
            _notify_then_fail(db, batched=True)
        assert listener.wait(0.2) is False
        with db.transaction() as s:
            with dialects.batch(s):
                jobs.enqueue_many(s, [jobs.NewJob("step", {})])
                jobs.enqueue_many(s, [jobs.NewJob("action", {})])
            assert listener.wait(0.2) is False  # sent, but not committed yet
        assert listener.wait(10) is True
        assert listener.wait(0.1) is False
    finally:
        listener.close()
