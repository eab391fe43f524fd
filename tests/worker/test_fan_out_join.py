"""Fan-out to parallel branches and a ``join: all`` that waits for every one."""

from __future__ import annotations

from .conftest import Harness

FAN = """
version: '2.0'
fan:
  output:
    joined: <% $.joined %>
  tasks:
    start:
      action: std.noop
      on-success: [left, middle, right]
    left:
      action: std.echo output='L' delay=0.2
      publish: {l: <% task().result %>}
      on-success: [join]
    middle:
      action: std.echo output='M'
      publish: {m: <% task().result %>}
      on-success: [join]
    right:
      action: std.echo output='R' delay=0.1
      publish: {r: <% task().result %>}
      on-success: [join]
    join:
      join: all
      action: std.echo output=<% [$.l, $.m, $.r] %>
      publish: {joined: <% task().result %>}
"""


def test_join_all_runs_once_after_every_branch(harness: Harness) -> None:
    """The join task runs once, after all three branches, and sees all their data."""
    run = harness.execute(FAN)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"joined": ["L", "M", "R"]}
    assert sorted(t.name for t in run.tasks) == ["join", "left", "middle", "right", "start"]
    [joined] = run.actions_of("join")
    assert joined.started_at is not None
    branches = [run.task(n) for n in ("left", "middle", "right")]
    assert all(b.finished_at is not None and b.finished_at <= joined.started_at for b in branches)
