"""Whole-workflow checks: task graph, joins, requires, and expression syntax."""

from __future__ import annotations

import textwrap

import pytest

from meltemi import errors, lang


def _problems(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(errors.DefinitionError) as caught:
        lang.load_workflows(textwrap.dedent(text))
    return [(p.line, p.col, p.message) for p in caught.value.problems]


def test_join_without_inbound() -> None:
    """join: all on a task nothing transitions to is rejected at the join value."""
    text = """\
        version: '2.0'
        wf:
          tasks:
            t1: {on-complete: t3}
            t3: {action: std.noop}
            t4:
              join: all
        """
    assert _problems(text) == [(7, 13, "task 't4' has 'join: all' but no task transition to it")]


def test_join_larger_than_inbound() -> None:
    """A numeric join above the inbound count is rejected."""
    text = """\
        version: '2.0'
        wf:
          tasks:
            t1: {on-complete: t3}
            t2: {on-complete: t3}
            t3: {join: 3}
        """
    assert _problems(text) == [(6, 16, "task 't3' has 'join: 3' but only 2 tasks transition to it")]


def test_join_one_counts_as_one() -> None:
    """join: one needs at least one inbound transition, and is fine with one."""
    text = "version: '2.0'\nwf:\n  tasks:\n    a: {on-success: b}\n    b: {join: one}\n"
    assert lang.load_workflows(text)[0].tasks["b"].join == "one"


def test_no_start_task() -> None:
    """A direct workflow where every task has an inbound transition has no start."""
    text = """\
        version: '2.0'
        wf:
          tasks:
            a: {on-success: b}
            b: {on-success: a}
        """
    assert _problems(text) == [
        (3, 3, "workflow 'wf' has no start task: every task has an inbound transition")
    ]


def test_requires_unknown_and_cycle() -> None:
    """Unknown required tasks and requires cycles are both reported."""
    text = """\
        version: '2.0'
        wf:
          type: reverse
          tasks:
            a: {requires: [b]}
            b: {requires: c}
            c: {requires: [a, ghost]}
        """
    assert _problems(text) == [
        (5, 9, "tasks require each other in a cycle: a -> b -> c -> a"),
        (7, 9, "task 'c' requires unknown task 'ghost'"),
    ]


def test_join_in_reverse_rejected() -> None:
    """join and on-* are direct-only keys."""
    text = """\
        version: '2.0'
        wf:
          type: reverse
          tasks:
            a: {action: std.noop, on-success: [c]}
            c: {join: all}
        """
    assert _problems(text) == [
        (5, 27, "'on-success' of task 'a' is only allowed in direct workflows"),
        (6, 9, "'join' of task 'c' is only allowed in direct workflows"),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("<% $.a + %>", "invalid YAQL expression '<% $.a + %>': unexpected end of statement"),
        ("'{{ * }}'", "invalid Jinja expression '{{ * }}': unexpected '*'"),
        ("'{% if %}x'", "invalid Jinja expression '{% if %}x': Expected an expression"),
        (
            "<% $.a %> and {{ _.a }}",
            "YAQL and Jinja expressions are mixed in one string '<% $.a %> and {{ _.a }}'",
        ),
    ],
)
def test_expression_syntax(value: str, message: str) -> None:
    """Expressions that do not parse, or mix YAQL and Jinja, are rejected at the string."""
    text = f"version: '2.0'\nwf:\n  tasks:\n    t1:\n      publish:\n        x: {value}\n"
    ((line, col, found),) = _problems(text)
    assert (line, col) == (6, 12)
    assert found.startswith(message)


def test_expression_in_transition_key_is_checked() -> None:
    """Expressions inside command parameters in transition keys are checked too."""
    text = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      on-success:\n        - fail(msg='<% $. %>'): <% true %>\n"
    ((line, col, found),) = _problems(text)
    assert (line, col) == (6, 11)
    assert found == "invalid YAQL expression '<% $. %>': unexpected end of statement"


def test_mixed_on_separate_lines_is_fine() -> None:
    """YAQL and Jinja in different strings of one workflow are fine."""
    text = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      publish:\n        a: <% 1 %>\n        b: '{{ 2 }}'\n"
    assert lang.load_workflows(text)[0].tasks["t1"].publish.branch == {
        "a": "<% 1 %>",
        "b": "{{ 2 }}",
    }


def test_descriptions_are_not_expressions() -> None:
    """Prose in descriptions is never parsed as an expression."""
    text = "version: '2.0'\nwf:\n  description: use <% like this\n  tasks:\n    t1: {action: std.noop}\n"
    assert lang.load_workflows(text)[0].description == "use <% like this"


def test_every_problem_is_collected() -> None:
    """Problems from different tasks and workflows come together, in text order."""
    text = """\
        version: '2.0'
        wf1:
          tasks:
            t1: {action: std.noop, timeout: -1, on-success: nowhere}
            t2: {bogus: 1}
        wf2:
          type: sideways
          tasks:
            x: {publish: {a: '<% $.a %> {{ _.b }}'}}
        """
    assert [(line, col) for line, col, _ in _problems(text)] == [
        (4, 37),
        (4, 53),
        (5, 10),
        (7, 9),
        (9, 22),
    ]
