"""A worker process for the crash and multi-process tests (run as a subprocess).

Usage: ``python crash_driver.py DB_URL SIDE_DIR [EXECUTION_ID]``. Runs a Worker
(``lease_seconds=1``) with the std actions plus ``test.append``, until EXECUTION_ID is
final (or, without one, until no execution is RUNNING). It talks to the test over
stdout, one JSON object a line: ``{"event": "status", ...}`` after every job,
``{"event": "blocked", "key": ...}`` when ``test.append`` blocks. Every job it starts
is appended to ``SIDE_DIR/jobs.log``.

``test.append(key, block=False)`` appends ``start <action id>`` to
``SIDE_DIR/side.log``; with ``block`` it then waits until ``SIDE_DIR/release-<key>``
exists; then it appends ``done <action id>`` and returns ``key``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import sqlalchemy as sa

from meltemi import actions
from meltemi.settings import Settings
from meltemi.store import db as store_db
from meltemi.store import dialects, jobs, models
from meltemi.worker import catalog, loop, step

FINAL = ("SUCCESS", "ERROR", "CANCELLED")


def say(**fields: Any) -> None:
    """One JSON line to the test."""
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def append_line(path: Path, line: str) -> None:
    """Append one line in a single write (atomic between processes with O_APPEND)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def append_action(side: Path) -> actions.ActionDef:
    """The ``test.append`` action writing to ``side``."""

    @actions.action(name="test.append")
    async def append(key: str, block: bool = False, ctx: Any = None) -> str:
        action_id = ctx.action_execution_id if ctx is not None else "?"
        append_line(side / "side.log", f"start {action_id}")
        if block:
            say(event="blocked", key=key, action=action_id)
            while not (side / f"release-{key}").exists():  # noqa: ASYNC110 - the release is a file the test creates
                await anyio.sleep(0.05)
        append_line(side / "side.log", f"done {action_id}")
        return key

    return actions.definition_of(append)


class LoggingWorker(loop.Worker):
    """A Worker that records every job it starts (leased) or ran (a step job, done by
    the commit of its step)."""

    log_path: Path

    async def _run(self, job: jobs.Job) -> None:
        append_line(self.log_path, f"{job.id} {job.kind} {job.lease_epoch}")
        await super()._run(job)

    def _stepped(self, taken: jobs.Taken) -> None:
        append_line(self.log_path, f"{taken.id} {taken.kind}")


def status(database: store_db.Database, execution_id: str | None) -> bool:
    """Report the state to the test; True when the worker may stop."""
    wf = models.WorkflowExecution
    with database.transaction(readonly=True) as session:
        queued = session.scalar(sa.select(sa.func.count()).select_from(models.JobRow)) or 0
        if execution_id is None:
            running = session.scalar(
                sa.select(sa.func.count()).select_from(wf).where(wf.state.not_in(FINAL))
            )
            say(event="status", running=running, jobs=queued)
            return running == 0
        state = session.scalar(sa.select(wf.state).where(wf.id == execution_id))
        timers = session.scalar(
            sa.select(sa.func.count())
            .select_from(models.JobRow)
            .where(models.JobRow.run_at > dialects.utcnow())
            .where(models.JobRow.lease_owner.is_(None))
        )
    say(event="status", state=state, jobs=queued, timers=timers)
    return state in FINAL


async def run(worker: LoggingWorker, done: Callable[[], bool]) -> None:
    """Run ``worker`` until ``done()``; also checked while idle, since another
    process may finish the last job."""

    async def watch() -> None:
        while not done():  # noqa: ASYNC110 - another process may finish the work
            await anyio.sleep(0.2)
        worker.stop()

    async with anyio.create_task_group() as tg:
        tg.start_soon(watch)
        await worker.run(done)
        tg.cancel_scope.cancel()


def main() -> None:
    """Run the worker described by the command line."""
    url, side = sys.argv[1], Path(sys.argv[2])
    execution_id = sys.argv[3] if len(sys.argv) > 3 else None
    database = store_db.open_database(url)
    registry = actions.Registry.default(plugins=False)
    registry.add(append_action(side))
    # A crash test reclaims a dead process's leases fast; live processes keep theirs.
    lease = 1.0 if execution_id is not None else 30.0
    settings = Settings(db_url=url, lease_seconds=lease, poll_seconds=0.2, worker_concurrency=8)
    rt = step.Runtime(db=database, settings=settings, catalog=catalog.Catalog(registry))
    worker = LoggingWorker(rt)
    worker.log_path = side / "jobs.log"
    say(event="ready", pid=os.getpid())
    if not status(database, execution_id):
        anyio.run(run, worker, lambda: status(database, execution_id))
    say(event="finished")
    database.close()


if __name__ == "__main__":
    main()
