"""Engine commands ``fail``, ``succeed`` and ``pause`` (with resume through control)."""

from __future__ import annotations

from meltemi.worker import control

from .conftest import FINAL, Harness

COMMANDS = """
version: '2.0'
cmds:
  input: [mode]
  tasks:
    t1:
      action: std.echo output=1
      on-complete:
        - fail(msg='mode is one'): <% $.mode = 1 %>
        - succeed: <% $.mode = 2 %>
        - pause: <% $.mode = 3 %>
        - t2
    t2:
      action: std.echo output=2
"""


def test_fail_command_ends_in_error_with_its_message(harness: Harness) -> None:
    """``fail(msg=...)`` ends the execution in ERROR with the message; t2 never runs."""
    run = harness.execute(COMMANDS, {"mode": 1})
    assert run.state == "ERROR"
    assert run.execution.state_info == "mode is one"
    assert [t.name for t in run.tasks] == ["t1"]


def test_succeed_command_ends_in_success(harness: Harness) -> None:
    """``succeed`` ends the execution in SUCCESS before t2."""
    run = harness.execute(COMMANDS, {"mode": 2})
    assert run.state == "SUCCESS"
    assert [t.name for t in run.tasks] == ["t1"]


def test_pause_command_then_resume(harness: Harness) -> None:
    """``pause`` stops at PAUSED; resuming through control runs t2 to SUCCESS."""
    run = harness.execute(COMMANDS, {"mode": 3})
    assert run.state == "PAUSED"
    assert [t.name for t in run.tasks] == ["t1"]
    control.set_execution_state(harness.rt, run.execution.id, state="RUNNING")
    run = harness.run(run.execution.id, FINAL)
    assert run.state == "SUCCESS", run.execution.state_info
    assert [(t.name, t.state) for t in run.tasks] == [("t1", "SUCCESS"), ("t2", "SUCCESS")]
