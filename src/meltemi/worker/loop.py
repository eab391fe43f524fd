"""The worker loop: claim due jobs, run them with bounded concurrency, keep leases alive.

One loop serves the roles of its process: ``engine`` runs step jobs, ``executor`` runs
action jobs. An action job is claimed under a lease, which heartbeats keep while the
action runs. A step job is taken by the step's own transaction (:func:`step.run_next`):
the transaction holds it and completes it, so a step costs one transaction, not two.
The loop sleeps until a commit notifies it (in-process for SQLite, ``LISTEN`` on
PostgreSQL) or until the next timer is due, so the hot path has no polling latency.
While the database is unreachable it keeps trying (:mod:`meltemi.worker.outage`) and
carries on where it was once the database answers.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable

import anyio
import anyio.to_thread

from meltemi import errors
from meltemi.store import dialects, jobs
from meltemi.worker import executor, outage, step

log = logging.getLogger(__name__)

KINDS = {"engine": step.STEP, "executor": step.ACTION}


def owner_name() -> str:
    """A lease owner name unique to this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims and runs jobs until stopped."""

    def __init__(
        self, rt: step.Runtime, *, roles: tuple[str, ...] = ("engine", "executor")
    ) -> None:
        self.rt = rt
        self.owner = owner_name()
        self.kinds = tuple(KINDS[r] for r in roles if r in KINDS)
        self.leased = tuple(k for k in self.kinds if k != step.STEP)
        """The kinds of jobs claimed under a lease (all but steps)."""
        self.inflight: dict[int, jobs.Job] = {}
        """Leased jobs running now, by id."""
        self.stepping = 0
        """Step runners running now (each takes step jobs until none is due)."""
        self.stopping = anyio.Event()
        self.stopped = anyio.Event()
        """Set once :meth:`run` returned (in-flight jobs done)."""
        self._wake = anyio.Event()
        self._until: Callable[[], bool] | None = None

    async def run(self, until: Callable[[], bool] | None = None) -> None:
        """Run until :meth:`stop` is called, or ``until()`` becomes true after a job."""
        self._until = until
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._heartbeats)
                tg.start_soon(self._listen)
                await self._claim_loop(tg)
                tg.cancel_scope.cancel()
        finally:
            self.stopped.set()

    def stop(self) -> None:
        """Stop claiming; in-flight jobs finish first."""
        self.stopping.set()
        self._wake.set()

    async def _claim_loop(self, tg: anyio.abc.TaskGroup) -> None:
        limit = self.rt.settings.worker_concurrency
        backoff = outage.Backoff()
        while not self.stopping.is_set():
            free = limit - len(self.inflight) - self.stepping
            try:
                claimed, steps, wait = await anyio.to_thread.run_sync(self._claim, free)
            except errors.StoreUnavailable as exc:
                await backoff.failed(exc)
                continue
            backoff.succeeded()
            for job in claimed:
                self.inflight[job.id] = job
                tg.start_soon(self._run, job)
            for _ in range(steps):
                self.stepping += 1
                tg.start_soon(self._steps)
            if len(claimed) + steps < free or free <= 0:
                await self._idle(wait)
                if self._idle_now() and self._until is not None and self._until():
                    self.stop()  # another process may have done the work
        while not self._idle_now():
            await self._idle(self.rt.settings.poll_seconds)

    def _idle_now(self) -> bool:
        return not self.inflight and not self.stepping

    def _claim(self, limit: int) -> tuple[list[jobs.Job], int, float]:
        """Up to ``limit`` jobs: the leased ones claimed, how many step runners to start,
        and how long to sleep if that was all there was to do: until the next job is
        due, at most ``poll_seconds`` (one transaction)."""
        settings = self.rt.settings
        with self.rt.db.transaction() as session:
            claimed = (
                jobs.claim(session, self.owner, limit, settings.lease_seconds, self.leased)
                if limit > 0 and self.leased
                else []
            )
            room = limit - len(claimed)
            steps = jobs.count_due(session, step.STEP, room) if room > 0 and self.runs_steps else 0
            if len(claimed) + steps == limit > 0:
                return claimed, steps, 0.0  # more may be due: claim again at once
            due = jobs.seconds_until_next(session, self.kinds)
        wait = settings.poll_seconds if due is None else min(due, settings.poll_seconds)
        return claimed, steps, wait

    @property
    def runs_steps(self) -> bool:
        """Whether this worker runs engine steps."""
        return step.STEP in self.kinds

    async def _idle(self, wait: float) -> None:
        with anyio.move_on_after(wait):
            await self._wake.wait()
        self._wake = anyio.Event()

    async def _listen(self) -> None:
        """Wake the claim loop on every notification; listen again after an outage."""
        backoff = outage.Backoff()
        while True:
            try:
                listener = await anyio.to_thread.run_sync(self.rt.db.listener, jobs.CHANNEL)
                try:
                    await self._notifications(listener, backoff)
                finally:
                    listener.close()
            except errors.StoreUnavailable as exc:
                self._wake.set()  # notifications may have been missed: claim now
                await backoff.failed(exc)

    async def _notifications(self, listener: dialects.Listener, backoff: outage.Backoff) -> None:
        while True:
            woke = await anyio.to_thread.run_sync(listener.wait, 0.5, abandon_on_cancel=True)
            backoff.succeeded()
            if woke:
                self._wake.set()

    async def _steps(self) -> None:
        """Run step jobs, one transaction each, while more are due."""
        try:
            while not self.stopping.is_set():
                taken = await anyio.to_thread.run_sync(step.run_next, self.rt)
                if taken is None:
                    break
                self._stepped(taken)
                if not taken.more:
                    break
        except errors.StoreUnavailable as exc:
            # The job stays due; the claim loop waits for the database.
            log.warning("step left for later: %s", exc, extra={"event": "step_left"})
        except Exception:
            log.exception("step runner failed", extra={"event": "job_failed"})
        finally:
            full = len(self.inflight) + self.stepping >= self.rt.settings.worker_concurrency
            self.stepping -= 1
            if full or self.stopping.is_set():  # the claim loop may be waiting for this
                self._wake.set()
            if self._until is not None and self._until():
                self.stop()

    def _stepped(self, taken: jobs.Taken) -> None:
        """Called after each step job this worker ran (a hook for tests)."""

    async def _run(self, job: jobs.Job) -> None:
        try:
            await executor.run_job(self.rt, job)
        except errors.LeaseLost:
            log.warning("lease lost", extra={"event": "lease_lost", "job": job.id})
        except Exception:
            log.exception("job failed", extra={"event": "job_failed", "job": job.id})
            await self._retry_later(job)
        finally:
            self.inflight.pop(job.id, None)
            self._wake.set()
            if self._until is not None and self._until():
                self.stop()

    async def _retry_later(self, job: jobs.Job) -> None:
        try:
            await anyio.to_thread.run_sync(self._retry, job)
        except (errors.StoreUnavailable, errors.LeaseLost) as exc:
            # Its lease runs out, and the job comes back to a worker then.
            log.warning("job left to its lease: %s", exc, extra={"event": "job_left"})

    def _retry(self, job: jobs.Job) -> None:
        with self.rt.db.transaction() as session:
            if job.exhausted:
                log.error(
                    "job dropped after retries", extra={"event": "job_dropped", "job": job.id}
                )
                jobs.complete(session, job.id, job.lease_owner, job.lease_epoch)
                return
            delay = min(2.0**job.attempts, 60.0)
            jobs.retry_later(session, job.id, job.lease_owner, job.lease_epoch, delay=delay)

    async def _heartbeats(self) -> None:
        lease = self.rt.settings.lease_seconds
        while True:
            await anyio.sleep(lease / 3)
            held = list(self.inflight.values())
            if held:
                await anyio.to_thread.run_sync(self._extend, held, lease)

    def _extend(self, held: list[jobs.Job], lease: float) -> None:
        for job in held:
            try:
                with self.rt.db.transaction() as session:
                    jobs.heartbeat(session, job.id, job.lease_owner, job.lease_epoch, lease)
            except errors.LeaseLost:
                if job.id in self.inflight:  # else it just finished: nothing was lost
                    log.warning("lease lost", extra={"event": "lease_lost", "job": job.id})
            except errors.StoreUnavailable:
                return  # the claim loop reports the outage; the next round tries again
