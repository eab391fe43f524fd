"""Jobs taken inside the transaction that does their work: held by its row lock, done by
its commit, given back by its rollback."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from meltemi.store import jobs, models
from meltemi.store.db import Database


class _Rollback(Exception):
    pass


def _take_and_roll_back(db: Database) -> jobs.Taken | None:
    """Take a job in a transaction that then fails (as a step that raised)."""
    taken = None
    try:
        with db.transaction() as s:
            taken = jobs.take(s, "step")
            raise _Rollback
    except _Rollback:
        return taken


def _queued(db: Database) -> list[tuple[int, int]]:
    with db.transaction(readonly=True) as s:
        rows = s.execute(sa.select(models.JobRow.id, models.JobRow.attempts).order_by("id"))
        return [(r.id, r.attempts) for r in rows]


def test_take_gets_the_oldest_due_job_of_its_kind_and_tells_if_more_are_due(db: Database) -> None:
    """Due order, its kind only; ``more`` says whether another of that kind is due."""
    with db.transaction() as s:
        late = jobs.enqueue(s, "step", {"n": 1}, delay=-5)
        early = jobs.enqueue(s, "step", {"n": 0}, delay=-10)
        jobs.enqueue(s, "action", {}, delay=-20)
        jobs.enqueue(s, "step", {}, delay=3600)
    with db.transaction() as s:
        first = jobs.take(s, "step")
    with db.transaction() as s:
        second = jobs.take(s, "step")
    with db.transaction() as s:
        third = jobs.take(s, "step")
    assert first is not None
    assert second is not None
    assert (first.id, first.payload, first.more) == (early, {"n": 0}, True)
    assert (second.id, second.payload, second.more) == (late, {"n": 1}, False)
    assert third is None
    assert len(_queued(db)) == 2  # the action and the future step


def test_a_rolled_back_take_puts_the_job_back_at_once(db: Database) -> None:
    """The work failed or the process died mid-transaction: the job is due again."""
    with db.transaction() as s:
        job_id = jobs.enqueue(s, "step", {})
    taken = _take_and_roll_back(db)
    assert taken is not None
    assert taken.id == job_id
    assert _queued(db) == [(job_id, 0)]
    with db.transaction() as s:
        again = jobs.take(s, "step")
    assert again is not None
    assert again.id == job_id
    assert _queued(db) == []


def test_failed_attempts_put_the_job_off_then_drop_it(db: Database) -> None:
    """Each failed attempt is counted and delays the job; the last one deletes it."""
    with db.transaction() as s:
        job_id = jobs.enqueue(s, "step", {}, max_attempts=2)
    taken = _take_and_roll_back(db)
    assert taken is not None
    assert taken.id == job_id
    with db.transaction() as s:
        assert jobs.failed(s, taken, delay=3600) is False
    assert _queued(db) == [(job_id, 1)]
    with db.transaction() as s:
        assert jobs.take(s, "step") is None  # put off for an hour
    second = jobs.Taken(job_id, "step", {}, None, attempts=1, max_attempts=2, more=False)
    with db.transaction() as s:
        assert jobs.failed(s, second, delay=0) is True
    assert _queued(db) == []


def _drain(db: Database, got: list[int], start: threading.Barrier) -> None:
    start.wait()
    while True:
        with db.transaction() as s:
            taken = jobs.take(s, "step")
        if taken is None:
            return
        got.append(taken.id)


def test_threads_taking_at_once_share_jobs_without_overlap(db: Database) -> None:
    """Four threads taking 120 jobs end with each job taken exactly once."""
    with db.transaction() as s:
        ids = {jobs.enqueue(s, "step", {"n": n}) for n in range(120)}
    results: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(len(results))
    threads = [threading.Thread(target=_drain, args=(db, got, start)) for got in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = Counter(i for got in results for i in got)
    assert set(counts) == ids
    assert max(counts.values()) == 1


def test_count_due_counts_due_jobs_of_a_kind_up_to_a_bound(db: Database) -> None:
    """What a worker uses to know how many step runners to start."""
    with db.transaction() as s:
        for _ in range(5):
            jobs.enqueue(s, "step", {})
        jobs.enqueue(s, "step", {}, delay=3600)
        jobs.enqueue(s, "action", {})
    with db.transaction(readonly=True) as s:
        assert jobs.count_due(s, "step", 10) == 5
        assert jobs.count_due(s, "step", 3) == 3
        assert jobs.count_due(s, "action", 10) == 1


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_count_due_leaves_out_jobs_being_taken(db: Database) -> None:
    """A job another transaction is taking is not counted: a worker would start a step
    runner for it that finds nothing. (SQLite runs one write transaction at a time.)"""
    with db.transaction() as s:
        jobs.enqueue(s, "step", {})
        jobs.enqueue(s, "step", {})
    with db.transaction() as taking:
        assert jobs.take(taking, "step") is not None
        with db.transaction() as s:
            assert jobs.count_due(s, "step", 10) == 1
    with db.transaction() as s:
        assert jobs.count_due(s, "step", 10) == 1
