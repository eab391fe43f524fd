"""with-items under a concurrency limit: results in item order, never too many at once."""

from __future__ import annotations

import datetime as dt

from meltemi.store import models

from .conftest import Harness

ITEMS = """
version: '2.0'
items:
  input:
    - words: [a, b, c, d, e]
    - delays: [0.15, 0.0, 0.1, 0.0, 0.05]
  output:
    out: <% $.out %>
  tasks:
    each:
      with-items:
        - w in <% $.words %>
        - d in <% $.delays %>
      concurrency: 2
      action: std.echo output=<% $.w %> delay=<% $.d %>
      publish: {out: <% task().result %>}
"""


def _max_overlap(acts: list[models.ActionExecution]) -> int:
    edges: list[tuple[dt.datetime, int]] = []
    for a in acts:
        assert a.started_at is not None
        assert a.finished_at is not None
        edges += [(a.started_at, 1), (a.finished_at, -1)]
    running = peak = 0
    for _, delta in sorted(edges, key=lambda e: (e[0], e[1])):
        running += delta
        peak = max(peak, running)
    return peak


def test_results_in_item_order_under_concurrency(harness: Harness) -> None:
    """Five items finish out of order but the result list follows the items."""
    run = harness.execute(ITEMS)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"out": ["a", "b", "c", "d", "e"]}
    acts = run.actions_of("each")
    assert [a.item_index for a in acts] == [0, 1, 2, 3, 4]
    assert all(a.state == "SUCCESS" for a in acts)
    assert run.task("each").runtime_context["with_items"]["concurrency"] == 2
    assert _max_overlap(acts) <= 2
