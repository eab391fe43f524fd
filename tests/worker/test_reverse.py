"""A reverse workflow runs only what ``task_name`` requires, dependencies first."""

from __future__ import annotations

from .conftest import Harness

REVERSE = """
version: '2.0'
rev:
  type: reverse
  tasks:
    base:
      action: std.echo output=1
      publish: {base: <% task().result %>}
    left:
      requires: [base]
      action: std.echo output=<% $.base + 1 %>
      publish: {left: <% task().result %>}
    right:
      requires: [base]
      action: std.echo output=<% $.base + 2 %>
      publish: {right: <% task().result %>}
    top:
      requires: [left, right]
      action: std.echo output=<% $.left + $.right %>
      publish: {top: <% task().result %>}
    unrelated:
      action: std.noop
"""


def test_reverse_runs_requirements_of_target(harness: Harness) -> None:
    """Target ``top`` runs after base, left and right; ``unrelated`` never runs."""
    run = harness.execute(REVERSE, params={"task_name": "top"})
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.task("top").published == {"top": 5}
    assert sorted(t.name for t in run.tasks) == ["base", "left", "right", "top"]
    assert run.tasks[0].name == "base"
    assert run.tasks[-1].name == "top"


def test_reverse_partial_target(harness: Harness) -> None:
    """Target ``left`` runs only base and left."""
    run = harness.execute(REVERSE, params={"task_name": "left"})
    assert run.state == "SUCCESS", run.execution.state_info
    assert [t.name for t in run.tasks] == ["base", "left"]
