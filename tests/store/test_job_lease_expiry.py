"""An expired lease makes the job claimable again, counting one more attempt."""

from __future__ import annotations

from meltemi.store import jobs
from meltemi.store.db import Database


def test_expired_lease_is_claimed_by_another_owner(db: Database) -> None:
    """After a zero-second lease runs out, a second owner claims the job (epoch 2)."""
    with db.transaction() as s:
        job_id = jobs.enqueue(s, "action", {"a": 1}, max_attempts=1)
    with db.transaction() as s:
        (first,) = jobs.claim(s, "w1", limit=10, lease_seconds=0)
    with db.transaction() as s:
        (second,) = jobs.claim(s, "w2", limit=10, lease_seconds=30)
    assert first.id == second.id == job_id
    assert (second.lease_owner, second.lease_epoch, second.attempts) == ("w2", 2, 2)
    assert not first.exhausted
    assert second.exhausted


def test_live_lease_is_not_claimed_again(db: Database) -> None:
    """While a lease runs, other claimers see nothing."""
    with db.transaction() as s:
        jobs.enqueue(s, "action", {})
    with db.transaction() as s:
        assert len(jobs.claim(s, "w1", limit=10, lease_seconds=60)) == 1
    with db.transaction() as s:
        assert jobs.claim(s, "w2", limit=10, lease_seconds=60) == []


def test_heartbeat_keeps_a_lease_alive(db: Database) -> None:
    """A heartbeat moves the expiry forward, so an expired-looking lease is held again."""
    with db.transaction() as s:
        jobs.enqueue(s, "action", {})
    with db.transaction() as s:
        (job,) = jobs.claim(s, "w1", limit=1, lease_seconds=0)
        jobs.heartbeat(s, job.id, "w1", job.lease_epoch, lease_seconds=60)
    with db.transaction() as s:
        assert jobs.claim(s, "w2", limit=10, lease_seconds=60) == []
