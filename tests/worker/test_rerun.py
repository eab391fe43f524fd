"""Rerunning a failed task through control.rerun_task continues the execution."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.worker import control

from .conftest import FINAL, Calls, Harness

RERUN = """
version: '2.0'
rerunnable:
  output:
    got: <% $.got %>
  tasks:
    flaky:
      action: test.count value='r' fail_times=1
      publish: {got: <% task().result %>}
      on-success: [after]
    after:
      action: std.echo output='done'
"""


def test_rerun_failed_task_succeeds(harness: Harness, calls: Calls) -> None:
    """The first run fails; the rerun runs the action again and the execution succeeds."""
    run = harness.execute(RERUN)
    assert run.state == "ERROR"
    flaky = run.task("flaky")
    assert flaky.state == "ERROR"
    control.rerun_task(harness.rt, flaky.id)
    run = harness.run(run.execution.id, FINAL)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"got": "r"}
    assert calls.seen == ["r", "r"]
    assert [a.state for a in run.actions_of("flaky")] == ["ERROR", "SUCCESS"]
    assert run.task("after").state == "SUCCESS"


def test_rerun_of_successful_task_is_refused(harness: Harness) -> None:
    """Only a task in ERROR can be rerun."""
    run = harness.execute(RERUN)
    control.rerun_task(harness.rt, run.task("flaky").id)
    run = harness.run(run.execution.id, FINAL)
    with pytest.raises(errors.Conflict):
        control.rerun_task(harness.rt, run.task("after").id)
