"""The graph layout: layers follow transitions, loops are marked as back edges."""

from __future__ import annotations

from meltemi import lang
from meltemi.web import graph

WF = """\
version: '2.0'
wf:
  tasks:
    s:
      on-success: [a]
    a:
      on-success: [b, c]
    b:
      on-success: [d]
    c:
      on-error: [d]
    d:
      join: all
      on-complete:
        - a: <% false %>
"""


def test_layers_and_back_edges() -> None:
    """Tasks sit one layer after their latest predecessor; the loop back to a is a back edge."""
    lay = graph.layout(lang.load_workflows(WF)[0])
    layers = {n.name: n.layer for n in lay.nodes}
    assert layers == {"s": 0, "a": 1, "b": 2, "c": 2, "d": 3}
    assert lay.node("b").y != lay.node("c").y
    kinds = {(e.source, e.target): (e.kind, e.back) for e in lay.edges}
    assert kinds == {
        ("s", "a"): ("success", False),
        ("a", "b"): ("success", False),
        ("a", "c"): ("success", False),
        ("b", "d"): ("success", False),
        ("c", "d"): ("error", False),
        ("d", "a"): ("complete", True),
    }
    assert lay.width >= lay.node("d").x + graph.NODE_W
    assert graph.path(lay, lay.edges[0]).startswith("M")
