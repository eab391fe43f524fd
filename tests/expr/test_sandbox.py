"""Jinja sandbox escapes are refused with an ExpressionError."""

from __future__ import annotations

import pytest

from meltemi import errors, expr

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ _.__class__ }}",
    "{{ task.__globals__ }}",
    "{{ env.__code__ }}",
    "{{ '{0.__class__}'.format(_) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ _.update({'a': 1}) }}",
    "{{ _.names.append(4) }}",
    "{{ lipsum.__globals__['os'] }}",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_escape_refused(ctx: expr.Context, text: str) -> None:
    """The escape attempt fails as an ExpressionError and changes nothing."""
    before = repr(ctx.data)
    with pytest.raises(errors.ExpressionError) as info:
        expr.evaluate(text, ctx)
    assert "Can not evaluate Jinja expression" in str(info.value)
    assert repr(ctx.data) == before


def test_yaql_cannot_reach_the_context_object(ctx: expr.Context) -> None:
    """The Context given to functions is not reachable as a YAQL variable."""
    with pytest.raises(errors.ExpressionError):
        expr.evaluate("<% $meltemi.facts %>", ctx)
