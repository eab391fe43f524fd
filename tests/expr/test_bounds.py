"""Expressions that would run too long or build huge values fail clearly."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meltemi import errors, expr
from meltemi.expr import limits

SIZE_CASES = [
    ("<% 'ab' * 100000000 %>", "too much memory"),
    ("{{ range(1000000000000) | list }}", "Range too big"),
    ("{{ 'a' * 100000000 }}", "too large"),
    ("{{ [0] * 2000000000 }}", "too large"),
    ("{{ 10 ** 100000000 }}", "too large"),
    ("{{ '%100000000s' % 1 }}", "too large"),
    ("{{ '{:>100000000}'.format(1) }}", "too large"),
    ("{{ 'x' | center(1000000000) }}", "too large"),
]


@pytest.mark.parametrize(("text", "reason"), SIZE_CASES)
def test_size_bounded(ctx: expr.Context, text: str, reason: str) -> None:
    """The expression fails with a reason about size instead of exhausting memory."""
    with pytest.raises(errors.ExpressionError, match=reason):
        expr.evaluate(text, ctx)


def test_iterations_bounded(ctx: expr.Context) -> None:
    """A YAQL iterator longer than max_iterations fails."""
    few = dataclasses.replace(ctx, limits=expr.Limits(max_iterations=1000))
    with pytest.raises(errors.ExpressionError, match="Collection length exceeds 1000"):
        expr.evaluate("<% range(100000000).select($).len() %>", few)


TIME_CASES = [
    "<% range(1000).select(range(100000).sum()).sum() %>",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("text", TIME_CASES)
def test_time_bounded(ctx: expr.Context, text: str) -> None:
    """A slow expression is interrupted at the timeout, and the thread stays usable."""
    quick = dataclasses.replace(ctx, limits=expr.Limits(timeout=0.2))
    with pytest.raises(errors.ExpressionError, match=r"ran longer than 0\.2 seconds"):
        expr.evaluate(text, quick)
    assert expr.evaluate("<% 1 + 1 %>", ctx) == 2


def test_rendered_text_bounded(ctx: expr.Context) -> None:
    """Rendered text longer than max_result_bytes fails."""
    small = dataclasses.replace(ctx, limits=expr.Limits(max_result_bytes=1000))
    with pytest.raises(errors.ExpressionError, match="too long"):
        expr.evaluate("{% for i in range(2000) %}x{% endfor %}", small)


def test_result_size_bounded(ctx: expr.Context) -> None:
    """A native result larger than max_result_bytes fails."""
    small = dataclasses.replace(ctx, limits=expr.Limits(max_result_bytes=1000))
    with pytest.raises(errors.ExpressionError, match="too large"):
        expr.evaluate("<% range(1000).select(str($)) %>", small)


def _size(value: Any) -> int:
    """The size check_size documents, counted plainly."""
    if isinstance(value, str | bytes):
        return len(value) + 8
    if isinstance(value, Mapping):
        return 8 * len(value) + 8 + sum(_size(k) + _size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 8 * len(value) + 8 + sum(_size(item) for item in value)
    return 16


class _Text(str):
    __slots__ = ()


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary()
    | st.text().map(_Text) | st.frozensets(st.integers()),
    lambda inner: st.lists(inner, max_size=5)
    | st.lists(inner, max_size=5).map(tuple)
    | st.dictionaries(st.text() | st.integers(), inner, max_size=5)
    | st.dictionaries(st.text(), inner, max_size=3).map(collections.OrderedDict),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(0, 3000))
def test_size_check_counts_as_documented(value: Any, limit: int) -> None:
    """check_size refuses exactly the values whose documented size exceeds the limit."""
    try:
        limits.check_size(value, limit)
    except limits.TooLarge:
        assert _size(value) > limit
    else:
        assert _size(value) <= limit
