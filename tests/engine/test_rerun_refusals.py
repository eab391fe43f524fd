"""RerunTask accepts only a task in ERROR, as Mistral's API does (not CANCELLED)."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.engine import events
from meltemi.testing import Driver, load

SPEC, _ = load("""
version: '2.0'
slow:
  tasks:
    waits:
      action: std.sleep seconds=10
""")


def test_rerun_of_a_cancelled_task_is_refused() -> None:
    """A task cancelled with its execution can not be rerun; the error says its state."""
    driver = Driver(SPEC)
    driver.start({})
    driver.run(timers=False)
    driver.send(events.Cancel())
    record = driver.run(timers=False)
    task = record.task("waits")
    assert task.state == "CANCELLED"
    driver.send(events.RerunTask(task.id))
    with pytest.raises(errors.EngineError, match="it is CANCELLED"):
        driver.run(timers=False)
