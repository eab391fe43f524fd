"""The job queue: enqueue, claim under a lease, heartbeat, complete.

Every time is the database's clock. A claim takes due jobs that are free or whose
lease expired, gives them to ``owner`` until ``now + lease_seconds``, adds one to
``attempts`` and bumps ``lease_epoch``. Every later write of the holder names the
epoch it got: after another worker took the job over, the old holder's writes raise
:class:`errors.LeaseLost` instead of overwriting anything.

A job whose whole work is one transaction of the database (an engine step) needs no
lease: :func:`take` deletes it inside that transaction, whose row lock holds it while the
work is done. It is done when the transaction commits; a rollback or a dead process (the
database ends its session) puts it back, due at once.

Cost: a claim is one statement (``UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP
LOCKED) RETURNING``), and so is a take (``DELETE .. RETURNING``); heartbeat, complete,
release and retry are one statement each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi import errors
from meltemi.store import dialects, models

CHANNEL = "meltemi_jobs"
"""The notification channel that wakes idle workers (see :func:`notify`)."""
_T = cast("sa.Table", models.JobRow.__table__)


@dataclasses.dataclass(frozen=True)
class _Queued:
    """What every job carries."""

    id: int
    kind: str
    """``step``, ``action``, ``timer``, ``cron``, ..."""
    payload: dict[str, Any]
    execution_id: str | None
    attempts: int
    """Attempts counted so far: for a claimed job, the claims, this one included; for
    a taken job, the failed attempts before (see :func:`failed`)."""
    max_attempts: int


@dataclasses.dataclass(frozen=True)
class Job(_Queued):
    """A claimed job, as its holder sees it."""

    lease_owner: str
    lease_epoch: int
    """Name it in every write: a stale epoch raises :class:`errors.LeaseLost`."""
    lease_expires_at: dt.datetime
    run_at: dt.datetime

    @property
    def exhausted(self) -> bool:
        """True when this claim is beyond ``max_attempts`` (the holder should give up)."""
        return self.attempts > self.max_attempts


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: dt.datetime | None = None,
    delay: float = 0.0,
    execution_id: str | None = None,
    dedup_key: str | None = None,
    max_attempts: int = 10,
) -> int | None:
    """Add a job in the caller's transaction; its id, or ``None`` for a duplicate.

    It becomes due at ``run_at`` if given, else at the database's ``now + delay``.
    A ``dedup_key`` already queued makes this a no-op (a replayed step enqueues once).
    """
    values: dict[str, Any] = {
        "kind": kind,
        "payload": payload,
        "run_at": run_at if run_at is not None else dialects.utcnow(delay or None),
        "execution_id": execution_id,
        "dedup_key": dedup_key,
        "max_attempts": max_attempts,
    }
    if dedup_key is None:
        new_id = session.execute(sa.insert(_T).values(values).returning(_T.c.id)).scalar_one()
    else:
        new_id = dialects.insert_ignore(session, _T, values)
    return cast("int | None", new_id)


@dataclasses.dataclass(frozen=True)
class NewJob:
    """A job to add with :func:`enqueue_many`."""

    kind: str
    payload: dict[str, Any]
    execution_id: str | None = None
    dedup_key: str | None = None
    """A key already queued makes this job a no-op (a replayed step enqueues once)."""
    run_at: dt.datetime | None = None
    """When it becomes due; ``None``: now, on the database's clock."""


_NEW_FIELDS = tuple(f.name for f in dataclasses.fields(NewJob))


def enqueue_many(session: Session, new: Sequence[NewJob]) -> None:
    """Add ``new`` jobs in the caller's transaction, in one statement (duplicates of
    queued ``dedup_key`` skipped), and wake idle workers once it commits."""
    if not new:
        return
    rows = [{f: v for f in _NEW_FIELDS if (v := getattr(j, f)) is not None} for j in new]
    dialects.insert_many(session, _T, rows, skip_duplicates=True)
    notify(session)


def notify(session: Session) -> None:
    """Wake idle workers once this transaction commits."""
    dialects.notify(session, CHANNEL)


def _free_due(now: Any, table: sa.FromClause = _T) -> sa.ColumnElement[bool]:
    """Free and due: what a take looks for, and a claim first."""
    return sa.and_(table.c.lease_owner.is_(None), table.c.run_at <= now)


def _lease_expired(now: Any) -> sa.ColumnElement[bool]:
    return sa.and_(_T.c.lease_owner.is_not(None), _T.c.lease_expires_at <= now)


# Taken and completed jobs leave dead entries in the indexes until a vacuum: thousands
# after a busy minute. A bitmap scan (what PostgreSQL makes of ``free OR expired``)
# visits every one of them again at each claim; a plain index scan read in the index's
# order marks them dead as it passes and stops at the first live entries it needs. So
# takes and claims read each index in its order: free jobs by (kind, run_at, id),
# leased ones by (kind, lease_expires_at).


def _claim_statement(*, by_kind: bool) -> sa.Update:
    """``UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP LOCKED) RETURNING``, built once:
    a worker claims at every wake-up, and building the expression costs more than
    running it. Jobs whose lease expired come first (their holder died: they are the
    oldest work), then free due jobs, each read in its index's order (see above; in
    order for one kind, which is what a worker claims: actions)."""
    now = dialects.utcnow()
    limit: sa.BindParameter[int] = sa.bindparam("limit")
    kind_first = [_T.c.kind] if by_kind else []
    parts = [
        sa.select(_T.c.id).where(_lease_expired(now)).order_by(*kind_first, _T.c.lease_expires_at),
        sa.select(_T.c.id).where(_free_due(now)).order_by(*kind_first, _T.c.run_at, _T.c.id),
    ]
    if by_kind:
        kinds: sa.BindParameter[list[str]] = sa.bindparam("kinds", expanding=True)
        parts = [p.where(_T.c.kind.in_(kinds)) for p in parts]
    locked = [p.limit(limit).with_for_update(skip_locked=True).subquery() for p in parts]
    picked = sa.union_all(*(sa.select(p.c.id) for p in locked)).subquery()
    return (
        sa.update(_T)
        .where(_T.c.id.in_(sa.select(picked.c.id).limit(limit).scalar_subquery()))
        .values(
            lease_owner=sa.bindparam("owner"),
            lease_expires_at=dialects.utcnow(sa.bindparam("lease", type_=sa.Float)),
            lease_epoch=_T.c.lease_epoch + 1,
            attempts=_T.c.attempts + 1,
        )
        .returning(*(_T.c[f.name] for f in dataclasses.fields(Job)))
    )


_CLAIM = {False: _claim_statement(by_kind=False), True: _claim_statement(by_kind=True)}


def claim(
    session: Session,
    owner: str,
    limit: int,
    lease_seconds: float,
    kinds: Sequence[str] | None = None,
) -> list[Job]:
    """Lease up to ``limit`` due jobs to ``owner`` (oldest ``run_at`` first).

    Two claimers never get the same job: PostgreSQL skips rows another claim holds
    (``FOR UPDATE SKIP LOCKED``), SQLite runs one write transaction at a time.
    """
    params: dict[str, Any] = {"owner": owner, "limit": limit, "lease": lease_seconds}
    if kinds is not None:
        params["kinds"] = list(kinds)
    found = dialects.connection(session).execute(_CLAIM[kinds is not None], params)
    jobs = [Job(**row._asdict()) for row in found]
    return sorted(jobs, key=lambda j: (j.run_at, j.id))


@dataclasses.dataclass(frozen=True)
class Taken(_Queued):
    """A job taken by :func:`take`: it is gone once the taking transaction commits."""

    more: bool
    """Whether another job of the same kind was due when this one was taken."""


def _take_statement(*, sqlite: bool) -> tuple[sa.ClauseElement, sa.Select[Any]]:
    """``DELETE .. WHERE id = (SELECT .. FOR UPDATE SKIP LOCKED) RETURNING``, and the
    query telling whether more is due, built once. On PostgreSQL the query travels in
    the ``RETURNING`` clause; SQLite renders the columns of a subquery there without
    their table, so it gets a statement of its own (a local call)."""
    kind: sa.BindParameter[str] = sa.bindparam("kind")
    picked = (
        sa.select(_T.c.id)
        .where(_free_due(dialects.utcnow()), _T.c.kind == kind)
        .order_by(_T.c.run_at, _T.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    other = _T.alias("other")
    due = sa.and_(other.c.kind == kind, _free_due(dialects.utcnow(), other))
    fields = [_T.c[f.name] for f in dataclasses.fields(Taken) if f.name != "more"]
    take = sa.delete(_T).where(_T.c.id == picked)
    if sqlite:
        return take.returning(*fields, sa.false()), sa.select(sa.exists().where(due))
    more = sa.exists().where(other.c.id != _T.c.id, due)
    return take.returning(*fields, more), sa.select(sa.false())


_TAKE = {False: _take_statement(sqlite=False), True: _take_statement(sqlite=True)}


def take(session: Session, kind: str) -> Taken | None:
    """Take the oldest due free job of ``kind`` in the caller's transaction, or ``None``
    (a job of ``kind`` under a lease is its claimer's).

    The job is deleted, so it is done when the transaction commits. Until then its row
    lock keeps every other taker and claimer off it (``SKIP LOCKED``; SQLite runs one
    write transaction at a time); a rollback gives it back, due at once.
    """
    sqlite = dialects.connection(session).dialect.name == "sqlite"
    stmt, more_query = _TAKE[sqlite]
    params = {"kind": kind}
    found = dialects.fetch_first(session, stmt, params)
    if found is None:
        return None
    job_id, kind, payload, execution_id, attempts, max_attempts, more = found
    if sqlite:
        more = dialects.connection(session).execute(more_query, params).scalar()
    return Taken(job_id, kind, payload, execution_id, attempts, max_attempts, more=bool(more))


def failed(session: Session, taken: Taken, *, delay: float) -> bool:
    """Count a failed attempt of a taken job whose transaction was rolled back: due again
    ``delay`` seconds from now, or deleted once beyond ``max_attempts``. True when it was
    deleted (given up); False also when another worker holds it meanwhile."""
    conn = dialects.connection(session)
    if taken.attempts + 1 >= taken.max_attempts:
        return bool(conn.execute(_GIVE_UP, {"job_id": taken.id}).rowcount)
    conn.execute(_FAILED, {"job_id": taken.id, "delay": delay})
    return False


_FREE = sa.and_(_T.c.id == sa.bindparam("job_id"), _T.c.lease_owner.is_(None))
_GIVE_UP = sa.delete(_T).where(_FREE)
_FAILED = (
    sa.update(_T)
    .where(_FREE)
    .values(
        attempts=_T.c.attempts + 1,
        run_at=dialects.utcnow(sa.bindparam("delay", type_=sa.Float)),
    )
)


def _held(job_id: int, owner: str, epoch: int) -> sa.ColumnElement[bool]:
    return sa.and_(_T.c.id == job_id, _T.c.lease_owner == owner, _T.c.lease_epoch == epoch)


_HELD = sa.and_(
    _T.c.id == sa.bindparam("job_id"),
    _T.c.lease_owner == sa.bindparam("holder"),
    _T.c.lease_epoch == sa.bindparam("epoch"),
)
_HEARTBEAT = (
    sa.update(_T)
    .where(_HELD)
    .values(lease_expires_at=dialects.utcnow(sa.bindparam("lease", type_=sa.Float)))
)
_COMPLETE = sa.delete(_T).where(_HELD)
"""The statements every job runs, built once (see :func:`_claim_statement`)."""


def _write(
    session: Session, stmt: sa.Update | sa.Delete, job_id: int, params: dict[str, Any] | None = None
) -> None:
    if dialects.connection(session).execute(stmt, params).rowcount == 0:
        raise errors.LeaseLost(f"Lease of job {job_id} is no longer held")


def heartbeat(session: Session, job_id: int, owner: str, epoch: int, lease_seconds: float) -> None:
    """Extend the lease to ``now + lease_seconds``; :class:`errors.LeaseLost` if lost."""
    params = {"job_id": job_id, "holder": owner, "epoch": epoch, "lease": lease_seconds}
    _write(session, _HEARTBEAT, job_id, params)


def complete(session: Session, job_id: int, owner: str, epoch: int) -> None:
    """Delete the finished job; :class:`errors.LeaseLost` if the lease was taken over."""
    _write(session, _COMPLETE, job_id, {"job_id": job_id, "holder": owner, "epoch": epoch})


def release(session: Session, job_id: int, owner: str, epoch: int) -> None:
    """Give the job back unstarted (e.g. on shutdown): due now, the attempt not counted."""
    stmt = (
        sa.update(_T)
        .where(_held(job_id, owner, epoch))
        .values(lease_owner=None, lease_expires_at=None, attempts=_T.c.attempts - 1)
    )
    _write(session, stmt, job_id)


def retry_later(
    session: Session, job_id: int, owner: str, epoch: int, *, delay: float, payload: Any = None
) -> None:
    """Free the job and make it due again ``delay`` seconds from now (optionally new payload)."""
    values: dict[str, Any] = {
        "lease_owner": None,
        "lease_expires_at": None,
        "run_at": dialects.utcnow(delay),
    }
    if payload is not None:
        values["payload"] = payload
    _write(session, sa.update(_T).where(_held(job_id, owner, epoch)).values(values), job_id)


def next_run_at(
    session: Session, kinds: Sequence[str] | None = None
) -> tuple[dt.datetime | None, dt.datetime]:
    """``(when the next job becomes claimable or None, the database's now)``.

    The difference is how long an idle worker may sleep, measured on one clock.
    """
    if kinds is None:
        earliest, now = dialects.connection(session).execute(_NEXT_RUN_AT).one()
        return earliest, now
    *firsts, now = dialects.connection(session).execute(_next_run_at_of(tuple(kinds))).one()
    return min((f for f in firsts if f is not None), default=None), now


_WHEN = sa.case((_T.c.lease_owner.is_(None), _T.c.run_at), else_=_T.c.lease_expires_at)
_NEXT_RUN_AT = sa.select(sa.func.min(_WHEN), dialects.utcnow())


@functools.cache
def _next_run_at_of(kinds: tuple[str, ...]) -> sa.Select[Any]:
    """For each kind, the first due time of its free jobs and the first lease expiry of
    its leased ones, then the clock: each a ``min`` PostgreSQL reads off the first entry
    of an index (see the indexes' order above), whatever the number of jobs queued."""
    firsts = []
    for kind in kinds:
        of_kind = _T.c.kind == sa.literal(kind)
        free = sa.select(sa.func.min(_T.c.run_at)).where(of_kind, _T.c.lease_owner.is_(None))
        leased = sa.select(sa.func.min(_T.c.lease_expires_at)).where(
            of_kind, _T.c.lease_owner.is_not(None)
        )
        firsts += [free.scalar_subquery(), leased.scalar_subquery()]
    return sa.select(*firsts, dialects.utcnow())


_DUE = sa.select(sa.func.count()).select_from(
    sa.select(_T.c.id)
    .where(_free_due(dialects.utcnow()), _T.c.kind == sa.bindparam("kind"))
    .limit(sa.bindparam("most"))
    .with_for_update(skip_locked=True)
    .subquery()
)


def count_due(session: Session, kind: str, most: int) -> int:
    """How many jobs of ``kind`` are due now and free to take, counting at most ``most``.

    Jobs being taken by a transaction in progress are not counted (``SKIP LOCKED``; on
    SQLite no other write transaction runs meanwhile): a worker starts one step runner
    per job it counts, and would otherwise start runners for work already running."""
    found = dialects.connection(session).execute(_DUE, {"kind": kind, "most": most})
    return int(found.scalar_one())


def seconds_until_next(session: Session, kinds: Sequence[str] | None = None) -> float | None:
    """Seconds until a job becomes claimable (0 if one is due), ``None`` if none queued."""
    earliest, now = next_run_at(session, kinds)
    if earliest is None:
        return None
    return max(0.0, (earliest - now).total_seconds())
