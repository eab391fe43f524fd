"""Property tests: nothing but ExpressionError escapes; plain data passes unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from meltemi import errors, expr

FRAGMENTS = st.sampled_from(
    [
        "<%",
        "%>",
        "{{",
        "}}",
        "{%",
        "%}",
        "$",
        "_",
        ".",
        "(",
        ")",
        "'",
        '"',
        "[",
        "]",
        " ",
        "a",
        "1",
        "+",
        "*",
        "|",
        "=>",
        "#",
        "\\",
        "\n",
        "range(",
        "task(",
        "{",
        "}",
    ]
)
TEXTS = st.one_of(st.text(max_size=40), st.lists(FRAGMENTS, max_size=12).map("".join))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
CTX = expr.Context(data={"a": 1, "b": [1, 2]}, limits=expr.Limits(timeout=2.0))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_arbitrary_strings_raise_only_expression_errors(text: str) -> None:
    """check() returns str or None, and evaluate() raises only ExpressionError."""
    found = expr.check(text)
    assert found is None or isinstance(found, str)
    reason = "no error"
    try:
        expr.evaluate(text, CTX)
    except errors.ExpressionError as exc:
        reason = exc.reason
    assert reason
    if found is not None:
        assert expr.is_expression(text)


def _no_expression(value: Any) -> bool:
    if isinstance(value, str):
        return not expr.is_expression(value)
    if isinstance(value, list):
        return all(_no_expression(v) for v in value)
    if isinstance(value, dict):
        return all(_no_expression(k) and _no_expression(v) for k, v in value.items())
    return True


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_plain_data_unchanged(value: Any) -> None:
    """JSON-like data without expressions is returned equal to itself."""
    if _no_expression(value):
        assert expr.evaluate(value, CTX) == value
