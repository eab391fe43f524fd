"""pause-before pauses the execution before the task; resume runs it."""

from __future__ import annotations

from meltemi.worker import control

from .conftest import FINAL, Harness

PAUSE_BEFORE = """
version: '2.0'
gated:
  output:
    said: <% $.said %>
  tasks:
    first:
      action: std.echo output=1
      on-success: [gate]
    gate:
      pause-before: true
      action: std.echo output=<% env().word %>
      publish: {said: <% task().result %>}
"""


def test_pause_before_then_resume_with_env(harness: Harness) -> None:
    """The execution pauses with ``gate`` not run; resume (new env) runs it to SUCCESS."""
    run = harness.execute(PAUSE_BEFORE, params={"env": {"word": "old"}})
    assert run.state == "PAUSED"
    assert run.actions_of("gate") == []
    assert run.task("first").state == "SUCCESS"
    control.set_execution_state(harness.rt, run.execution.id, state="RUNNING", env={"word": "new"})
    run = harness.run(run.execution.id, FINAL)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"said": "new"}
    assert [a.state for a in run.actions_of("gate")] == ["SUCCESS"]
