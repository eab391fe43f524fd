"""An asynchronous action waits for its answer through control.complete_action."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.worker import control

from .conftest import FINAL, Harness

ASYNC = """
version: '2.0'
approval:
  output:
    answer: <% $.answer %>
  tasks:
    ask:
      action: std.async_noop
      publish: {answer: <% task().result %>}
"""


def _wait_for_running_action(harness: Harness, execution_id: str) -> str:
    harness.drive(
        lambda: any(
            a.state == "RUNNING" and not a.is_sync for a in harness.load(execution_id).actions
        )
    )
    [act] = harness.load(execution_id).actions
    return act.id


def test_async_action_completed_once(harness: Harness) -> None:
    """The task waits RUNNING until completed; a second completion is a Conflict."""
    ex = harness.start(harness.workflows(ASYNC)[0])
    action_id = _wait_for_running_action(harness, ex)
    assert harness.load(ex).task("ask").state == "RUNNING"
    control.complete_action(harness.rt, action_id, state="SUCCESS", output={"result": "yes"})
    run = harness.run(ex, FINAL)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"answer": "yes"}
    assert run.actions[0].output == {"result": "yes"}
    with pytest.raises(errors.Conflict):
        control.complete_action(harness.rt, action_id, state="ERROR", output="late")
    assert harness.load(ex).state == "SUCCESS"


def test_async_action_completed_with_error(harness: Harness) -> None:
    """Completing with ERROR fails the task and the execution."""
    ex = harness.start(harness.workflows(ASYNC)[0])
    action_id = _wait_for_running_action(harness, ex)
    control.complete_action(harness.rt, action_id, state="ERROR", output="rejected")
    run = harness.run(ex, FINAL)
    assert run.state == "ERROR"
    assert run.task("ask").state == "ERROR"
    assert "rejected" in (run.execution.state_info or "")
