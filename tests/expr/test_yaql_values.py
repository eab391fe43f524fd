"""YAQL expressions yield native values when alone, text when surrounded."""

from __future__ import annotations

from typing import Any

import pytest

from meltemi import expr

CASES: list[tuple[str, Any]] = [
    ("<% $.n %>", 3),
    ("  <% $.n * 2 %>  ", 6),
    ("<% $.who %>", "Neo"),
    ("<% (1 + 2) * 3 - 4 / 2 %>", 7),
    ("<% $.n > 2 and not ($.n = 4) %>", True),
    ("<% switch($.n > 2 => big, true => small) %>", "big"),
    ("<% $.word.toUpper() %>", "MISTRAL"),
    ("<% 'a,b,c'.split(',') %>", ["a", "b", "c"]),
    ("<% dict(a => 1, b => $.word) %>", {"a": 1, "b": "mistral"}),
    ("<% $.cfg.keys().orderBy($) %>", ["x", "y"]),
    ("<% $.cfg.get(z, 0) %>", 0),
    ("<% $.get(absent) %>", None),
    ("<% $.nums.where($ > 1) %>", [3, 2]),
    ("<% $.x.y + len($.items) %>", 7),
    ("<% $.nothing %>", None),
    ("<% $.cfg %>", {"x": 1, "y": 2}),
    ("<% $.names.select([$]) %>", [["a"], ["b"], ["c"]]),
    ("<% $.who %> has <% $.n * 2 %> items", "Neo has 6 items"),
    ("cfg=<% $.cfg %>", "cfg={'x': 1, 'y': 2}"),
    ("<% $.nothing %>/<% $.flag %>/<% $.names %>", "None/True/['a', 'b', 'c']"),
    ("no expression here", "no expression here"),
    ("<% unclosed", "<% unclosed"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_yaql_value(ctx: expr.Context, text: str, expected: Any) -> None:
    """Each YAQL string evaluates to the value Mistral gives."""
    result = expr.evaluate(text, ctx)
    assert result == expected
    assert type(result) is type(expected)
