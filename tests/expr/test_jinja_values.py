"""Jinja expressions yield native values when alone, rendered text otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from meltemi import errors, expr

CASES: list[tuple[str, Any]] = [
    ("{{ _.nums | sort }}", [1, 2, 3]),
    ("{{ _.nums | length }}", 3),
    ("{{ _.nums | sum }}", 6),
    ("{{ _.nums | length > 2 }}", True),
    ("{{ {'k': _.who} }}", {"k": "Neo"}),
    ("{{ {'a': {'b': 1}} }}", {"a": {"b": 1}}),
    (" {{ _.n * 3 }} ", 9),
    ("{{ _.nums | select('gt', 1) | list }}", [3, 2]),
    ("{{ _.nums | join('-') }}", "3-1-2"),
    ("{{ _.nothing }}", None),
    ("{{ _.cfg.items() | list }}", [["x", 1], ["y", 2]]),
    ("{{ _.cfg.keys() | list }}", ["x", "y"]),
    (
        "Hello {{ _.who | capitalize }}, you have {{ _.nums | length }} items",
        "Hello Neo, you have 3 items",
    ),
    ("{% for n in _.names %}[{{ n }}]{% endfor %}", "[a][b][c]"),
    ("{% if _.flag %}{{ 'on' }}{% else %}{{ 'off' }}{% endif %}", "on"),
    ("{% if _.flag %}on{% else %}off{% endif %}", "on"),
    ("{{ _.n }}{{ _.n }}", "33"),
    ("cfg={{ _.cfg }} none={{ _.nothing }}", "cfg={'x': 1, 'y': 2} none=None"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_jinja_value(ctx: expr.Context, text: str, expected: Any) -> None:
    """Each Jinja string evaluates to the value Mistral gives."""
    result = expr.evaluate(text, ctx)
    assert result == expected
    assert type(result) is type(expected)


def test_items_is_the_dict_method(ctx: expr.Context) -> None:
    """`_.items` names the dict method, not a key, so it must be called."""
    data = {"items": [1, 2]}
    assert expr.evaluate("{{ _['items'] }}", expr.Context(data=data)) == [1, 2]
    with pytest.raises(errors.ExpressionError, match="call it with"):
        expr.evaluate("{{ _.items }}", expr.Context(data=data))
