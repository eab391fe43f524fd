"""wait-before delays the action; wait-after delays the task's completion."""

from __future__ import annotations

import datetime as dt

from .conftest import Harness

WAITS = """
version: '2.0'
waits:
  tasks:
    before:
      wait-before: 0.2
      action: std.noop
      on-success: [after]
    after:
      wait-after: 0.2
      action: std.noop
"""


def test_wait_before_and_after(harness: Harness) -> None:
    """The action of ``before`` starts >= 0.2 s after its task; ``after`` ends >= 0.2 s after its action."""
    run = harness.execute(WAITS)
    assert run.state == "SUCCESS", run.execution.state_info
    wait = dt.timedelta(seconds=0.2)
    before = run.task("before")
    [first] = run.actions_of("before")
    assert before.started_at is not None
    assert first.started_at is not None
    assert first.started_at - before.started_at >= wait
    after = run.task("after")
    [second] = run.actions_of("after")
    assert after.finished_at is not None
    assert second.finished_at is not None
    assert after.finished_at - second.finished_at >= wait
