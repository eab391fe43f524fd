"""Evaluating expressions embedded anywhere in nested data (dict keys too)."""

from __future__ import annotations

import functools
import itertools
import marshal
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from meltemi import errors
from meltemi.expr import jinja_eval, syntax, yaql_eval, yaql_fast
from meltemi.expr.context import Context
from meltemi.expr.limits import DeadlineExceeded, TooLarge, Watchdog, check_size

_WATCHDOG = Watchdog()
"""One thread for the whole process, like a cache: it holds no configuration."""


def evaluate(value: Any, ctx: Context) -> Any:
    """Evaluate every expression in ``value``: strings, and dicts and lists recursively.

    A string that is exactly one expression (``<% %>`` or ``{{ }}``, whitespace around
    allowed) yields the expression's native value; a string with text around its
    expressions yields text; other values are returned unchanged. Containers holding
    no expression are returned as they are (not copied); the input is never changed.

    Raises:
        ExpressionSyntaxError: an expression does not parse.
        ExpressionError: an expression failed, ran too long or built too large a value.
    """
    try:
        return _walk(value, ctx)
    except RecursionError:
        raise errors.ExpressionError("...", "the data nests too deeply") from None


def _walk(value: Any, ctx: Context) -> Any:
    kind = type(value)
    if kind is str:
        if "<%" in value or "{{" in value or "{%" in value:
            plan = _plan(value)  # cached: finding the expressions again costs more
            return _evaluate_string(value, plan, ctx) if plan.expression else value
        return value
    if kind is dict:
        return value if _clean(value) else _walk_dict(value, ctx)
    if kind is list:
        changed = None if _clean(value) else _walk_items(value, ctx)
        return value if changed is None else changed
    if kind is tuple:
        changed = None if _clean(value) else _walk_items(value, ctx)
        return value if changed is None else tuple(changed)
    if kind in _LEAVES:
        return value
    return _walk_other(value, ctx)


_LEAVES = frozenset({int, float, bool, type(None)})
_SCAN_FROM = 8
"""Containers this long are first scanned in C for expression marks."""


def _clean(value: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> bool:
    """Whether ``value`` surely holds no expression, found quickly for big containers.

    ``marshal`` serializes built-in types only (no subclass, no other object: those
    raise ``ValueError``, as deep nesting does) and writes each string's UTF-8 bytes as
    they are, so every ``<%``, ``{{`` and ``{%`` inside shows in its output. A mark its
    framing bytes happen to make only costs the walk.
    """
    if len(value) < _SCAN_FROM:
        return False
    try:
        data = marshal.dumps(value)
    except ValueError:
        return False
    return not (b"{{" in data or b"<%" in data or b"{%" in data)


def _walk_other(value: Any, ctx: Context) -> Any:
    """Subclasses of str, list and tuple, and mappings that are not dicts."""
    if isinstance(value, str):
        return evaluate_string(value, ctx) if syntax.is_expression(value) else value
    if isinstance(value, Mapping):
        return {_key(_walk(k, ctx), k): _walk(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, ctx) for item in value]
    if isinstance(value, tuple):
        return tuple(_walk(item, ctx) for item in value)
    return value


def _walk_dict(value: dict[Any, Any], ctx: Context) -> dict[Any, Any]:
    """``value`` itself when it holds no expression (no copy), else a new dict."""
    out: dict[Any, Any] | None = None
    for index, (key, item) in enumerate(value.items()):
        new_key, new_item = _walk(key, ctx), _walk(item, ctx)
        if out is None:
            if new_key is key and new_item is item:
                continue
            out = dict(itertools.islice(value.items(), index))
        out[_key(new_key, key)] = new_item
    return value if out is None else out


def _walk_items(value: list[Any] | tuple[Any, ...], ctx: Context) -> list[Any] | None:
    """The evaluated items, or ``None`` when no item holds an expression."""
    out: list[Any] | None = None
    for index, item in enumerate(value):
        new = _walk(item, ctx)
        if out is None:
            if new is item:
                continue
            out = list(value[:index])
        out.append(new)
    return out


def _key(key: Any, source: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        raise errors.ExpressionError(str(source), "a dictionary key must be text") from None
    return key


def evaluate_string(text: str, ctx: Context) -> Any:
    """Evaluate one string holding expressions, bounded by ``ctx.limits``."""
    return _evaluate_string(text, _plan(text), ctx)


def _evaluate_string(text: str, plan: _Plan, ctx: Context) -> Any:
    language, fast, run, _ = plan
    if fast is not None:
        try:
            return fast(ctx)
        except yaql_fast.Fallback:
            pass  # yaql, under the deadline, gives the value or the error
    limits = ctx.limits
    try:
        result = _WATCHDOG.run(functools.partial(run, ctx), limits.timeout)
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


Run = Callable[[Context], Any]


class _Plan(NamedTuple):
    """How to evaluate one text, found once per text."""

    language: str
    fast: yaql_fast.Compiled | None
    """The compiled form (YAQL only, when every expression in the text compiles)."""
    run: Run
    """How to compute the text in any case."""
    expression: bool
    """Whether the text holds an expression at all."""


@functools.lru_cache(maxsize=16384)
def _plan(text: str) -> _Plan:
    """How to evaluate ``text``.

    Compiled code runs outside the watchdog: it holds no loop (no queries, lambdas or
    ``range``), so its time is linear in the data it reads and returns (the integer
    operations that are not go to yaql), and registering a deadline would cost more
    than the evaluation. Its results are already checked against ``max_result_bytes``.
    """
    yaql, jinja = syntax.has_yaql(text), syntax.has_jinja(text)
    if yaql and jinja:
        return _Plan("Jinja", None, functools.partial(_mixed, text), True)
    if jinja:
        return _Plan("Jinja", None, functools.partial(jinja_eval.evaluate, text), True)
    whole = syntax.whole_yaql(text)
    if whole is not None:
        slow = functools.partial(yaql_eval.slow, whole)
        return _Plan("YAQL", yaql_eval.compiled(whole), slow, True)
    pieces = tuple(syntax.YAQL_PATTERN.split(text))
    return _Plan("YAQL", _compiled_pieces(pieces), functools.partial(_interpolate, pieces), yaql)


def _mixed(text: str, _ctx: Context) -> Any:
    raise errors.ExpressionSyntaxError(text.strip(), syntax.check(text) or "mixed")


def _interpolate(pieces: tuple[str, ...], ctx: Context) -> str:
    """Text with the value of each ``<% %>`` in place: ``pieces`` alternate text and
    expressions (as ``re.split`` with one group gives them)."""
    return "".join(
        render(yaql_eval.evaluate(piece, ctx)) if index % 2 else piece
        for index, piece in enumerate(pieces)
    )


def _compiled_pieces(pieces: tuple[str, ...]) -> yaql_fast.Compiled | None:
    """:func:`_interpolate` as compiled code, when every expression compiles."""
    runs = [yaql_eval.compiled(piece) for piece in pieces[1::2]]
    if any(run is None for run in runs):
        return None
    texts, fasts = pieces[::2], [run for run in runs if run is not None]

    def interpolate(ctx: Context) -> str:
        try:
            values = [render(fast(ctx)) for fast in fasts]
        except Exception:  # as the slow path words any failure, render's included
            raise yaql_fast.Fallback from None
        text = "".join(itertools.chain.from_iterable(zip(texts, [*values, ""], strict=True)))
        if len(text) + 8 > ctx.limits.max_result_bytes:
            raise yaql_fast.Fallback  # the size check words the error
        return text

    return interpolate


def render(value: Any) -> str:
    """How a value reads inside text, as Mistral renders it (Python's ``str``)."""
    return str(value)
