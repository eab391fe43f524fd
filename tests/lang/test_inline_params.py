"""Inline parameters of action/workflow/base: name plus key=value pairs."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from meltemi import errors, lang
from meltemi.lang import shorthand


@pytest.mark.parametrize(
    ("text", "name", "params"),
    [
        ("std.noop", "std.noop", {}),
        ('std.echo output="Hi"', "std.echo", {"output": "Hi"}),
        ("std.echo output='1'", "std.echo", {"output": "1"}),
        ("std.echo output=1", "std.echo", {"output": 1}),
        (
            "std.echo n=-2.5 b=true c=false d=null",
            "std.echo",
            {"n": -2.5, "b": True, "c": False, "d": None},
        ),
        ("std.echo output=[1, 2]", "std.echo", {"output": [1, 2]}),
        ('std.echo output={"a": 1}', "std.echo", {"output": {"a": 1}}),
        ("std.echo output=hello", "std.echo", {}),
        ("std.echo output=hello n=1", "std.echo", {"n": 1}),
        ("std.echo output=<% $.x + 1 %>", "std.echo", {"output": "<% $.x + 1 %>"}),
        ("std.echo output={{ _.name | upper }}", "std.echo", {"output": "{{ _.name | upper }}"}),
        ('std.echo output="<% $.a %> <% $.b %>"', "std.echo", {"output": "<% $.a %> <% $.b %>"}),
        ('std.echo output="a=b c"', "std.echo", {"output": "a=b c"}),
        ("<% $.act %> x=1", "<% $.act %>", {"x": 1}),
        (
            "std.test_dict size=2 key_prefix='k' val='v'",
            "std.test_dict",
            {"size": 2, "key_prefix": "k", "val": "v"},
        ),
    ],
)
def test_split_call(text: str, name: str, params: dict[str, Any]) -> None:
    """Unquoted values are JSON, quoted ones verbatim, bare words pass nothing."""
    assert shorthand.split_call(text) == (name, params)


def test_input_block_wins_over_inline() -> None:
    """A key under input: wins over the same inline parameter."""
    text = textwrap.dedent(
        """\
        version: '2.0'
        wf:
          tasks:
            t1:
              action: std.echo output="inline" other=1
              input:
                output: block
        """
    )
    task = lang.load_workflows(text)[0].tasks["t1"]
    assert task.input == {"output": "block", "other": 1}


def test_inline_with_expression_input_rejected() -> None:
    """Inline parameters can not be merged into an input given as one expression."""
    text = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.echo a=1\n      input: <% $.i %>\n"
    with pytest.raises(errors.DefinitionError) as caught:
        lang.load_workflows(text)
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (5, 15)
    assert (
        problem.message
        == "inline parameters of task 't1' can not be combined with an 'input' expression"
    )
