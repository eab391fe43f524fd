"""The scheduler role: fire cron triggers, each tick exactly once.

A tick locks the due triggers (``SKIP LOCKED`` on PostgreSQL), starts one execution
per trigger and advances ``next_execution_time`` in the same transaction: with several
schedulers, a tick is taken by one of them, and a crash before commit leaves it due.
Ticks live in the database, so they survive restarts.
"""

from __future__ import annotations

import datetime as dt
import logging

import anyio
import anyio.to_thread
import croniter

from meltemi import errors
from meltemi.store import cron_triggers, models, rows
from meltemi.store.db import Session
from meltemi.worker import control, step

log = logging.getLogger(__name__)


def next_time(pattern: str, after: dt.datetime) -> dt.datetime:
    """The first time strictly after ``after`` that matches ``pattern`` (UTC)."""
    upcoming: dt.datetime = croniter.croniter(pattern, after).get_next(dt.datetime)
    return upcoming if upcoming.tzinfo else upcoming.replace(tzinfo=dt.UTC)


def tick(rt: step.Runtime) -> int:
    """Fire every due trigger once; how many executions were started."""
    with rt.db.transaction() as session:
        due = cron_triggers.due(session)
        for trigger in due:
            _fire(session, rt, trigger)
        return len(due)


def _fire(session: Session, rt: step.Runtime, trigger: models.CronTrigger) -> None:
    try:
        with session.begin_nested():
            control.start_in(
                session,
                rt,
                workflow_identifier=trigger.workflow_id or trigger.workflow_name,
                namespace=trigger.workflow_namespace,
                input=dict(trigger.workflow_input or {}),
                params=dict(trigger.workflow_params or {}),
                description=f"Started by cron trigger {trigger.name}",
            )
    except errors.MeltemiError as exc:
        log.warning("cron trigger failed: %s", exc, extra={"event": "cron_failed"})
    _advance(session, trigger)


def _advance(session: Session, trigger: models.CronTrigger) -> None:
    remaining = trigger.remaining_executions
    if remaining is not None and remaining <= 1:
        rows.delete(session, trigger)
        return
    fired_at = trigger.next_execution_time or dt.datetime.now(dt.UTC)
    upcoming = next_time(trigger.pattern, fired_at) if trigger.pattern else None
    now = dt.datetime.now(dt.UTC)
    while upcoming is not None and upcoming <= now:  # skip ticks missed while down
        upcoming = next_time(trigger.pattern or "", upcoming)
    values: dict[str, object] = {"next_execution_time": upcoming}
    if remaining is not None:
        values["remaining_executions"] = remaining - 1
    if upcoming is None:
        rows.delete(session, trigger)
        return
    rows.update(session, trigger, **values)


async def run(rt: step.Runtime, stopping: anyio.Event, period: float = 1.0) -> None:
    """Tick every ``period`` seconds until ``stopping`` is set."""
    while not stopping.is_set():
        try:
            await anyio.to_thread.run_sync(tick, rt)
        except errors.StoreUnavailable as exc:  # due ticks stay due: fired once it is back
            log.warning("cron tick postponed: %s", exc, extra={"event": "cron_tick_postponed"})
        except errors.MeltemiError:
            log.exception("cron tick failed", extra={"event": "cron_tick_failed"})
        with anyio.move_on_after(period):
            await stopping.wait()
