"""Sub-workflows: output flows to the parent, failure propagates, env is inherited."""

from __future__ import annotations

from .conftest import Harness

SUB = """
version: '2.0'
parent:
  input: [fail]
  output:
    child_said: <% $.child %>
  tasks:
    call:
      workflow: child
      input:
        word: hello
        fail: <% $.fail %>
      publish: {child: <% task().result %>}
child:
  input: [word, fail]
  output:
    said: <% $.said %>
    env_seen: <% $.env_seen %>
  tasks:
    say:
      action: std.echo output=<% $.word %>
      publish:
        said: <% task().result %>
        env_seen: <% env().tag %>
      on-success:
        - boom: <% $.fail %>
    boom:
      action: std.fail error_data='child broke'
"""


def test_child_output_and_env_reach_parent(harness: Harness) -> None:
    """The child's output (including the inherited env) is the parent task's result."""
    run = harness.execute(SUB, {"fail": False}, params={"env": {"tag": "blue"}})
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"child_said": {"said": "hello", "env_seen": "blue"}}
    assert run.task("call").type == "WORKFLOW"
    [child] = harness.children(run.execution.id)
    assert child.state == "SUCCESS"
    assert child.execution.parent_task_execution_id == run.task("call").id
    assert child.execution.root_execution_id == run.execution.id
    assert child.execution.params["env"] == {"tag": "blue"}


def test_child_failure_fails_parent(harness: Harness) -> None:
    """A child ending in ERROR fails the calling task and the parent execution."""
    run = harness.execute(SUB, {"fail": True}, params={"env": {"tag": "red"}})
    assert run.state == "ERROR"
    assert run.task("call").state == "ERROR"
    [child] = harness.children(run.execution.id)
    assert child.state == "ERROR"
    assert "child broke" in (child.execution.state_info or "")
    assert "call" in (run.execution.state_info or "")
