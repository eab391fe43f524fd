"""Errors: handled by ``on-error``, or failing the execution with a state_info."""

from __future__ import annotations

from .conftest import Harness

HANDLED = """
version: '2.0'
handled:
  output:
    recovered: <% $.recovered %>
  tasks:
    boom:
      action: std.fail error_data='broken'
      publish-on-error: {why: <% task().result %>}
      on-error: [recover]
    recover:
      action: std.echo output=<% 'after ' + $.why %>
      publish: {recovered: <% task().result %>}
"""

UNHANDLED = """
version: '2.0'
unhandled:
  tasks:
    first:
      action: std.echo output=1
      on-success: [boom]
    boom:
      action: std.fail
    never:
      action: std.noop
"""


def test_on_error_runs_the_handler(harness: Harness) -> None:
    """A failing task with on-error continues to its handler; the execution succeeds."""
    run = harness.execute(HANDLED)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"recovered": "after broken"}
    assert run.task("boom").state == "ERROR"
    assert run.task("recover").state == "SUCCESS"
    [failed] = run.actions_of("boom")
    assert failed.state == "ERROR"
    assert failed.output == {"result": "broken"}


def test_unhandled_error_fails_the_execution(harness: Harness) -> None:
    """Without on-error the execution ends in ERROR naming the task and its error."""
    run = harness.execute(UNHANDLED)
    assert run.state == "ERROR"
    info = run.execution.state_info or ""
    assert "boom" in info
    assert "Fail action expected exception." in info
    assert run.task("boom").state == "ERROR"
    assert run.task("first").state == "SUCCESS"
    assert run.execution.finished_at is not None
    assert harness.jobs_left(run.execution.id) == 0
