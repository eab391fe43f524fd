"""A holder whose lease was taken over cannot write: LeaseLost."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meltemi import errors
from meltemi.store import jobs
from meltemi.store.db import Database, Session


def _taken_over(db: Database) -> tuple[jobs.Job, jobs.Job]:
    with db.transaction() as s:
        jobs.enqueue(s, "step", {})
    with db.transaction() as s:
        (old,) = jobs.claim(s, "paused", limit=1, lease_seconds=0)
    with db.transaction() as s:
        (new,) = jobs.claim(s, "fresh", limit=1, lease_seconds=60)
    return old, new


WRITES: dict[str, Callable[[Session, jobs.Job], None]] = {
    "complete": lambda s, j: jobs.complete(s, j.id, j.lease_owner, j.lease_epoch),
    "heartbeat": lambda s, j: jobs.heartbeat(s, j.id, j.lease_owner, j.lease_epoch, 30),
    "release": lambda s, j: jobs.release(s, j.id, j.lease_owner, j.lease_epoch),
    "retry_later": lambda s, j: jobs.retry_later(s, j.id, j.lease_owner, j.lease_epoch, delay=1),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_stale_holder_write_raises_lease_lost(db: Database, write: str) -> None:
    """Every write of the old holder is refused; the new holder can still complete."""
    old, new = _taken_over(db)
    with pytest.raises(errors.LeaseLost), db.transaction() as s:
        WRITES[write](s, old)
    with db.transaction() as s:
        jobs.complete(s, new.id, new.lease_owner, new.lease_epoch)
    with db.transaction(readonly=True) as s:
        assert jobs.seconds_until_next(s) is None


def test_same_owner_with_old_epoch_is_refused(db: Database) -> None:
    """The epoch, not just the owner name, decides: a restarted owner cannot reuse it."""
    with db.transaction() as s:
        jobs.enqueue(s, "step", {})
    with db.transaction() as s:
        (first,) = jobs.claim(s, "w", limit=1, lease_seconds=0)
    with db.transaction() as s:
        (second,) = jobs.claim(s, "w", limit=1, lease_seconds=60)
    with pytest.raises(errors.LeaseLost), db.transaction() as s:
        jobs.complete(s, first.id, "w", first.lease_epoch)
    assert second.lease_epoch == first.lease_epoch + 1
