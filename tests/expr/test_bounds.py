"""Expressions that would run too long or build huge values fail clearly."""

from __future__ import annotations

import dataclasses

import pytest

from meltemi import errors, expr

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
