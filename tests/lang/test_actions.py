"""Standalone ad-hoc action documents."""

from __future__ import annotations

import textwrap

import pytest

from meltemi import errors, lang
from meltemi.lang import spec

ACTIONS = textwrap.dedent(
    """\
    version: '2.0'
    concat:
      description: Joins two strings
      tags: [text]
      base: std.echo output="x" extra=1
      base-input:
        output: "<% $.a %>+<% $.b %>"
      input:
        - a
        - b: "B"
      output: <% $ %>
    plain:
      base: std.noop
    """
)


def test_ad_hoc_actions() -> None:
    """base, base-input (merged over inline parameters), input, output, tags are kept."""
    concat, plain = lang.load_actions(ACTIONS, namespace="ns")
    assert concat == spec.AdHocActionSpec(
        name="concat",
        base="std.echo",
        base_input={"output": "<% $.a %>+<% $.b %>", "extra": 1},
        input=(spec.InputParam(name="a"), spec.InputParam(name="b", has_default=True, default="B")),
        output="<% $ %>",
        description="Joins two strings",
        tags=("text",),
        namespace="ns",
    )
    assert (plain.base, plain.base_input, plain.workbook) == ("std.noop", {}, None)


def test_load_any_detects_actions() -> None:
    """load_any returns ad-hoc action specs for an action document."""
    found = lang.load_any(ACTIONS)
    assert isinstance(found, tuple)
    assert all(isinstance(item, spec.AdHocActionSpec) for item in found)


def test_invalid_action() -> None:
    """Unknown keys, missing base and bad output expressions are all reported."""
    text = "version: '2.0'\na1:\n  base: std.noop\n  inptu: [x]\na2:\n  output: <% $. %>\n"
    with pytest.raises(errors.DefinitionError) as caught:
        lang.load_actions(text)
    found = [(p.line, p.col, p.message) for p in caught.value.problems]
    assert found[:2] == [
        (4, 3, "unknown key 'inptu' in action 'a1' (did you mean 'input'?)"),
        (5, 1, "action 'a2' needs 'base': the name of the action it builds on"),
    ]
    assert found[2][:2] == (6, 11)
    assert found[2][2] == "invalid YAQL expression '<% $. %>': unexpected end of statement"
