"""Cron triggers fire each due tick exactly once, advance, and expire."""

from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa

from meltemi.settings import Settings
from meltemi.store import models, rows
from meltemi.store.db import Database
from meltemi.worker import cron, definitions, step

WORKFLOW = """
version: '2.0'
cron_wf:
  input:
    - who: nobody
  tasks:
    hello:
      action: std.echo output=<% $.who %>
"""


def _setup(db: Database, remaining: int | None) -> step.Runtime:
    rt = step.Runtime.create(db, Settings())
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    with db.transaction() as session:
        definitions.save(session, WORKFLOW)
        rows.create(
            session,
            models.CronTrigger,
            name="every_minute",
            pattern="* * * * *",
            workflow_name="cron_wf",
            workflow_input={"who": "cron"},
            next_execution_time=past,
            remaining_executions=remaining,
        )
    return rt


def _executions(db: Database) -> list[models.WorkflowExecution]:
    with db.transaction(readonly=True) as session:
        return list(session.scalars(sa.select(models.WorkflowExecution)))


def _trigger(db: Database) -> models.CronTrigger | None:
    with db.transaction(readonly=True) as session:
        return rows.find(session, models.CronTrigger, name="every_minute")


def test_a_due_tick_starts_one_execution_with_the_trigger_input(db: Database) -> None:
    """One tick starts one execution of the workflow with the trigger's input."""
    rt = _setup(db, remaining=None)
    assert cron.tick(rt) == 1
    started = _executions(db)
    assert [(e.workflow_name, e.input) for e in started] == [("cron_wf", {"who": "cron"})]
    assert started[0].description == "Started by cron trigger every_minute"


def test_the_next_time_moves_past_now(db: Database) -> None:
    """After firing, next_execution_time is the next minute after now, and a second
    tick right away starts nothing."""
    rt = _setup(db, remaining=None)
    cron.tick(rt)
    trigger = _trigger(db)
    assert trigger is not None
    assert trigger.next_execution_time is not None
    assert trigger.next_execution_time > dt.datetime.now(dt.UTC)
    assert trigger.next_execution_time.second == 0
    assert cron.tick(rt) == 0
    assert len(_executions(db)) == 1


def test_concurrent_schedulers_fire_a_tick_once(db: Database) -> None:
    """Four schedulers ticking at once start exactly one execution."""
    rt = _setup(db, remaining=None)
    barrier = threading.Barrier(4)
    fired: list[int] = []

    def scheduler() -> None:
        barrier.wait()
        fired.append(cron.tick(rt))

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(fired) == [0, 0, 0, 1]
    assert len(_executions(db)) == 1


def test_remaining_executions_count_down_then_the_trigger_goes(db: Database) -> None:
    """A trigger with two remaining executions fires twice, then is deleted."""
    rt = _setup(db, remaining=2)
    cron.tick(rt)
    trigger = _trigger(db)
    assert trigger is not None
    assert trigger.remaining_executions == 1
    with db.transaction() as session:
        row = rows.find(session, models.CronTrigger, name="every_minute")
        assert row is not None
        # A second ago: SQLite's clock counts milliseconds, and a time this process
        # took a few microseconds ago can still be ahead of the database's "now".
        due = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        rows.update(session, row, next_execution_time=due)
    cron.tick(rt)
    assert _trigger(db) is None
    assert len(_executions(db)) == 2


def test_next_time_follows_the_pattern() -> None:
    """next_time gives the first matching instant strictly after the given one."""
    at = dt.datetime(2026, 1, 1, 10, 7, 30, tzinfo=dt.UTC)
    assert cron.next_time("*/15 * * * *", at) == dt.datetime(2026, 1, 1, 10, 15, tzinfo=dt.UTC)
