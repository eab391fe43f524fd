"""A transaction whose last writes are one batch can end with it: the writes and the
COMMIT travel together, and the transaction keeps its all-or-nothing meaning."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from meltemi import errors
from meltemi.store import dialects, jobs, models
from meltemi.store.db import Database

JOBS = sa.Table("jobs", models.Base.metadata)
ON_POSTGRES = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
"""SQLite commits at the session's commit whatever was asked: nothing ends early there."""


class _Rollback(Exception):
    pass


def _payloads(db: Database) -> list[dict[str, object]]:
    with db.transaction(readonly=True) as s:
        return list(s.scalars(sa.select(models.JobRow.payload).order_by(models.JobRow.id)))


def test_the_batch_that_ends_a_transaction_commits_it_whole(db: Database) -> None:
    """What the transaction read and wrote before the batch commits with it."""
    with db.transaction() as s:
        jobs.enqueue(s, "step", {"n": 0})  # before the batch, outside it
        dialects.commit_with_batch(s)
        with dialects.batch(s):
            jobs.enqueue_many(s, [jobs.NewJob("step", {"n": 1}), jobs.NewJob("step", {"n": 2})])
    assert _payloads(db) == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_a_failed_write_in_the_ending_batch_rolls_everything_back(db: Database) -> None:
    """A write of the batch fails: the COMMIT sent after it does not commit the rest."""
    with db.transaction() as s:
        jobs.enqueue(s, "step", {"kept": True})

    def fail_in_the_batch() -> None:
        with db.transaction() as s:
            jobs.enqueue(s, "step", {"lost": 1})
            dialects.commit_with_batch(s)
            with dialects.batch(s):
                jobs.enqueue_many(s, [jobs.NewJob("step", {"lost": 2})])
                dialects.insert_many(s, JOBS, [{"kind": None, "payload": {"lost": 3}}])

    with pytest.raises(errors.Conflict, match="kind"):
        fail_in_the_batch()
    assert _payloads(db) == [{"kept": True}]


@ON_POSTGRES
def test_writing_after_the_ending_batch_is_refused(db: Database) -> None:
    """The session's own commit finds the transaction ended: an ORM change made since
    would land outside it, so the commit raises instead (a programming error)."""

    def change_after_the_batch() -> None:
        with db.transaction() as s:
            dialects.commit_with_batch(s)
            with dialects.batch(s):
                jobs.enqueue_many(s, [jobs.NewJob("step", {"n": 1})])
            s.add(models.JobRow(kind="step", payload={"n": 2}))

    with pytest.raises(RuntimeError, match="after the batch"):
        change_after_the_batch()
    assert _payloads(db) == [{"n": 1}]


@ON_POSTGRES
def test_a_statement_after_the_ending_batch_is_refused(db: Database) -> None:
    """A statement after the COMMIT would run in a transaction of its own: refused."""

    def write_after_the_batch() -> None:
        with db.transaction() as s:
            dialects.commit_with_batch(s)
            with dialects.batch(s):
                jobs.enqueue_many(s, [jobs.NewJob("step", {"n": 1})])
            jobs.enqueue_many(s, [jobs.NewJob("step", {"n": 2})])

    with pytest.raises(RuntimeError, match="after the batch"):
        write_after_the_batch()
    assert _payloads(db) == [{"n": 1}]


def test_a_rolled_back_transaction_does_not_leave_the_request_behind(db: Database) -> None:
    """``commit_with_batch`` belongs to one transaction: a rollback forgets it, and the
    next transaction of the same kind commits as usual."""

    def ask_then_fail() -> None:
        with db.transaction() as s:
            dialects.commit_with_batch(s)
            raise _Rollback

    with pytest.raises(_Rollback):
        ask_then_fail()
    with db.transaction() as s:
        with dialects.batch(s):
            jobs.enqueue_many(s, [jobs.NewJob("step", {"n": 1})])
        jobs.enqueue(s, "step", {"n": 2})  # after the batch: fine, no early commit asked
    assert _payloads(db) == [{"n": 1}, {"n": 2}]


def test_a_notify_asked_before_the_ending_batch_travels_with_it(db: Database) -> None:
    """The wake-up asked outside the batch is sent before the batch's COMMIT, so the
    listener hears it once the transaction is committed."""
    listener = db.listener(jobs.CHANNEL)
    try:
        with db.transaction() as s:
            jobs.notify(s)
            dialects.commit_with_batch(s)
            with dialects.batch(s):
                dialects.insert_many(s, JOBS, [{"kind": "action", "payload": {}}])
        assert listener.wait(10) is True
    finally:
        listener.close()


def test_the_first_statement_of_a_transaction_reads_what_it_began(db: Database) -> None:
    """A read that opens a write transaction (sent with its BEGIN) is part of it: a row
    it takes is given back by a rollback."""
    with db.transaction() as s:
        jobs.enqueue(s, "step", {"n": 1}, delay=-1)
    taken: list[jobs.Taken | None] = []

    def take_then_fail() -> None:
        with db.transaction() as s:
            taken.append(jobs.take(s, "step"))  # the transaction's first statement
            raise _Rollback

    with pytest.raises(_Rollback):
        take_then_fail()
    assert taken[0] is not None
    assert _payloads(db) == [{"n": 1}]
