"""Graph helpers over a workflow spec: edges, start tasks, cycles, closures."""

from __future__ import annotations

import textwrap

from meltemi import lang
from meltemi.lang import graph

DIRECT = textwrap.dedent(
    """\
    version: '2.0'
    wf:
      tasks:
        a:
          on-success: [b, c]
          on-error: [fail]
        b:
          on-complete: d
        c:
          on-success: d
          on-error: d
        d:
          join: all
        e:
          action: std.noop
    """
)


def test_outbound_excludes_commands_and_duplicates() -> None:
    """outbound lists task targets once, in clause order, without engine commands."""
    wf = lang.load_workflows(DIRECT)[0]
    assert graph.outbound(wf.tasks["a"]) == ("b", "c")
    assert graph.outbound(wf.tasks["c"]) == ("d",)


def test_inbound_and_start_tasks() -> None:
    """inbound maps each task to its sources; start tasks have none."""
    wf = lang.load_workflows(DIRECT)[0]
    assert graph.inbound(wf) == {"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c"), "e": ()}
    assert graph.start_tasks(wf) == ("a", "e")


def test_find_cycle() -> None:
    """find_cycle returns the names along a cycle, or None."""
    assert graph.find_cycle({"a": ("b",), "b": ("c",), "c": ()}) is None
    assert graph.find_cycle({"a": ("b",), "b": ("c",), "c": ("b",)}) == ("b", "c", "b")


def test_required_closure_is_dependency_first() -> None:
    """required_closure lists what a reverse target needs, dependencies first."""
    text = "version: '2.0'\nwf:\n  type: reverse\n  tasks:\n    a: {action: std.noop}\n    b: {requires: a}\n    c: {requires: [b, a]}\n    d: {action: std.noop}\n"
    wf = lang.load_workflows(text)[0]
    assert graph.required_closure(wf, "c") == ("a", "b", "c")
    assert graph.required_closure(wf, "d") == ("d",)
