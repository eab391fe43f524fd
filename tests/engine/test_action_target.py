"""RunAction carries the task's evaluated ``target`` for the worker."""

from __future__ import annotations

from meltemi.engine import commands
from meltemi.testing import run_until_done

TEXT = """
version: '2.0'
targeted:
  input: [host]
  tasks:
    pinned:
      action: std.noop
      target: <% $.host %>-executor
      on-success: anywhere
    anywhere:
      action: std.noop
"""


def test_target_is_evaluated_and_carried() -> None:
    """A task's target expression is evaluated; a task without target carries None."""
    record = run_until_done(TEXT, {"host": "db1"})
    runs = {c.task_name: c.target for c in record.commands if isinstance(c, commands.RunAction)}
    assert runs == {"pinned": "db1-executor", "anywhere": None}
