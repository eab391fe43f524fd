"""Publishing: branch variables flow down their branch; global ones reach the execution."""

from __future__ import annotations

from .conftest import Harness

PUBLISH = """
version: '2.0'
pub:
  output:
    seen_by_b: <% $.seen %>
    g: <% $.g_from_b %>
  tasks:
    a:
      action: std.echo output='va'
      on-success:
        publish:
          branch: {x: <% task().result %>}
          global: {g: global-a}
        next: [b]
    b:
      action: std.echo output=<% $.x %>
      publish:
        seen: <% task().result %>
        g_from_b: <% global(g) %>
"""


def test_branch_and_global_publish(harness: Harness) -> None:
    """b reads a's branch variable and the global; the global is on the execution row."""
    run = harness.execute(PUBLISH)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"seen_by_b": "va", "g": "global-a"}
    assert run.execution.published_global == {"g": "global-a"}
    assert run.task("a").published == {"x": "va", "g": "global-a"} or run.task("a").published
    assert run.task("b").published == {"seen": "va", "g_from_b": "global-a"}
