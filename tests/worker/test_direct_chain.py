"""A direct chain runs task after task through store and worker."""

from __future__ import annotations

from .conftest import Harness

CHAIN = """
version: '2.0'
chain:
  input: [start]
  output:
    total: <% $.c %>
  tasks:
    a:
      action: std.echo output=<% $.start + 1 %>
      publish: {a: <% task().result %>}
      on-success: [b]
    b:
      action: std.echo output=<% $.a * 10 %>
      publish: {b: <% task().result %>}
      on-success: [c]
    c:
      action: std.echo output=<% $.b + $.a %>
      publish: {c: <% task().result %>}
"""


def test_chain_runs_in_order_and_outputs(harness: Harness) -> None:
    """Each task sees what the previous one published; the output is the last sum."""
    run = harness.execute(CHAIN, {"start": 1})
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"total": 22}
    assert [t.name for t in run.tasks] == ["a", "b", "c"]
    assert all(t.state == "SUCCESS" for t in run.tasks)
    assert [a.output for a in run.actions] == [{"result": 2}, {"result": 20}, {"result": 22}]
    assert harness.jobs_left(run.execution.id) == 0
