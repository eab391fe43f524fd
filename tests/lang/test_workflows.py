"""Workflow documents parse into WorkflowSpec with every key normalized."""

from __future__ import annotations

import textwrap

from meltemi import lang
from meltemi.lang import spec

FULL = textwrap.dedent(
    """\
    version: '2.0'
    wf1:
      type: direct
      description: The first one
      tags: [a, b]
      input:
        - x
        - y: 2
        - z: {k: v}
      output:
        out: <% $.x %>
      output-on-error:
        err: <% $.e %>
      vars:
        v: 1
      tasks:
        t1:
          description: do it
          action: std.echo output=<% $.x %>
          publish:
            p: <% task().result %>
          publish-on-error:
            e: oops
          keep-result: false
          target: <% $.host %>
          safe-rerun: true
          pause-before: <% $.stop %>
          wait-before: 1
          wait-after: 2.5
          timeout: <% $.t %>
          concurrency: 3
          fail-on: true
          on-success: t2
        t2:
          workflow: sub a=1
          input:
            b: 2
          join: all
    wf2:
      type: reverse
      tasks:
        a: {action: std.noop}
        b:
          requires: a
    """
)


def _first() -> spec.WorkflowSpec:
    return lang.load_workflows(FULL)[0]


def test_several_workflows_in_document_order() -> None:
    """One document can hold several workflows; they come back in order."""
    text = FULL
    names = [wf.name for wf in lang.load_workflows(text, namespace="ns")]
    assert names == ["wf1", "wf2"]
    assert {wf.namespace for wf in lang.load_workflows(text, namespace="ns")} == {"ns"}


def test_workflow_level_keys() -> None:
    """type, description, tags, input, output, output-on-error and vars are kept."""
    wf = _first()
    assert (wf.type, wf.description, wf.tags, wf.version) == (
        "direct",
        "The first one",
        ("a", "b"),
        "2.0",
    )
    assert wf.input == (
        spec.InputParam(name="x"),
        spec.InputParam(name="y", has_default=True, default=2),
        spec.InputParam(name="z", has_default=True, default={"k": "v"}),
    )
    assert wf.output == {"out": "<% $.x %>"}
    assert wf.output_on_error == {"err": "<% $.e %>"}
    assert wf.vars == {"v": 1}
    assert wf.workbook is None


def test_task_level_keys() -> None:
    """Every task key is normalized into the spec field of the same meaning."""
    t1 = _first().tasks["t1"]
    assert (t1.action, t1.workflow, t1.input) == ("std.echo", None, {"output": "<% $.x %>"})
    assert t1.description == "do it"
    assert t1.publish == spec.Publish(branch={"p": "<% task().result %>"})
    assert t1.publish_on_error == spec.Publish(branch={"e": "oops"})
    assert (t1.keep_result, t1.target, t1.safe_rerun) == (False, "<% $.host %>", True)
    assert (t1.pause_before, t1.wait_before, t1.wait_after) == ("<% $.stop %>", 1, 2.5)
    assert (t1.timeout, t1.concurrency, t1.fail_on) == ("<% $.t %>", 3, "<% true %>")
    assert t1.on_success == spec.OnClause(next=(spec.Transition(target="t2"),))


def test_sub_workflow_task_with_inline_input_and_join() -> None:
    """workflow: name a=1 gives the workflow name and merged input; join is kept."""
    t2 = _first().tasks["t2"]
    assert (t2.action, t2.workflow, t2.input, t2.join) == (None, "sub", {"a": 1, "b": 2}, "all")


def test_task_without_action_runs_noop() -> None:
    """A task with neither action nor workflow runs std.noop."""
    text = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      publish: {a: 1}\n"
    assert lang.load_workflows(text)[0].tasks["t1"].action == "std.noop"


def test_reverse_requires_string_or_list() -> None:
    """requires takes one name or a list of names."""
    text = FULL
    wf2 = lang.load_workflows(text)[1]
    assert wf2.type == "reverse"
    assert wf2.tasks["b"].requires == ("a",)
    listed = text.replace("requires: a", "requires: [a]")
    assert lang.load_workflows(listed)[1].tasks["b"].requires == ("a",)


def test_numeric_version_accepted() -> None:
    """version: 2.0 (a number) is accepted like '2.0'."""
    text = "version: 2.0\nwf:\n  tasks:\n    t1: {action: std.noop}\n"
    assert lang.load_workflows(text)[0].version == "2.0"


def test_expression_action_and_input() -> None:
    """action and input may be expressions; they are kept as text."""
    text = (
        "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: <% $.a %>\n      input: <% $.i %>\n"
    )
    task = lang.load_workflows(text)[0].tasks["t1"]
    assert (task.action, task.input) == ("<% $.a %>", "<% $.i %>")


def test_with_items_forms() -> None:
    """with-items takes one 'x in ...' or a list of them, with expressions or literal lists."""
    text = textwrap.dedent(
        """\
        version: '2.0'
        wf:
          tasks:
            one:
              with-items: x in <% $.xs %>
            many:
              with-items:
                - a in [1, "b"]
                - c in {{ _.cs }}
        """
    )
    wf = lang.load_workflows(text)[0]
    assert wf.tasks["one"].with_items == (spec.WithItem(var="x", source="<% $.xs %>"),)
    assert wf.tasks["many"].with_items == (
        spec.WithItem(var="a", source=[1, "b"]),
        spec.WithItem(var="c", source="{{ _.cs }}"),
    )
