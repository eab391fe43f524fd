"""YAQL: one shared engine with Mistral's options, cached parsing, evaluation over ``$``.

Options follow Mistral's ``[yaql]`` defaults (``=>`` keyword operator, no delegates,
input/output data conversion, tuples to lists, sets kept, dicts not iterable), except
that iterators and memory are bounded by :class:`~meltemi.expr.limits.Limits`.

Speed: common expressions run as compiled closures (:mod:`~meltemi.expr.yaql_fast`),
falling back to yaql whenever they cannot give yaql's answer; yaql reads the input
through a lazily converted view (:mod:`~meltemi.expr.yaql_input`). :func:`reference`
runs yaql alone, the yardstick both must match.
"""

from __future__ import annotations

import collections.abc  # noqa: F401 - yaql uses collections.abc without importing it
import functools
import re
import threading
from typing import Any

import yaql
from yaql.language import conventions, exceptions, factory, specs, utils, yaqltypes

from meltemi import errors
from meltemi.expr import functions, yaql_fast, yaql_input
from meltemi.expr.context import Context
from meltemi.expr.limits import Limits

LANGUAGE = "YAQL"
_DEFAULT_LIMITS = Limits()
_CTX_KEY = "meltemi context"
"""Where our Context sits in a YAQL context; the space makes it unreachable as ``$name``."""

_PARSE_LOCK = threading.Lock()
"""yaql shares one PLY lexer per engine: parsing is not thread-safe."""


@functools.cache
def _base_engine() -> Any:
    """Building the PLY parser is slow: do it once, and derive engines by options."""
    return factory.YaqlFactory(keyword_operator="=>", allow_delegates=False).create()


@functools.lru_cache(maxsize=8)
def _engine(limits: Limits) -> Any:
    options = {
        "yaql.limitIterators": limits.max_iterations,
        "yaql.memoryQuota": limits.max_memory,
        "yaql.convertInputData": True,
        "yaql.convertOutputData": True,
        "yaql.convertTuplesToLists": True,
        "yaql.convertSetsToLists": False,
        "yaql.iterableDicts": False,
    }
    return _base_engine().copy(options)


@functools.lru_cache(maxsize=16384)
def parse(source: str, limits: Limits = _DEFAULT_LIMITS) -> Any:
    """Parse the text inside ``<% %>``; raise ``ExpressionSyntaxError`` when invalid."""
    try:
        with _PARSE_LOCK:
            return _engine(limits)(source.strip())
    except (exceptions.YaqlException, KeyError, ValueError, TypeError) as exc:
        raise errors.ExpressionSyntaxError(source.strip(), _syntax_reason(exc), LANGUAGE) from None


def _syntax_reason(exc: Exception) -> str:
    text = str(exc)
    for prefix in ("Parse error: ", "Lexical error: "):
        text = text.removeprefix(prefix)
    return text or "invalid syntax"


class _OurContext(yaqltypes.HiddenParameterType, yaqltypes.SmartType):  # type: ignore[misc]
    """Injects Meltemi's Context into the ``ctx`` parameter of expression functions."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(False)

    def convert(self, value: Any, receiver: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        return context[_CTX_KEY]


def _parameter_type(name: str) -> Any:
    return _OurContext() if name in {"ctx", "_ctx"} else None


@functools.cache
def _root_context() -> Any:
    root = yaql.create_context(convention=conventions.CamelCaseConvention())
    for name, fn in functions.FUNCTIONS.items():
        definition = specs.get_function_definition(
            fn,
            name=name,
            convention=conventions.CamelCaseConvention(),
            parameter_type_func=_parameter_type,
        )
        root.register_function(definition)
    return root


@functools.lru_cache(maxsize=16384)
def compiled(source: str) -> yaql_fast.Compiled | None:
    """The fast evaluator of the text inside ``<% %>``, when it has one (for any limits:
    compiled code reads them from the context it runs in)."""
    try:
        statement = parse(source)
    except errors.ExpressionSyntaxError:
        return None  # yaql raises it again where it evaluates
    return yaql_fast.compile_statement(statement)


def evaluate(source: str, ctx: Context) -> Any:
    """Evaluate the text inside ``<% %>`` against ``ctx``; return plain data."""
    fast = compiled(source)
    if fast is not None:
        try:
            return fast(ctx)
        except yaql_fast.Fallback:
            pass  # yaql itself gives the value or the error
    return slow(source, ctx)


def slow(source: str, ctx: Context) -> Any:
    """Evaluate as :func:`evaluate` does when the fast path cannot: yaql over lazily
    converted input."""
    return _run(parse(source, ctx.limits), source, ctx, yaql_input.convert(ctx.data))


def reference(source: str, ctx: Context) -> Any:
    """Evaluate as yaql alone would: no fast path, all input converted up front.

    Slower than :func:`evaluate`, which must give the same values and errors: the
    yardstick for tests and benchmarks.
    """
    return _run(parse(source, ctx.limits), source, ctx, utils.convert_input_data(ctx.data))


def _run(statement: Any, source: str, ctx: Context, data: Any) -> Any:
    scope = _root_context().create_child_context()
    scope[_CTX_KEY] = ctx
    scope["$"] = data
    try:
        return functions.to_plain(statement.evaluate(context=scope))
    except (exceptions.YaqlException, Exception) as exc:
        raise errors.ExpressionError(source.strip(), reason(exc), LANGUAGE) from None


_OPERATOR = re.compile(r'"#operator_(\S+?)"')
_UNARY = re.compile(r'"#unary_operator_(\S+?)"')
_PROPERTY = re.compile(r'Unknown function "#property#(\S+?)"')


def reason(exc: BaseException) -> str:
    """Words a workflow author understands for an exception raised by YAQL."""
    if isinstance(exc, KeyError):
        return f"there is no key {exc.args[0]!r}" if exc.args else "a key is missing"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    if isinstance(exc, RecursionError):
        return "the expression nests too deeply"
    if isinstance(exc, MemoryError | exceptions.MemoryQuotaExceededException):
        return "the expression used too much memory"
    text = _UNARY.sub(r"unary operator '\1'", _OPERATOR.sub(r"operator '\1'", str(exc)))
    text = _PROPERTY.sub(r"there is no attribute '\1' on this value", text)
    text = text.replace('"#indexer"', "indexer '[]'").replace("tuple index", "index")
    return text or type(exc).__name__
