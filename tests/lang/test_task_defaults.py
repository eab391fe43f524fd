"""task-defaults apply to every task the way Mistral merges them."""

from __future__ import annotations

import textwrap

from meltemi import lang
from meltemi.lang import spec

T = spec.Transition

DIRECT = textwrap.dedent(
    """\
    version: '2.0'
    wf:
      task-defaults:
        retry: count=2 delay=1
        timeout: 10
        wait-before: 1
        fail-on: <% $.bad %>
        safe-rerun: true
        on-error:
          - handler
        on-complete:
          - fail: <% $.m = 1 %>
          - t2: <% $.m = 4 %>
      tasks:
        t1:
          action: std.noop
          timeout: 5
          on-complete: [t2]
        t2:
          action: std.noop
          retry:
            count: 5
            delay: 2
        handler:
          action: std.noop
          on-error:
            publish:
              branch: {x: 1}
    """
)


def _wf() -> spec.WorkflowSpec:
    return lang.load_workflows(DIRECT)[0]


def test_policies_apply_where_task_is_silent() -> None:
    """Policies come from task-defaults unless the task sets them."""
    tasks = _wf().tasks
    assert tasks["t1"].timeout == 5
    assert tasks["t2"].timeout == 10
    assert tasks["t1"].retry == spec.RetrySpec(count=2, delay=1)
    assert tasks["t2"].retry == spec.RetrySpec(count=5, delay=2)
    assert {t.wait_before for t in tasks.values()} == {1}
    assert {t.fail_on for t in tasks.values()} == {"<% $.bad %>"}
    assert {t.safe_rerun for t in tasks.values()} == {True}


def test_task_clause_with_targets_replaces_default() -> None:
    """A task's own clause with targets wins over the default clause."""
    assert _wf().tasks["t1"].on_complete == spec.OnClause(next=(T(target="t2"),))


def test_default_clause_excludes_the_task_itself() -> None:
    """A default transition that targets the task itself is left out for that task."""
    tasks = _wf().tasks
    assert tasks["t2"].on_complete == spec.OnClause(
        next=(T(target="fail", command="fail", condition="<% $.m = 1 %>"),)
    )
    assert tasks["t2"].on_error == spec.OnClause(next=(T(target="handler"),))


def test_clause_without_targets_keeps_publish_and_inherits_targets() -> None:
    """A task clause with only publish keeps it and takes the default targets (minus itself)."""
    handler = _wf().tasks["handler"]
    assert handler.on_error == spec.OnClause(publish=spec.Publish(branch={"x": 1}), next=())


def test_defaults_are_kept_for_display() -> None:
    """The workflow keeps task-defaults as written."""
    defaults = _wf().task_defaults
    assert defaults is not None
    assert defaults.timeout == 10
    assert defaults.on_error == spec.OnClause(next=(T(target="handler"),))


def test_reverse_requires_union_minus_self() -> None:
    """In reverse workflows, requires is the union of task and defaults, minus the task."""
    text = textwrap.dedent(
        """\
        version: '2.0'
        wf:
          type: reverse
          task-defaults:
            requires: [init]
            wait-after: 2
          tasks:
            init:
              action: std.noop
            work:
              requires: other
            other:
              action: std.noop
        """
    )
    tasks = lang.load_workflows(text)[0].tasks
    assert tasks["init"].requires == ()
    assert tasks["work"].requires == ("other", "init")
    assert tasks["other"].requires == ("init",)
    assert {t.wait_after for t in tasks.values()} == {2}


def test_concurrency_default() -> None:
    """concurrency in task-defaults reaches with-items tasks."""
    text = "version: '2.0'\nwf:\n  task-defaults:\n    concurrency: 2\n  tasks:\n    each:\n      with-items: x in [1, 2]\n"
    assert lang.load_workflows(text)[0].tasks["each"].concurrency == 2
