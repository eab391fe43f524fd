"""Evaluation errors are ExpressionErrors whose message names the expression."""

from __future__ import annotations

import pytest

from meltemi import errors, expr

CASES: list[tuple[str, type[errors.ExpressionError], str]] = [
    (
        "<% $.missing_key %>",
        errors.ExpressionError,
        "Can not evaluate YAQL expression '$.missing_key': there is no key 'missing_key'",
    ),
    (
        "<% no_such_function_xyz() %>",
        errors.ExpressionError,
        (
            "Can not evaluate YAQL expression 'no_such_function_xyz()': "
            'Unknown function "no_such_function_xyz"'
        ),
    ),
    (
        "<% $.n + %>",
        errors.ExpressionSyntaxError,
        "Invalid YAQL expression '$.n +': unexpected end of statement",
    ),
    (
        "<% 1 / 0 %>",
        errors.ExpressionError,
        "Can not evaluate YAQL expression '1 / 0': division by zero",
    ),
    (
        "<% $.who + 1 %>",
        errors.ExpressionError,
        (
            "Can not evaluate YAQL expression '$.who + 1': "
            "No function operator '+' matches supplied arguments"
        ),
    ),
    (
        "{{ _.missing_key }}",
        errors.ExpressionError,
        (
            "Can not evaluate Jinja expression '{{ _.missing_key }}': "
            "'dict object' has no attribute 'missing_key'"
        ),
    ),
    (
        "{{ nope() }}",
        errors.ExpressionError,
        "Can not evaluate Jinja expression '{{ nope() }}': 'nope' is undefined",
    ),
    (
        "{{ * }}",
        errors.ExpressionSyntaxError,
        "Invalid Jinja expression '{{ * }}': unexpected '*'",
    ),
    (
        "a <% $.n %> {{ _.n }}",
        errors.ExpressionSyntaxError,
        "Invalid expression 'a <% $.n %> {{ _.n }}': YAQL and Jinja expressions are mixed",
    ),
]


@pytest.mark.parametrize(("text", "kind", "message"), CASES)
def test_error_message(
    ctx: expr.Context, text: str, kind: type[errors.ExpressionError], message: str
) -> None:
    """The error has the expected class and message, and no Python traceback text."""
    with pytest.raises(kind) as info:
        expr.evaluate(text, ctx)
    assert str(info.value).startswith(message)
    assert type(info.value) is kind
    assert "Traceback" not in str(info.value)
