"""A fast path for common YAQL expressions: the parsed tree compiled to Python closures.

yaql picks every operator and function among its overloads at run time, which costs
tens of microseconds per call. Typical workflow expressions (``$.a.b``,
``task(t).result``, ``len($.x) + 1``, comparisons, ``and``/``or``, ``x in [a, b]``,
``dict(k => v)``, ``int(x)``) need none of that:
they compile here to closures doing the same operation directly, each guarded by exact
type checks. When a guard fails or an operation raises, the closure raises
:class:`Fallback` and the caller evaluates the expression with yaql, which then gives
the authoritative value or error. Expressions using anything else (lambdas, methods,
queries, ``let``, ``->``, ...) are not compiled at all.

The closures read the raw data (lists, dicts) where yaql reads its frozen copy (tuples,
frozen dicts), so they only do what gives the same result on both: no equality between
collections, no concatenation of collections.

Every check that can refuse an evaluation (memory quota, collection lengths, result
size) errs on the side of refusing: a refusal only costs the trip to yaql, which then
decides, whereas accepting what yaql refuses would change an outcome.

Compiled code holds no loop of its own (no queries, lambdas, ``range``): it runs in time
linear in the data it reads and returns. That is why the caller runs it without a
deadline; the few operations that are not linear (products, quotients and text of big
integers) are left to yaql.
"""

from __future__ import annotations

import dataclasses
import operator
import sys
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, NoReturn, TypeVar

from yaql.language import expressions, utils

from meltemi.expr import functions
from meltemi.expr.context import Context
from meltemi.expr.limits import Limits

_T = TypeVar("_T")
Run = Callable[["Scope"], Any]
"""A compiled node: computes its value in a scope."""

_NUMBERS = (int, float)
_SCALARS = (type(None), bool, int, float, str)
_LEAVES = frozenset({type(None), bool, int, float})
_TRUTHFUL = frozenset({type(None), bool, int, float, str, list, dict})
"""Types whose truth is the same raw and in yaql's frozen copy."""
_RULE_SIZE = sys.getsizeof(utils.MappingRule(None, None))
_FEW_FIELDS = 1000
_QUOTA_FLOOR = 1 << 16
"""Under this memory quota (bytes), evaluations are left to yaql: yaql also measures
constants, keys and objects of its own, each far smaller, which compiled code does not.
Above it, measuring the result of every operation (as yaql does) is enough."""
_LONG_TEXT = 4096
"""Text longer than this is converted to a number by yaql (``int`` of text costs
quadratic time)."""
_BIG = 4096
"""Integers longer than this (in bits) are multiplied, divided and printed by yaql:
those operations cost more than linear time, and compiled code runs with no deadline."""


class Fallback(Exception):
    """This evaluation needs yaql itself: a guard failed or an operation raised."""


class _Unsupported(Exception):
    """The tree holds a node this module does not compile."""


@dataclasses.dataclass(slots=True)
class Scope:
    """What a compiled expression reads while it runs."""

    data: Any
    ctx: Context
    quota: int
    views: dict[Any, Any]
    """The mappings ``task()``, ``execution()`` and ``env()`` read, by call: facts do
    not change during an evaluation, so the second read of one is the first's."""


Compiled = Callable[[Context], Any]
"""A compiled expression: plain data from a context, or :class:`Fallback`. The data fits
``ctx.limits.max_result_bytes`` as :func:`~meltemi.expr.limits.check_size` counts."""


def compile_statement(statement: Any) -> Compiled | None:
    """The fast evaluator of a parsed yaql statement, or ``None`` when unsupported."""
    try:
        run = _compile(statement.expression)
    except _Unsupported:
        return None

    def evaluate(ctx: Context) -> Any:
        limits = ctx.limits
        quota = limits.max_memory
        if 0 < quota < _QUOTA_FLOOR:
            raise Fallback
        output = _Output(limits)
        try:
            value = output.copy(run(Scope(ctx.data, ctx, quota, {})))
        except Fallback:
            raise
        except Exception:  # yaql decides what a failure means, and words it
            raise Fallback from None
        if output.left < 0 or _output_size(value) > quota > 0:
            raise Fallback
        return value

    return evaluate


def _compile(node: Any) -> Run:
    match node:
        case expressions.Constant() if sys.getsizeof(node.value) < _QUOTA_FLOOR:
            value = node.value
            return lambda _scope: value
        case expressions.Wrap():
            return _compile(node.expr)
        case expressions.GetContextValue() if node.path.value == "$":
            return _root
        case expressions.Function() if node.name in _BUILDERS:
            return _BUILDERS[node.name](node)
    raise _Unsupported


def _root(scope: Scope) -> Any:
    return _quota(scope.data, scope)


def _output_size(value: Any) -> int:
    """The most ``sys.getsizeof`` of yaql's output can be, which its quota also bounds.

    yaql builds output dicts as the copy does (same insertions, so the same size) and
    lists from a generator, which may leave more spare room than appending does.
    """
    if type(value) is list:
        count = len(value)
        return sys.getsizeof([]) + 8 * (count + (count >> 3) + 8)
    return sys.getsizeof(value, 0)


def _fail() -> NoReturn:
    raise Fallback


def _quota(value: Any, scope: Scope) -> Any:
    """yaql's memory quota on a call's result, which it measures with ``sys.getsizeof``.

    The raw value is measured where yaql may hold its frozen copy: a list is larger than
    the tuple it freezes to and a dict than a frozen dict, so this refuses whatever yaql
    refuses (and a little more, which yaql then decides).
    """
    return _fail() if sys.getsizeof(value, 0) > scope.quota > 0 else value


def _compile_args(node: Any, count: int) -> list[Run]:
    if len(node.args) != count:
        raise _Unsupported
    return [_compile(arg) for arg in node.args]


def _attribute(node: Any) -> Run:
    """``obj.key`` on a dict, and ``obj.len()``."""
    receiver, name = node.args
    if type(name) is expressions.KeywordConstant:
        return _field(receiver, name.value)
    if type(name) is expressions.Function and name.name == "len" and not name.args:
        source = _compile(receiver)
        return lambda scope: _length(source(scope))
    raise _Unsupported


def _field(receiver: Any, key: str) -> Run:
    view = _view(receiver)
    if view is not None:
        return _view_field(view, key)
    source = _compile(receiver)

    def get(scope: Scope) -> Any:
        obj = source(scope)
        return _quota(obj[key], scope) if type(obj) is dict else _fail()

    return get


def _view_field(view: _View, key: str) -> Run:
    """``task().result``, ``execution().id``, ``env().x``: one field of the mapping that
    the function copies whole (yaql copies it, computing every field of the engine's lazy
    views, the task or workflow spec among them, then reads one)."""

    def get(scope: Scope) -> Any:
        found = scope.views.get(view.call)
        if found is None:
            found = scope.views[view.call] = view.read(scope.ctx)
            # yaql measures the copy against the memory quota, as the dict it is: one
            # of this many fields is well under _QUOTA_FLOOR.
            if found is None or len(found) > _FEW_FIELDS:
                return _fail()
        return _quota(found[key], scope)

    return get


def _index(node: Any) -> Run:
    """``seq[int]`` and ``dict[str or int]``."""
    source, index = _compile_args(node, 2)

    def get(scope: Scope) -> Any:
        obj, key = source(scope), index(scope)
        kind = type(obj)
        if (kind is list and type(key) is int) or (kind is dict and type(key) in {str, int}):
            return _quota(obj[key], scope)
        return _fail()

    return get


def _compile_operands(node: Any) -> list[Run]:
    """The two operands of an operator on scalars. A list or dict literal among them
    would always send the evaluation to yaql (collections are not compared or joined
    here): such expressions are better not compiled at all."""
    if any(_is_collection(arg) for arg in node.args):
        raise _Unsupported
    return _compile_args(node, 2)


def _is_collection(node: Any) -> bool:
    while type(node) is expressions.Wrap:
        node = node.expr
    return type(node) in {expressions.ListExpression, expressions.MapExpression} or (
        type(node) is expressions.Function and node.name == "dict"
    )


def _length(value: Any) -> int:
    return len(value) if type(value) in {list, dict, str} else _fail()


def _numeric(op: Callable[[Any, Any], Any], strings: bool = False) -> Callable[[Any], Run]:
    """A binary operator on two numbers (or, with ``strings``, two strings)."""

    def build(node: Any) -> Run:
        left, right = _compile_operands(node)

        def run(scope: Scope) -> Any:
            a, b = left(scope), right(scope)
            ta, tb = type(a), type(b)
            if (ta in _NUMBERS and tb in _NUMBERS) or (strings and ta is str and tb is str):
                return _quota(op(a, b), scope)
            return _fail()

        return run

    return build


def _costly(op: Callable[[Any, Any], Any]) -> Callable[[Any], Run]:
    """A binary operator on two numbers whose cost grows faster than their length."""
    return _numeric(lambda a, b: op(_small(a), _small(b)))


def _small(number: Any) -> Any:
    return _fail() if type(number) is int and number.bit_length() > _BIG else number


def _divide(a: Any, b: Any) -> Any:
    return a // b if type(a) is int and type(b) is int else a / b


def _equality(op: Callable[[Any, Any], bool]) -> Callable[[Any], Run]:
    def build(node: Any) -> Run:
        left, right = _compile_operands(node)

        def run(scope: Scope) -> bool:
            a, b = left(scope), right(scope)
            return op(a, b) if type(a) in _SCALARS and type(b) in _SCALARS else _fail()

        return run

    return build


def _and(node: Any) -> Run:
    left, right = _compile_args(node, 2)
    return lambda scope: left(scope) and right(scope)


def _or(node: Any) -> Run:
    left, right = _compile_args(node, 2)
    return lambda scope: left(scope) or right(scope)


def _not(node: Any) -> Run:
    (arg,) = _compile_args(node, 1)
    return lambda scope: not arg(scope)


def _negative(node: Any) -> Run:
    (arg,) = _compile_args(node, 1)

    def run(scope: Scope) -> Any:
        value = arg(scope)
        return -value if type(value) in _NUMBERS else _fail()

    return run


def _len(node: Any) -> Run:
    (arg,) = _compile_args(node, 1)
    return lambda scope: _length(arg(scope))


def _str(node: Any) -> Run:
    (arg,) = _compile_args(node, 1)
    words = {None: "null", True: "true", False: "false"}

    def run(scope: Scope) -> Any:
        value = arg(scope)
        kind = type(value)
        if kind in {bool, type(None)}:
            return words[value]
        return _quota(str(_small(value)), scope) if kind in {int, float, str} else _fail()

    return run


def _mapping(node: Any) -> Run:
    """``dict(k => v, ...)`` and ``{k => v, ...}``: yaql's ``dict`` of mapping rules.

    Keys must be text here: yaql accepts any hashable key, but its output would then
    hold keys that the output copy refuses anyway.
    """
    rules = [_rule(arg) for arg in node.args]
    rules_size = _RULE_SIZE * len(rules)

    def run(scope: Scope) -> Any:
        if rules_size > scope.quota > 0:  # yaql measures its rule objects first
            return _fail()
        out = {}
        for key, value in rules:
            name = key(scope)
            if type(name) is not str:
                return _fail()
            out[name] = value(scope)
        return _quota(out, scope)

    return run


def _rule(node: Any) -> tuple[Run, Run]:
    if type(node) is not expressions.MappingRuleExpression:
        raise _Unsupported  # dict(pairs) is another yaql function
    return _compile(node.source), _compile(node.destination)


def _list(node: Any) -> Run:
    """``[a, b, ...]``: yaql makes a tuple, which reads and converts as this list does."""
    items = [_compile(arg) for arg in node.args]

    def run(scope: Scope) -> Any:
        out = [item(scope) for item in items]
        quota = scope.quota
        if quota > 0 and sum(map(sys.getsizeof, out)) > quota:  # yaql's check, all items
            return _fail()
        return _quota(out, scope)

    return run


def _in(node: Any) -> Run:
    """``text in text``, and ``scalar in list``: a scalar equals no collection, so the
    raw list holds it exactly when yaql's frozen copy does."""
    left, right = _compile_args(node, 2)

    def run(scope: Scope) -> bool:
        item, collection = left(scope), right(scope)
        kind = type(collection)
        if kind is str and type(item) is str:
            return item in collection
        if kind is list and type(item) in _SCALARS:
            most = scope.ctx.limits.max_iterations
            return _fail() if 0 <= most < len(collection) else item in collection
        return _fail()

    return run


def _conversion(convert: Callable[[Any], Any], null: Any) -> Callable[[Any], Run]:
    """``int(x)`` and ``float(x)``: yaql calls Python's on a number or text, and gives
    ``null`` for null."""

    def build(node: Any) -> Run:
        (arg,) = _compile_args(node, 1)

        def run(scope: Scope) -> Any:
            value = arg(scope)
            kind = type(value)
            if value is None:
                return null
            if kind in _NUMBERS or kind is bool or (kind is str and len(value) <= _LONG_TEXT):
                return _quota(convert(value), scope)
            return _fail()

        return run

    return build


def _bool(node: Any) -> Run:
    """``bool(x)``: truth, which raw lists and dicts share with yaql's frozen copies."""
    (arg,) = _compile_args(node, 1)

    def run(scope: Scope) -> bool:
        value = arg(scope)
        return bool(value) if type(value) in _TRUTHFUL else _fail()

    return run


class _View(NamedTuple):
    """A ``task()``, ``execution()`` or ``env()`` call, read without its copy."""

    call: tuple[str, ...]
    """The function's name and arguments."""
    read: Callable[[Context], Any]
    """The mapping the function would copy, or ``None``."""


def _view(node: Any) -> _View | None:
    """``node`` as a :class:`_View` (``None``: ``node`` is no such call)."""
    if type(node) is not expressions.Function or node.name not in functions.VIEWS:
        return None
    view, args = functions.VIEWS[node.name], _fact_args(node)
    return _View((node.name, *args), lambda ctx: view(ctx, *args))


def _fact_args(node: Any) -> tuple[str, ...]:
    """The arguments of a Mistral function call: none, or one constant text for
    ``task(t1)``."""
    args = node.args
    if len(args) > _FACT_ARGS[node.name]:
        raise _Unsupported
    if not all(isinstance(arg, expressions.Constant) and type(arg.value) is str for arg in args):
        raise _Unsupported
    return tuple(arg.value for arg in args)


def _fact(fn: Callable[..., Any]) -> Callable[[Any], Run]:
    """A Mistral function whose arguments :func:`_fact_args` accepts."""

    def build(node: Any) -> Run:
        args = _fact_args(node)
        return lambda scope: _quota(fn(scope.ctx, *args), scope)

    return build


_FACT_ARGS = {"task": 1, "env": 0, "execution": 0}


_BUILDERS: dict[str, Callable[[Any], Run]] = {
    "#operator_.": _attribute,
    "#indexer": _index,
    "#operator_+": _numeric(operator.add, strings=True),
    "#operator_-": _numeric(operator.sub),
    "#operator_*": _costly(operator.mul),
    "#operator_/": _costly(_divide),
    "#operator_mod": _costly(operator.mod),
    "#operator_<": _numeric(operator.lt, strings=True),
    "#operator_>": _numeric(operator.gt, strings=True),
    "#operator_<=": _numeric(operator.le, strings=True),
    "#operator_>=": _numeric(operator.ge, strings=True),
    "*equal": _equality(operator.eq),
    "*not_equal": _equality(operator.ne),
    "#operator_and": _and,
    "#operator_or": _or,
    "#unary_operator_not": _not,
    "#unary_operator_-": _negative,
    "#operator_in": _in,
    "#list": _list,
    "#map": _mapping,
    "dict": _mapping,
    "len": _len,
    "str": _str,
    "int": _conversion(int, 0),
    "float": _conversion(float, 0.0),
    "bool": _bool,
    "task": _fact(functions.task),
    "env": _fact(functions.env),
    "execution": _fact(functions.execution),
}
"""How to compile each supported operator or function, by yaql's name for it."""


class _Output:
    """yaql's output conversion of a compiled result: a deep copy with lists and dicts.

    Values that yaql would convert in another way (sets, bytes, other iterables,
    mappings that are not dicts, non-text keys) need yaql, and so do collections longer
    than ``max_iterations``, which yaql's conversion refuses. The copy also counts the
    result's size as :func:`~meltemi.expr.limits.check_size` does, so that the caller
    need not walk it a second time: past ``max_result_bytes`` it stops and needs yaql,
    whose result the size check then refuses with its own words.
    """

    __slots__ = ("left", "most", "quota")

    def __init__(self, limits: Limits) -> None:
        self.left = limits.max_result_bytes
        """Bytes the result may still take."""
        self.most = limits.max_iterations if limits.max_iterations >= 0 else sys.maxsize
        """The longest collection yaql's output conversion accepts."""
        self.quota = limits.max_memory if limits.max_memory > 0 else sys.maxsize
        """yaql's conversion passes each list through a function, so its memory quota."""

    def copy(self, value: Any) -> Any:
        """The plain copy of ``value``, or :class:`Fallback`; see :attr:`left` after."""
        kind = type(value)
        if kind is dict:
            return self._dict(value)
        if kind is list or kind is tuple:
            return self._list(value)
        if kind is str:
            self.left -= len(value) + 8
            return value
        if kind in _LEAVES or not isinstance(value, Iterable):
            self.left -= 16
            return value
        return _fail()  # sets, bytes, subclasses, generators...

    # The loops below count text and scalars inline and call the copy of a dict or list
    # directly: most items are such, and each call costs more than the counting.

    def _dict(self, value: dict[Any, Any]) -> dict[str, Any]:
        left = self.left - 8 * len(value) - 8
        if left < 0 or len(value) > self.most:
            return _fail()
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                return _fail()
            kind = type(item)
            if kind is str:
                left -= len(key) + len(item) + 16
            elif kind in _LEAVES:
                left -= len(key) + 24
            else:
                self.left = left - len(key) - 8
                item = self._dict(item) if kind is dict else self.copy(item)
                left = self.left
            out[key] = item
        return self._spent(left, out)

    def _list(self, value: list[Any] | tuple[Any, ...]) -> list[Any]:
        left = self.left - 8 * len(value) - 8
        if left < 0 or len(value) > self.most or sys.getsizeof(value) > self.quota:
            return _fail()
        out: list[Any] = []
        append = out.append
        for item in value:
            kind = type(item)
            if kind is str:
                left -= len(item) + 8
            elif kind in _LEAVES:
                left -= 16
            else:
                self.left = left
                item = self._dict(item) if kind is dict else self.copy(item)
                left = self.left
            append(item)
        return self._spent(left, out)

    def _spent(self, left: int, out: _T) -> _T:
        """``out``, once its size fits; checked per collection, so that the walk of a
        result far too large stops within about ``max_result_bytes / 8`` items."""
        if left < 0:
            return _fail()
        self.left = left
        return out
