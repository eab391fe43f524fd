"""Concurrent claimers never get the same job, and together they get every job."""

from __future__ import annotations

import threading
from collections import Counter

from meltemi.store import jobs
from meltemi.store.db import Database


def _drain(db: Database, owner: str, got: list[int], start: threading.Barrier) -> None:
    start.wait()
    while True:
        with db.transaction() as s:
            claimed = jobs.claim(s, owner, limit=3, lease_seconds=60)
        if not claimed:
            return
        got.extend(j.id for j in claimed)


def test_threads_claiming_at_once_share_jobs_without_overlap(db: Database) -> None:
    """Four threads claiming 120 jobs end with each job claimed exactly once."""
    with db.transaction() as s:
        ids = {jobs.enqueue(s, "step", {"n": n}) for n in range(120)}
    results: dict[str, list[int]] = {f"w{i}": [] for i in range(4)}
    start = threading.Barrier(len(results))
    threads = [
        threading.Thread(target=_drain, args=(db, owner, got, start))
        for owner, got in results.items()
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = Counter(i for got in results.values() for i in got)
    assert set(counts) == ids
    assert max(counts.values()) == 1


def test_claim_respects_limit_kinds_and_run_at_order(db: Database) -> None:
    """A claim takes the oldest due jobs of the asked kinds, at most ``limit``."""
    with db.transaction() as s:
        late = jobs.enqueue(s, "step", {}, delay=-5)
        early = jobs.enqueue(s, "step", {}, delay=-10)
        jobs.enqueue(s, "action", {}, delay=-20)
        jobs.enqueue(s, "step", {}, delay=3600)
        jobs.enqueue(s, "step", {})
    with db.transaction() as s:
        claimed = jobs.claim(s, "w", limit=2, lease_seconds=30, kinds=["step"])
    assert [j.id for j in claimed] == [early, late]
    assert all(j.attempts == 1 and j.lease_epoch == 1 and j.lease_owner == "w" for j in claimed)
    assert all(j.lease_expires_at > j.run_at for j in claimed)
