"""SkipTask moves a task in ERROR to SKIPPED and refuses anything else."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.engine import events
from meltemi.testing import Driver, load

SPEC, _ = load("""
version: '2.0'
skippable:
  tasks:
    bad:
      action: std.fail
      on-skip: after
    after:
      action: std.noop
      pause-before: true
""")


def _failed() -> Driver:
    driver = Driver(SPEC)
    driver.start({})
    driver.run()
    return driver


def test_skip_records_error_to_skipped() -> None:
    """Skipping writes an ERROR -> SKIPPED history record saying the task was skipped."""
    driver = _failed()
    bad = driver.root.task_executions("bad")[0]
    driver.send(events.SkipTask(bad.id))
    record = driver.run()
    moves = [
        (h.old_state, h.new_state, h.state_info) for h in record.history if h.entity_id == bad.id
    ]
    assert moves[-1] == ("ERROR", "SKIPPED", "Task was skipped.")
    assert record.status == "PAUSED"  # the on-skip target pauses before it runs


def test_skip_refuses_a_task_not_in_error() -> None:
    """A task that is not in ERROR (here already SKIPPED) can not be skipped."""
    driver = _failed()
    bad = driver.root.task_executions("bad")[0]
    driver.send(events.SkipTask(bad.id))
    driver.run()
    driver.send(events.SkipTask(bad.id))
    with pytest.raises(errors.EngineError, match="Only a task execution in ERROR"):
        driver.run()


def test_skip_refuses_a_paused_execution() -> None:
    """Like Mistral, a paused execution does not skip or rerun tasks until resumed."""
    driver = Driver(
        load("""
version: '2.0'
two:
  tasks:
    bad:
      action: std.fail
    held:
      action: std.noop
      pause-before: true
""")[0]
    )
    driver.start({})
    driver.run()
    assert driver.root.state == "PAUSED"
    bad = driver.root.task_executions("bad")[0]
    driver.send(events.SkipTask(bad.id))
    with pytest.raises(errors.EngineError, match="PAUSED"):
        driver.run()
