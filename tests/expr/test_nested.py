"""evaluate() walks dicts (keys too) and lists; other values pass unchanged."""

from __future__ import annotations

from meltemi import expr


def test_nested_values_and_keys(ctx: expr.Context) -> None:
    """Expressions in keys, values and list items are all evaluated."""
    value = {"<% $.who %>": ["<% $.n %>", {"k": "{{ _.n + 1 }}"}, 5], "plain": None}
    assert expr.evaluate(value, ctx) == {"Neo": [3, {"k": 4}, 5], "plain": None}


def test_non_strings_unchanged(ctx: expr.Context) -> None:
    """Numbers, booleans, None and tuples come back equal and of the same type."""
    for value in (1, 2.5, True, None, (1, "a")):
        result = expr.evaluate(value, ctx)
        assert result == value
        assert type(result) is type(value)


def test_input_not_mutated(ctx: expr.Context) -> None:
    """The input structure is copied, never changed in place."""
    value = {"a": ["<% $.n %>"]}
    expr.evaluate(value, ctx)
    assert value == {"a": ["<% $.n %>"]}
