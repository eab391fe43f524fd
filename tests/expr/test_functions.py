"""Mistral's functions answer the same in YAQL and Jinja, reading the Context."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from meltemi import errors, expr

CASES: list[tuple[str, str, Any]] = [
    ("<% task(t1).result %>", "{{ task('t1').result }}", {"x": 1}),
    ("<% task().name %>", "{{ task().name }}", "t1"),
    ("<% task(bad).state_info %>", "{{ task('bad').state_info }}", "boom"),
    ("<% task(t1).published.p %>", "{{ task('t1').published.p }}", 2),
    ("<% task(nope) %>", "{{ task('nope') }}", None),
    ("<% tasks('wf-1').len() %>", "{{ tasks('wf-1') | length }}", 2),
    (
        "<% tasks(execution().id, false, ERROR).select($.name) %>",
        "{{ tasks(execution().id, False, 'ERROR') | map(attribute='name') | list }}",
        ["bad"],
    ),
    (
        "<% tasks(execution().id, state => ERROR).select($.name) %>",
        "{{ tasks(execution().id, state='ERROR') | map(attribute='name') | list }}",
        ["bad"],
    ),
    ("<% execution().input %>", "{{ execution().input }}", {"k": "v"}),
    ("<% execution().root_execution_id %>", "{{ execution().root_execution_id }}", None),
    ("<% executions('wf-1').len() %>", "{{ executions('wf-1') | length }}", 1),
    (
        "<% executions(null, 'wf-1').select($.name) %>",
        "{{ executions(None, 'wf-1') | map(attribute='name') | list }}",
        ["child"],
    ),
    (
        "<% executions(rootExecutionId => 'wf-1').select($.name) %>",
        "{{ executions(root_execution_id='wf-1') | map(attribute='name') | list }}",
        ["child"],
    ),
    (
        "<% executions('wf-1', null, ERROR).len() %>",
        "{{ executions('wf-1', None, 'ERROR') | length }}",
        0,
    ),
    ("<% env().region %>", "{{ env().region }}", "eu"),
    ("<% global(g) %>", "{{ global('g') }}", 42),
    ("<% global(absent) %>", "{{ global('absent') }}", None),
    ("<% json_parse('[1, {\"a\": 2}]') %>", "{{ json_parse('[1, {\"a\": 2}]') }}", [1, {"a": 2}]),
    ("<% yaml_parse('a: [1, 2]') %>", "{{ yaml_parse('a: [1, 2]') }}", {"a": [1, 2]}),
    ("<% json_dump($.cfg) %>", "{{ json_dump(_.cfg) }}", json.dumps({"x": 1, "y": 2}, indent=4)),
    ("<% json_pp($.cfg) %>", "{{ _.cfg | json_pp }}", json.dumps({"x": 1, "y": 2}, indent=4)),
    ("<% yaml_dump($.cfg) %>", "{{ _.cfg | yaml_dump }}", "x: 1\ny: 2\n"),
    (
        "<% json_parse(json_dump($.names)) %>",
        "{{ _.names | json_dump | json_parse }}",
        ["a", "b", "c"],
    ),
]


@pytest.mark.parametrize(("yaql", "jinja", "expected"), CASES)
def test_function_in_both_languages(
    ctx: expr.Context, yaql: str, jinja: str, expected: Any
) -> None:
    """The function gives the expected value in YAQL and in Jinja."""
    assert expr.evaluate(yaql, ctx) == expected
    assert expr.evaluate(jinja, ctx) == expected


@pytest.mark.parametrize("text", ["<% uuid() %>", "{{ uuid() }}"])
def test_uuid_is_fresh(ctx: expr.Context, text: str) -> None:
    """uuid() returns a new valid UUID on every call."""
    first, second = expr.evaluate(text, ctx), expr.evaluate(text, ctx)
    assert str(uuid.UUID(first)) == first
    assert first != second


def test_yaml_parse_refuses_aliases(ctx: expr.Context) -> None:
    """yaml_parse refuses anchors and aliases (no entity expansion)."""
    with pytest.raises(errors.ExpressionError, match="aliases"):
        expr.evaluate("<% yaml_parse('a: &x [1]\nb: *x') %>", ctx)


def test_task_of_unknown_name_fails_naming_it(ctx: expr.Context) -> None:
    """Dereferencing task(unknown) fails with the task's name in the message."""
    with pytest.raises(errors.ExpressionError, match="non_existing_task_cf") as info:
        expr.evaluate("<% task(non_existing_task_cf).name %>", ctx)
    assert "Can not evaluate YAQL expression" in str(info.value)
