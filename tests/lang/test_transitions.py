"""on-success/on-error/on-complete/on-skip in every form Mistral accepts."""

from __future__ import annotations

import textwrap

import pytest

from meltemi import errors, lang
from meltemi.lang import spec

T = spec.Transition


def _clause(clause: str, *, key: str = "on-success") -> spec.OnClause | None:
    text = textwrap.dedent(
        """\
        version: '2.0'
        wf:
          tasks:
            t1:
              action: std.noop
              KEY: CLAUSE
            t2:
              action: std.noop
            t3:
              action: std.noop
        """
    )
    if clause.startswith("\n"):
        clause = "\n" + textwrap.indent(clause[1:], "        ")
    text = text.replace("KEY", key).replace("CLAUSE", clause)
    task = lang.load_workflows(text)[0].tasks["t1"]
    return getattr(task, key.replace("-", "_"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("t2", (T(target="t2"),)),
        ("[t2, t3]", (T(target="t2"), T(target="t3"))),
        (
            "\n- t2: <% $.x > 1 %>\n- t3",
            (T(target="t2", condition="<% $.x > 1 %>"), T(target="t3")),
        ),
        ("{t2: '{{ _.ok }}'}", (T(target="t2", condition="{{ _.ok }}"),)),
        ("fail", (T(target="fail", command="fail"),)),
        ("noop", (T(target="noop", command="noop"),)),
        (
            'fail msg="bad <% $.x %>"',
            (T(target="fail", command="fail", params={"msg": "bad <% $.x %>"}),),
        ),
        (
            "fail msg=<% task().result %>",
            (T(target="fail", command="fail", params={"msg": "<% task().result %>"}),),
        ),
        (
            "\n- fail(msg='mode is 1'): <% $.m = 1 %>",
            (
                T(
                    target="fail",
                    command="fail",
                    condition="<% $.m = 1 %>",
                    params={"msg": "mode is 1"},
                ),
            ),
        ),
        ('succeed(msg="ok")', (T(target="succeed", command="succeed", params={"msg": "ok"}),)),
        ("\n- pause: <% $.p %>", (T(target="pause", command="pause", condition="<% $.p %>"),)),
    ],
)
def test_simple_forms(clause: str, expected: tuple[spec.Transition, ...]) -> None:
    """Names, lists, conditions and engine commands normalize to Transition tuples."""
    assert _clause(clause) == spec.OnClause(next=expected)


@pytest.mark.parametrize("key", ["on-success", "on-error", "on-complete", "on-skip"])
def test_every_clause_key(key: str) -> None:
    """All four clause keys accept the same forms."""
    assert _clause("t2", key=key) == spec.OnClause(next=(T(target="t2"),))


def test_advanced_form_with_publish_and_next() -> None:
    """The advanced form keeps publish scopes and next targets."""
    clause = "\npublish:\n  branch: {a: 1}\n  global: {g: <% $.x %>}\n  atomic: {c: 3}\nnext:\n  - t2: <% $.a %>"
    assert _clause(clause) == spec.OnClause(
        publish=spec.Publish(branch={"a": 1}, global_={"g": "<% $.x %>"}, atomic={"c": 3}),
        next=(T(target="t2", condition="<% $.a %>"),),
    )


def test_advanced_form_without_next() -> None:
    """publish alone is a valid advanced clause."""
    assert _clause("\npublish:\n  branch: {a: 1}") == spec.OnClause(
        publish=spec.Publish(branch={"a": 1})
    )


def test_task_named_like_command_is_a_task() -> None:
    """A task named 'fail' makes 'fail' a task transition, not the command."""
    text = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      on-error: [fail]\n    fail:\n      action: std.noop\n"
    clause = lang.load_workflows(text)[0].tasks["t1"].on_error
    assert clause == spec.OnClause(next=(T(target="fail"),))


@pytest.mark.parametrize(
    ("clause", "line", "col", "message"),
    [
        ("nope", 6, 19, "transition to unknown task 'nope' (in task 't1')"),
        ("[t2, t2]", 6, 24, "duplicate transition to 't2' (in task 't1')"),
        ("\n- t2: yes", 7, 15, "the condition of 't2' must be an expression (in task 't1')"),
        (
            "\n- [t2]",
            7,
            11,
            "a transition must be 'task' or 'task: <% condition %>' (in task 't1')",
        ),
        (
            "[]",
            6,
            7,
            "a transition must be a task name, a list of them, or 'publish'/'next' (in task 't1')",
        ),
        (
            "\npublish: {var1: 1}\nnext: t2",
            7,
            19,
            "'publish' scope 'var1' is not one of branch, global, atomic (in task 't1')",
        ),
        (
            "\npublish: {branch: {}}",
            7,
            19,
            "'publish.branch' must be a non-empty mapping (in task 't1')",
        ),
    ],
)
def test_invalid_forms(clause: str, line: int, col: int, message: str) -> None:
    """Each invalid clause is one problem at the offending value."""
    with pytest.raises(errors.DefinitionError) as caught:
        _clause(clause)
    assert [(p.line, p.col, p.message) for p in caught.value.problems] == [(line, col, message)]
