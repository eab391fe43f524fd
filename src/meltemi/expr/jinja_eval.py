"""Jinja: an immutable sandbox with ``StrictUndefined`` over ``_``, and Mistral's functions.

A string that is exactly one ``{{ ... }}`` block yields the expression's native value;
any other string is rendered as a template (text around blocks, ``{% %}`` statements).
Sizes are bounded: ``range()`` by the sandbox, ``*``/``**``/``%`` and format widths by
:class:`~meltemi.expr.limits.Limits`, rendered text by ``max_result_bytes``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import nodes, sandbox

from meltemi import errors
from meltemi.expr import functions
from meltemi.expr.context import Context
from meltemi.expr.limits import Limits, TooLarge

LANGUAGE = "Jinja"
_CTX_KEY = "meltemi context"
"""Where our Context sits among template variables; the space makes it unreachable."""
_BIG_NUMBER = re.compile(r"\d{7,}")
"""A width or precision of a million or more in a format string."""
_LIMITS = Limits()


def _check_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if (
            isinstance(seq, str | list | tuple)
            and isinstance(count, int)
            and len(seq) * count > _LIMITS.max_items
        ):
            raise TooLarge("the result of '*' is too large")


def _check_power(left: Any, right: Any) -> None:
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and abs(left) > 1
        and left.bit_length() * right > _LIMITS.max_items
    ):
        raise TooLarge("the result of '**' is too large")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _BIG_NUMBER.search(text):
        raise TooLarge("a format width or precision is too large")


class _Sandbox(sandbox.ImmutableSandboxedEnvironment):
    """The sandbox, plus size checks on the operators that can build huge values."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        checks: dict[str, Callable[[Any, Any], None]] = {
            "*": _check_repeat,
            "**": _check_power,
            "%": lambda left, _right: _check_format(left),
        }
        checks[operator](left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_format(getattr(value, "__self__", None))
        return wrapped


def _global(fn: Callable[..., Any]) -> Callable[..., Any]:
    @jinja2.pass_context
    def call(jinja_ctx: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(jinja_ctx[_CTX_KEY], *args, **kwargs)

    return call


def _filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    @jinja2.pass_context
    def call(jinja_ctx: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(jinja_ctx[_CTX_KEY], value, *args, **kwargs)

    return call


def _bounded(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(value: Any, *args: Any, **kwargs: Any) -> Any:
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, int) and arg > _LIMITS.max_items:
                raise TooLarge("a filter argument is too large")
        return fn(value, *args, **kwargs)

    return call


@functools.cache
def environment() -> jinja2.Environment:
    """The one sandboxed environment, with Mistral's functions as globals and filters."""
    env = _Sandbox(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    for name, fn in functions.FUNCTIONS.items():
        env.globals[name] = _global(fn)
        if name in functions.FILTERS:
            env.filters[name] = _filter(fn)
    for name in ("center", "indent", "wordwrap", "truncate"):
        env.filters[name] = _bounded(env.filters[name])
    env.filters["format"] = _checked_format(env.filters["format"])
    return env


def _checked_format(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_format(value)
        return fn(value, *args, **kwargs)

    return call


@functools.lru_cache(maxsize=16384)
def syntax_error(text: str) -> str | None:
    """Why ``text`` is not a valid Jinja template, or ``None`` when it is."""
    try:
        environment().parse(text)
    except jinja2.TemplateSyntaxError as exc:
        return exc.message or "invalid syntax"
    except (RecursionError, MemoryError):
        return "the template nests too deeply"
    return None


@functools.lru_cache(maxsize=16384)
def _plan(text: str) -> tuple[bool, jinja2.Template]:
    """How to compute ``text``: ``(True, t)`` when it is one ``{{ }}`` (``t`` assigns
    its value to ``result``), else ``(False, t)`` with ``t`` rendering the text."""
    error = syntax_error(text)
    if error is not None:
        raise errors.ExpressionSyntaxError(text.strip(), error, LANGUAGE)
    env = environment()
    inner = _single_expression(env, text)
    if inner is not None:
        tree = nodes.Template([nodes.Assign(nodes.Name("result", "store"), inner)])
        return True, _flat_globals(env.from_string(tree))
    return False, _flat_globals(env.from_string(text))


def _flat_globals(template: jinja2.Template) -> jinja2.Template:
    # why: a template's globals are a ChainMap over the environment's, and Jinja copies
    # them into every new render context: a plain dict makes that copy 3x cheaper.
    template.globals = dict(template.globals)
    return template


def _single_expression(env: jinja2.Environment, text: str) -> nodes.Expr | None:
    stripped = text.strip()
    if not (stripped.startswith("{{") and stripped.endswith("}}")):
        return None
    body = env.parse(stripped).body
    if len(body) != 1 or not isinstance(body[0], nodes.Output):
        return None
    parts = body[0].nodes
    if len(parts) != 1 or isinstance(parts[0], nodes.TemplateData):
        return None
    return parts[0]


def evaluate(text: str, ctx: Context) -> Any:
    """Evaluate a string holding Jinja blocks against ``ctx``."""
    native, template = _plan(text)
    try:
        context = template.new_context({"_": ctx.data, _CTX_KEY: ctx})
        if not native:
            return _join(template.root_render_func(context), ctx.limits.max_result_bytes)
        for _ in template.root_render_func(context):
            pass
        return functions.to_plain(context.vars["result"], _leaf)
    except Exception as exc:
        raise errors.ExpressionError(text.strip(), reason(exc), LANGUAGE) from None


def _leaf(value: Any) -> Any:
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises only when the value is used
    if callable(value):
        raise TypeError("the value is a function or method: call it with ()")
    return value


def _join(chunks: Any, limit: int) -> str:
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise TooLarge("the rendered text is too long")
        parts.append(chunk)
    return "".join(parts)


def reason(exc: BaseException) -> str:
    """Words a workflow author understands for an exception raised while rendering."""
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, RecursionError):
        return "the expression nests too deeply"
    if isinstance(exc, MemoryError):
        return "the expression used too much memory"
    if isinstance(exc, jinja2.UndefinedError | jinja2.exceptions.SecurityError | TooLarge):
        return str(exc)
    return str(exc) or type(exc).__name__
