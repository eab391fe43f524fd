"""Evaluating expressions embedded anywhere in nested data (dict keys too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from meltemi import errors
from meltemi.expr import jinja_eval, syntax, yaql_eval
from meltemi.expr.context import Context
from meltemi.expr.limits import DeadlineExceeded, TooLarge, Watchdog, check_size

_WATCHDOG = Watchdog()
"""One thread for the whole process, like a cache: it holds no configuration."""


def evaluate(value: Any, ctx: Context) -> Any:
    """Evaluate every expression in ``value``: strings, and dicts and lists recursively.

    A string that is exactly one expression (``<% %>`` or ``{{ }}``, whitespace around
    allowed) yields the expression's native value; a string with text around its
    expressions yields text; other values are returned unchanged.

    Raises:
        ExpressionSyntaxError: an expression does not parse.
        ExpressionError: an expression failed, ran too long or built too large a value.
    """
    try:
        return _walk(value, ctx)
    except RecursionError:
        raise errors.ExpressionError("...", "the data nests too deeply") from None


def _walk(value: Any, ctx: Context) -> Any:
    if isinstance(value, str):
        return evaluate_string(value, ctx) if syntax.is_expression(value) else value
    if isinstance(value, Mapping):
        return {_key(_walk(k, ctx), k): _walk(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, ctx) for item in value]
    if isinstance(value, tuple):
        return tuple(_walk(item, ctx) for item in value)
    return value


def _key(key: Any, source: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        raise errors.ExpressionError(str(source), "a dictionary key must be text") from None
    return key


def evaluate_string(text: str, ctx: Context) -> Any:
    """Evaluate one string holding expressions, bounded by ``ctx.limits``."""
    limits = ctx.limits
    language = "Jinja" if syntax.has_jinja(text) else "YAQL"
    try:
        result = _WATCHDOG.run(lambda: _dispatch(text, ctx), limits.timeout)
        check_size(result, limits.max_result_bytes)
        return result
    except errors.ExpressionError:
        raise
    except DeadlineExceeded:
        reason = f"the expression ran longer than {limits.timeout:g} seconds"
        raise errors.ExpressionError(text.strip(), reason, language) from None
    except TooLarge as exc:
        raise errors.ExpressionError(text.strip(), str(exc), language) from None
    except RecursionError:
        raise errors.ExpressionError(
            text.strip(), "the result nests too deeply", language
        ) from None
    except Exception as exc:  # a bug of ours or a library's: still the author's words
        reason = f"the expression failed ({type(exc).__name__})"
        raise errors.ExpressionError(text.strip(), reason, language) from None


def _dispatch(text: str, ctx: Context) -> Any:
    yaql, jinja = syntax.has_yaql(text), syntax.has_jinja(text)
    if yaql and jinja:
        raise errors.ExpressionSyntaxError(text.strip(), syntax.check(text) or "mixed")
    if jinja:
        return jinja_eval.evaluate(text, ctx)
    whole = syntax.whole_yaql(text)
    if whole is not None:
        return yaql_eval.evaluate(whole, ctx)
    return syntax.YAQL_PATTERN.sub(lambda m: render(yaql_eval.evaluate(m.group(1), ctx)), text)


def render(value: Any) -> str:
    """How a value reads inside text, as Mistral renders it (Python's ``str``)."""
    return str(value)
