"""executions() sees the stored family of an execution, each execution once."""

from __future__ import annotations

from .conftest import Harness

FAMILY = """
version: '2.0'
fam_parent:
  tasks:
    call:
      workflow: fam_child
      on-success: [inspect]
    inspect:
      action: std.noop
      publish:
        self_count: <% executions(execution().id).len() %>
        children: <% executions(null, execution().id).select($.workflow_name) %>
fam_child:
  tasks:
    t1:
      action: std.noop
"""


def test_executions_counts_self_once_and_finds_children(harness: Harness) -> None:
    """The execution itself appears once; its child is found by root id."""
    run = harness.execute(FAMILY)
    assert run.state == "SUCCESS", run.execution.state_info
    published = run.task("inspect").published
    assert published == {"self_count": 1, "children": ["fam_child"]}
