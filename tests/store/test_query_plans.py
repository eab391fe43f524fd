"""The statements every engine step runs find their rows by index on PostgreSQL, whatever
the size of the tables or the number of jobs already taken (PostgreSQL's plans: SQLite
has no planner choices of this kind here)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

from meltemi.jsontext import dumpb
from meltemi.store import dialects, jobs, models
from meltemi.store.db import Database

JOBS = sa.Table("jobs", models.Base.metadata)
pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def _plan(db: Database, sql: bytes, params: Any) -> str:
    """PostgreSQL's plan of ``sql`` run with ``params`` (run, then rolled back)."""
    with db.transaction() as s:
        raw = dialects._raw(s)
        rows = raw.execute(b"EXPLAIN (ANALYZE, COSTS OFF) " + sql, params).fetchall()
        raw.rollback()
    return "\n".join(r[0] for r in rows)


def _expanded(stmt: sa.ClauseElement, params: dict[str, Any]) -> tuple[bytes, Any]:
    """``stmt`` as the text and parameters psycopg receives for ``params``."""
    compiled = stmt.compile(dialect=dialects._PSYCOPG)
    assert isinstance(compiled, SQLCompiler)
    state = compiled.construct_expanded_state(params)
    return state.statement.encode(), state.parameters


def _queue(db: Database, count: int, kind: str = "step") -> None:
    with db.transaction() as s:
        jobs.enqueue_many(s, [jobs.NewJob(kind, {"n": n}) for n in range(count)])


def test_a_bulk_update_looks_each_row_up_by_its_key(db: Database) -> None:
    """A step updates one execution row and a few task and action rows among thousands:
    by their primary key, never by scanning the table."""
    _queue(db, 5000, kind="action")
    with db.transaction(readonly=True) as s:
        ids = list(s.scalars(sa.select(models.JobRow.id).order_by(models.JobRow.id).limit(2)))
    rows = [{"id": i, "attempts": 3} for i in ids]
    sql = dialects._update_sql(JOBS, ("attempts", "id"))
    plan = _plan(db, sql, (dialects._recordset(JOBS)(rows, dumpb), len(rows)))
    assert "Index Scan using pk_jobs" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_the_update_writes_every_row_sent(db: Database) -> None:
    """The row count the statement carries lets every row through."""
    _queue(db, 3, kind="action")
    with db.transaction() as s:
        ids = list(s.scalars(sa.select(models.JobRow.id)))
        dialects.update_many(s, JOBS, [{"id": i, "attempts": 7} for i in ids])
    with db.transaction(readonly=True) as s:
        assert set(s.scalars(sa.select(models.JobRow.attempts))) == {7}


def test_a_take_reads_free_jobs_in_order_past_those_taken_before(db: Database) -> None:
    """After thousands of taken (deleted, not yet vacuumed) step jobs, a take still reads
    the free jobs' index in its order and stops at the first live one: no bitmap scan
    revisiting every dead entry, no sort of every due job."""
    _queue(db, 3000)
    with db.transaction() as s:
        s.execute(
            sa.delete(models.JobRow).where(
                models.JobRow.id < sa.select(sa.func.max(models.JobRow.id)).scalar_subquery()
            )
        )
    stmt, _ = jobs._TAKE[False]
    sql, defaults = dialects._compiled_for_psycopg(stmt)
    plan = _plan(db, sql, {**defaults, "kind": "step"})
    assert "Index Scan using ix_jobs_free_kind_run_at_id" in plan, plan
    assert "Bitmap" not in plan, plan
    assert "Sort" not in plan, plan


def test_a_take_leaves_a_job_under_a_lease_to_its_claimer(db: Database) -> None:
    """Takes serve free jobs only: one claimed under a lease, even an expired one, is
    the claimer's to complete or to lose to another claim."""
    _queue(db, 1)
    with db.transaction() as s:
        (claimed,) = jobs.claim(s, "w", limit=1, lease_seconds=0, kinds=["step"])
    with db.transaction() as s:
        assert jobs.take(s, "step") is None
        assert jobs.count_due(s, "step", 10) == 0
    with db.transaction() as s:
        (again,) = jobs.claim(s, "w2", limit=1, lease_seconds=30, kinds=["step"])
    assert again.id == claimed.id


def _claimed_and_completed(db: Database, count: int) -> None:
    """``count`` action jobs claimed, run and completed: dead entries in both indexes."""
    _queue(db, count, kind="action")
    with db.transaction() as s:
        done = jobs.claim(s, "w", limit=count, lease_seconds=0, kinds=["action"])
        s.execute(sa.delete(models.JobRow).where(models.JobRow.id.in_([j.id for j in done])))


def test_a_claim_reads_expired_then_free_jobs_in_index_order(db: Database) -> None:
    """After thousands of action jobs came and went, a claim reads the leased jobs'
    index and the free jobs' index in their order: no bitmap scan over the dead."""
    _claimed_and_completed(db, 3000)
    _queue(db, 2, kind="action")
    params = {"owner": "w", "limit": 10, "lease": 30.0, "kinds": ["action"]}
    plan = _plan(db, *_expanded(jobs._CLAIM[True], params))
    assert "Index Scan using ix_jobs_leased_kind_expiry" in plan, plan
    assert "Index Scan using ix_jobs_free_kind_run_at_id" in plan, plan
    assert "Bitmap" not in plan, plan


def test_the_next_due_time_is_read_off_the_indexes(db: Database) -> None:
    """An idle worker's question (when is the next job due?) reads the first entry of
    each index, not every queued job."""
    _claimed_and_completed(db, 3000)
    _queue(db, 2000, kind="action")
    plan = _plan(db, *_expanded(jobs._next_run_at_of(("step", "action")), {}))
    assert "Seq Scan" not in plan, plan
    assert "Bitmap" not in plan, plan
    assert plan.count("Index Only Scan") + plan.count("Index Scan") >= 4, plan


def test_bulk_updates_are_planned_each_time(db: Database) -> None:
    """psycopg prepares a statement run five times, and PostgreSQL keeps a prepared
    statement's plan: one made while the table was small would scan it whole however
    large it grows. The bulk updates are never prepared; the inserts are."""
    _queue(db, 3, kind="action")
    with db.transaction() as s:
        ids = list(s.scalars(sa.select(models.JobRow.id)))
        for n in range(8):
            dialects.update_many(s, JOBS, [{"id": i, "attempts": n} for i in ids])
            jobs.enqueue_many(s, [jobs.NewJob("action", {"n": n})])
        prepared = [
            r[0] for r in dialects._raw(s).execute(b"SELECT statement FROM pg_prepared_statements")
        ]
    assert not [p for p in prepared if p.startswith('UPDATE "jobs"')], prepared
    assert [p for p in prepared if p.startswith('INSERT INTO "jobs"')], prepared
