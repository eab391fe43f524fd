"""Deleting an execution takes everything of it: its sub-workflow executions, task and
action executions, history and jobs; a running one only with ``force``."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.store import models, rows
from meltemi.worker import control

from .conftest import Harness

FLOW = """
version: '2.0'
parent:
  tasks:
    call:
      workflow: child
child:
  tasks:
    inner:
      action: std.noop
      on-success: [deeper]
    deeper:
      workflow: grandchild
grandchild:
  tasks:
    leaf:
      action: std.echo output=1
waiting:
  tasks:
    ask:
      action: std.async_noop
"""

KINDS = (models.WorkflowExecution, models.TaskExecution, models.ActionExecution)


def _count(harness: Harness, model: type[models.Base]) -> int:
    with harness.db.transaction(readonly=True) as session:
        return rows.count(session, model, {})


def test_delete_takes_the_whole_tree(harness: Harness) -> None:
    """After deleting the root, no row of the three executions is left."""
    harness.workflows(FLOW)
    run = harness.run(harness.start("parent"))
    assert run.state == "SUCCESS"
    assert _count(harness, models.WorkflowExecution) == 3
    assert _count(harness, models.HistoryStep) > 0
    control.delete_execution(harness.rt, run.execution.id)
    for model in (*KINDS, models.HistoryStep, models.JobRow):
        assert _count(harness, model) == 0, model.__tablename__


def test_running_execution_needs_force(harness: Harness) -> None:
    """A running execution is refused without force; with it, it goes with its jobs."""
    harness.workflows(FLOW)
    execution_id = harness.start("waiting")
    with pytest.raises(errors.Conflict, match="cancel it before deleting"):
        control.delete_execution(harness.rt, execution_id)
    assert harness.jobs_left(execution_id) == 1  # the action job, not yet run
    control.delete_execution(harness.rt, execution_id, force=True)
    for model in (*KINDS, models.HistoryStep, models.JobRow):
        assert _count(harness, model) == 0, model.__tablename__
