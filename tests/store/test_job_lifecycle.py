"""Enqueue dedup, release, retry_later and the sleep hint of the job queue."""

from __future__ import annotations

from meltemi.store import jobs
from meltemi.store.db import Database


def test_replayed_enqueue_with_dedup_key_is_a_no_op(db: Database) -> None:
    """A second enqueue with the same dedup key returns None and adds nothing."""
    with db.transaction() as s:
        first = jobs.enqueue(s, "step", {"v": 1}, dedup_key="ex1:step:3")
        again = jobs.enqueue(s, "step", {"v": 2}, dedup_key="ex1:step:3")
    with db.transaction() as s:
        claimed = jobs.claim(s, "w", limit=10, lease_seconds=30)
    assert first is not None
    assert again is None
    assert [(j.id, j.payload) for j in claimed] == [(first, {"v": 1})]


def test_release_makes_the_job_due_without_counting_the_attempt(db: Database) -> None:
    """A released job is claimable at once with the same attempt count."""
    with db.transaction() as s:
        jobs.enqueue(s, "action", {})
    with db.transaction() as s:
        (job,) = jobs.claim(s, "w1", limit=1, lease_seconds=60)
        jobs.release(s, job.id, "w1", job.lease_epoch)
    with db.transaction() as s:
        (again,) = jobs.claim(s, "w2", limit=1, lease_seconds=60)
    assert (again.id, again.attempts, again.lease_epoch) == (job.id, 1, 2)


def test_retry_later_delays_the_job_and_can_replace_its_payload(db: Database) -> None:
    """After retry_later the job is not due, and the sleep hint tells how long to wait."""
    with db.transaction() as s:
        jobs.enqueue(s, "timer", {"n": 1})
    with db.transaction() as s:
        (job,) = jobs.claim(s, "w", limit=1, lease_seconds=60)
        jobs.retry_later(s, job.id, "w", job.lease_epoch, delay=120, payload={"n": 2})
    with db.transaction() as s:
        assert jobs.claim(s, "w", limit=1, lease_seconds=60) == []
        wait = jobs.seconds_until_next(s)
    assert wait is not None
    assert 100 < wait <= 120


def test_sleep_hint_is_zero_when_due_and_none_when_empty(db: Database) -> None:
    """A due job gives 0 seconds; an empty queue gives None; a lease counts its expiry."""
    with db.transaction(readonly=True) as s:
        assert jobs.seconds_until_next(s) is None
    with db.transaction() as s:
        jobs.enqueue(s, "step", {})
        assert jobs.seconds_until_next(s) == 0.0
    with db.transaction() as s:
        jobs.claim(s, "w", limit=1, lease_seconds=45)
        wait = jobs.seconds_until_next(s)
    assert wait is not None
    assert 30 < wait <= 45
