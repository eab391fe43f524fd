"""An execution runs the spec it started with: updating its workflow meanwhile changes
the executions started after the update, not the one running (as in Mistral)."""

from __future__ import annotations

import sqlalchemy as sa

from meltemi import lang
from meltemi.store import models, rows
from meltemi.worker import catalog, control

from .conftest import Harness

BEFORE = """
version: '2.0'
evolving:
  output:
    said: <% $.said %>
  tasks:
    wait:
      action: std.async_noop
      on-success: [say]
    say:
      action: std.echo
      input:
        output: before
      publish:
        said: <% task().result %>
"""
AFTER = BEFORE.replace("output: before", "output: after")


def _update(harness: Harness, text: str) -> None:
    (spec,) = lang.load_workflows(text)
    with harness.db.transaction() as session:
        row = rows.find_one(session, models.WorkflowDefinition, name="evolving")
        rows.update(session, row, definition=text, spec=catalog.spec_json(spec))


def _answer(harness: Harness, execution_id: str) -> None:
    with harness.db.transaction(readonly=True) as session:
        (waiting,) = session.scalars(
            sa.select(models.ActionExecution.id).where(
                models.ActionExecution.workflow_execution_id == execution_id,
                models.ActionExecution.state == "RUNNING",
            )
        ).all()
    control.complete_action(harness.rt, waiting, state="SUCCESS", output=None)


def test_running_execution_keeps_its_spec(harness: Harness) -> None:
    """The execution started before the update says 'before'; one started after, 'after'."""
    harness.workflows(BEFORE)
    old = harness.start("evolving")
    harness.drive(lambda: harness.jobs_left(old) == 0)  # it waits for its answer
    _update(harness, AFTER)
    new = harness.start("evolving")
    harness.drive(lambda: harness.jobs_left(new) == 0)
    for execution_id in (old, new):
        _answer(harness, execution_id)
    assert harness.run(old).output == {"said": "before"}
    assert harness.run(new).output == {"said": "after"}


def test_a_fresh_worker_reads_the_snapshot_from_the_execution(harness: Harness) -> None:
    """A worker that never saw the old definition (an empty spec cache, as after a
    restart) still runs the execution's own spec."""
    harness.workflows(BEFORE)
    old = harness.start("evolving")
    harness.drive(lambda: harness.jobs_left(old) == 0)
    _update(harness, AFTER)
    harness.rt.catalog = catalog.Catalog(harness.rt.catalog.registry)
    _answer(harness, old)
    assert harness.run(old).output == {"said": "before"}
