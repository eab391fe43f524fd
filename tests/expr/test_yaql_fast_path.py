"""The fast YAQL path and lazy input conversion give exactly what yaql alone gives."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meltemi import errors, expr
from meltemi.expr import yaql_eval, yaql_fast

DATA: dict[str, Any] = {
    "n": 3,
    "neg": -7,
    "big": 10**30,
    "f": 2.5,
    "zero": 0,
    "who": "Neo",
    "empty": "",
    "flag": True,
    "off": False,
    "nothing": None,
    "names": ["a", "b", "c"],
    "nums": [3, 1, 2],
    "none": [],
    "cfg": {"x": 1, "y": [1, {"z": None}]},
    "recs": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}],
    "deep": {"a": {"b": {"c": [1, 2, {"d": "e"}]}}},
    "tuple": (1, 2),
    "set": {1},
    "odd_keys": {1: "one"},
}


class _OneTask:
    """Facts with one task execution, ``t1``."""

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        return {"name": "t1", "result": {"out": [1, 2]}} if name in {None, "t1"} else None

    def tasks(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()

    def executions(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()


CTX = expr.Context(
    data=DATA, env={"region": "eu"}, execution={"id": "wf-1", "input": {"k": [1]}}, facts=_OneTask()
)

COMPILED = [
    "$",
    "$.n",
    "$.cfg.y[1].z",
    "$.deep.a.b.c[2].d",
    "$.x.y + len($.items)",
    "$.n * 2 - $.neg / 2 + $.f",
    "$.n mod 2 = 1 and not $.off or $.nothing",
    "$.who + '!' + str($.n) + str($.nothing) + str($.flag) + str($.f)",
    "$.names[-1] < $.who",
    "$.cfg['x'] >= 1",
    "-$.n != $.neg",
    "task(t1).result.out[0]",
    "task().result",
    "task(t2)",
    "env().region",
    "execution().input",
    "$.names.len() + $.cfg.len() + len($.who)",
    "$.recs[1]",
    "$.missing",
    "$.n / $.zero",
    "$.n + $.flag",
    "$.names + $.nums",
    "$.names = $.nums",
    "$.nothing < 1",
    "$.n.x",
    "$.names[5]",
    "$.names[$.flag]",
    "$.tuple",
    "$.set",
    "$.odd_keys",
    "$.who * 3",
    "$.big * $.big",
    "bareword",
    "$.recs.a",
    "str($.cfg)",
    "str($.names)",
    "$.deep.a.b.c.len()",
    "$.set.len()",
    "'x' in $.cfg",
    "[$.n, $.who]",
    "[]",
    "[$.names, $.cfg, [$.tuple], $.set]",
    "[1, 2][1]",
    "[$.n][1]",
    "dict()",
    "dict(a => 1, a => $.n)",
    "dict(a => $.names, 'b' => $.cfg.y)",
    "dict($.who => 1)",
    "dict($.n => 1)",
    "dict($.names => 1)",
    "dict(a => $.set)",
    "dict(a => $.missing)",
    "dict(payload => task().result.out, step => len(task().result.out) + 1)",
    "{}",
    "{a => 1, 'b' => [2, {c => $.recs}]}",
    "{a => {b => $.n}}.a.b",
    "{a => 1}.b",
    "{null => 1}",
    "len({a => 1, b => 2}) + len([1])",
    "$.n in [1, 2, 3]",
    "'b' in $.names",
    "'e' in $.who",
    "1.0 in $.nums",
    "null in [$.nothing]",
    "$.names in [$.names]",
    "1 in $.tuple",
    "1 in 'abc'",
    "'a' in $.recs[0]",
    "int('42') + int(' 7 ') + int($.f) + int(null) + int(true)",
    "int('2.5')",
    "int($.names)",
    "float('2.5') + float($.n) + float(null) + float(false)",
    "float($.who)",
    "float($.big)",
    "bool($.names) and bool($.cfg) and not bool($.none) and not bool('')",
    "bool($.set)",
    "bool(null)",
]
"""Expressions the fast path compiles; some of them need yaql at run time."""

FALLBACK = [
    "$.nums.where($ > 1)",
    "$.recs.select($.a)",
    "$.recs.where($.a = 2).first().b",
    "$.cfg.keys()",
    "$.cfg.items()",
    "$.cfg.get(z, 0)",
    "$.cfg = {x => 1, y => [1, {z => null}]}",
    "$.names = [a, b, c]",
    "$.names.distinct()",
    "$.cfg + {w => 2}",
    "let(x => $.n) -> $x + 1",
    "$.n?.x",
    "dict($.cfg)",
    "dict([[a, 1]])",
    "dict($.cfg, a => 1)",
    "[1] + [2]",
    "[1] < [2]",
    "{a => 1} != {a => 2}",
    "$zz",
    "$.recs.orderBy($.b).select($.a)",
    "$.recs.select(int($))",
    "$.recs.select(float($))",
]
"""Expressions the fast path does not compile: yaql over lazily converted input."""


def _typed(value: Any) -> Any:
    """The value with every type spelled out, so that 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple | set):
        return (type(value).__name__, [_typed(item) for item in value])
    return (type(value).__name__, value)


def _outcome(evaluate: Any, source: str, ctx: expr.Context = CTX) -> Any:
    try:
        return ("value", _typed(evaluate(source, ctx)))
    except errors.ExpressionError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("source", COMPILED)
def test_compiled_expressions_agree(source: str) -> None:
    """Each expression compiles, and gives yaql's value or error."""
    assert yaql_fast.compile_statement(yaql_eval.parse(source)) is not None
    assert _outcome(yaql_eval.evaluate, source) == _outcome(yaql_eval.reference, source)


@pytest.mark.parametrize("source", FALLBACK)
def test_other_expressions_agree(source: str) -> None:
    """Each expression is left to yaql, and lazy input conversion changes nothing."""
    assert yaql_fast.compile_statement(yaql_eval.parse(source)) is None
    assert _outcome(yaql_eval.evaluate, source) == _outcome(yaql_eval.reference, source)


FEW_ITERATIONS = dataclasses.replace(CTX, limits=expr.Limits(max_iterations=2))


@pytest.mark.parametrize(
    "source", ["$.names", "$.cfg", "$.recs", "$.deep", "$.nums[0]", "len($.names)", "$.tuple"]
)
def test_iteration_limit_agrees(source: str) -> None:
    """A result holding a collection longer than max_iterations fails as in yaql."""
    expected = _outcome(yaql_eval.reference, source, FEW_ITERATIONS)
    assert _outcome(yaql_eval.evaluate, source, FEW_ITERATIONS) == expected


OPERANDS = st.sampled_from(
    [
        "$.n", "$.neg", "$.f", "$.zero", "$.big", "$.who", "$.empty", "$.flag", "$.off",
        "$.nothing", "$.names", "$.nums[0]", "$.cfg", "$.cfg.y", "$.recs[0].b", "$.none",
        "1", "0", "2.5", "-1", "'a'", "''", "null", "true", "false", "task(t1).result.out",
        "env().region", "$.tuple", "$.set",
    ]
)  # fmt: skip
BINARY = st.sampled_from(["+", "-", "*", "/", "mod", "<", ">", "<=", ">=", "=", "!=", "and", "or"])


def _expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda e: f"not {e}"),
            inner.map(lambda e: f"-{e}"),
            inner.map(lambda e: f"len({e})"),
            inner.map(lambda e: f"str({e})"),
            inner.map(lambda e: f"{e}.len()"),
            st.tuples(inner, OPERANDS).map(lambda t: f"{t[0]}[{t[1]}]"),
        )

    return st.recursive(OPERANDS, extend, max_leaves=4)


@settings(max_examples=150, deadline=None)
@given(_expressions())
def test_random_expressions_agree(source: str) -> None:
    """Any mix of supported operators and operands gives yaql's value or error."""
    assert _outcome(yaql_eval.evaluate, source) == _outcome(yaql_eval.reference, source)


LITERALS = st.sampled_from(
    [
        "$.n", "$.f", "$.big", "$.who", "$.empty", "$.flag", "$.nothing", "$.names",
        "$.cfg", "$.none", "$.tuple", "$.set", "$.missing", "$.recs[0]", "'2'", "' 7 '",
        "'2.5'", "''", "1", "2.5", "null", "true", "task(t1).result.out", "$.cfg.x",
    ]
)  # fmt: skip
KEYS = st.sampled_from(["a", "b", "'a'", "'c d'", "$.who", "$.n", "$.names", "null"])


def _shapes() -> st.SearchStrategy[str]:
    """Expressions mixing literals, ``dict``, ``in`` and conversions with operators."""

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        rules = st.lists(st.tuples(KEYS, inner), max_size=3).map(
            lambda pairs: ", ".join(f"{k} => {v}" for k, v in pairs)
        )
        return st.one_of(
            st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
            rules.map(lambda r: f"dict({r})"),
            rules.map(lambda r: f"{{{r}}}"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]} in {t[1]})"),
            st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.sampled_from(["int", "float", "bool", "str", "len", "not "]).flatmap(
                lambda fn: inner.map(lambda e: f"{fn}({e})")
            ),
            st.tuples(inner, st.sampled_from(["a", "b", "x", "len()"])).map(
                lambda t: f"{t[0]}.{t[1]}"
            ),
            st.tuples(inner, st.sampled_from(["0", "-1", "'a'", "$.n"])).map(
                lambda t: f"{t[0]}[{t[1]}]"
            ),
        )

    return st.recursive(LITERALS, extend, max_leaves=5)


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _stable(outcome: Any) -> str:
    """The outcome without object addresses (``str()`` of a yaql iterator shows one)."""
    return _ADDRESS.sub(" at 0x?", repr(outcome))


@settings(max_examples=300, deadline=None)
@given(_shapes())
def test_random_shapes_agree(source: str) -> None:
    """Any mix of literals, dict(), in, conversions and operators gives yaql's outcome."""
    expected = _stable(_outcome(yaql_eval.reference, source))
    assert _stable(_outcome(yaql_eval.evaluate, source)) == expected


class _Result:
    """Facts where every task's result is ``result``."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        return {"name": name or "t", "state": "SUCCESS", "result": self.result}

    def tasks(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()

    def executions(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(2**4000, 2**4100)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=4)
    | st.sampled_from(["a", "k", " 12 ", "1e3", "-0.5"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "k", "payload", "step"]) | st.text(max_size=2), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
"""Workflow data as JSON gives it, with a few huge integers (which yaql must handle)."""

SHAPES = [
    "dict(payload => task().result.payload, step => task().result.step + 1)",
    "len(task().result.payload)",
    "dict(a => $.a, b => [$.b, $.a])",
    "{a => $.a, 'b' => {c => $.b}}",
    "dict($.a => $.b)",
    "[$.a, $.b, [$.a]]",
    "[$.a, $.b][$.a]",
    "$.a in $.b",
    "$.a in [$.b, 1, 'a', null, true]",
    "$.a + $.b",
    "$.a - $.b",
    "$.a * $.b",
    "$.a / $.b",
    "$.a mod $.b",
    "-$.a",
    "not $.a",
    "$.a = $.b",
    "$.a != $.b",
    "$.a < $.b",
    "$.a >= $.b",
    "$.a and $.b",
    "$.a or [$.b]",
    "int($.a)",
    "float($.a)",
    "bool($.a)",
    "str($.a)",
    "len($.a)",
    "$.a.k",
    "$.a.len()",
    "$.a[0]",
    "$.a[$.b]",
    "$.a.k.k",
    "task().result.a",
]
"""Every compiled shape, over data that may miss keys or hold any type."""


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(SHAPES), JSON, JSON)
def test_shapes_agree_on_generated_data(source: str, a: Any, b: Any) -> None:
    """Each compiled shape gives yaql's value, or yaql's error, whatever the data."""
    ctx = expr.Context(data={"a": a, "b": b}, facts=_Result({"payload": a, "step": b, "a": a}))
    assert yaql_eval.compiled(source) is not None
    assert _outcome(yaql_eval.evaluate, source, ctx) == _outcome(yaql_eval.reference, source, ctx)


class _LazyView(Mapping[str, Any]):
    """A mapping computing ``spec`` on first read, as the engine's task views do."""

    def __init__(self, values: dict[str, Any], fields: int = 0) -> None:
        self.known = {**values, **{f"f{i}": i for i in range(fields)}}
        self.specs = 0
        """How many times ``spec`` was computed."""

    def __getitem__(self, key: str) -> Any:
        if key == "spec":
            self.specs += 1
            return {"action": "std.echo"}
        return self.known[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.known
        yield "spec"

    def __len__(self) -> int:
        return len(self.known) + 1


class _LazyFacts:
    """Facts whose ``task()`` is a lazy view (with ``fields`` extra fields)."""

    def __init__(self, fields: int = 0) -> None:
        self.view = _LazyView({"name": "t1", "result": {"out": [1, 2]}, "state": None}, fields)
        self.reads = 0
        """How many times task() was asked for."""

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        self.reads += 1
        return self.view if name in {None, "t1"} else None

    def tasks(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()

    def executions(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()


VIEWS = [
    "task().result",
    "task(t1).result.out[1]",
    "task('t1').spec",
    "task().state",
    "task().missing",
    "task(t2).result",
    "task('').result",
    "execution().input.k",
    "execution().missing",
    "env().region",
    "env().missing",
    "dict(r => task().result, n => len(task().result.out))",
]


@pytest.mark.parametrize("fields", [0, 2000])
@pytest.mark.parametrize("source", VIEWS)
def test_one_field_of_a_view_agrees(source: str, fields: int) -> None:
    """One field of task(), execution() or env() is yaql's value or error, even for a
    view too large to be read without yaql's copy."""
    assert yaql_eval.compiled(source) is not None
    for quota in (0, 1 << 16, 1 << 17):
        ctx = dataclasses.replace(
            CTX, facts=_LazyFacts(fields), limits=expr.Limits(max_memory=quota)
        )
        assert _outcome(yaql_eval.evaluate, source, ctx) == _outcome(
            yaql_eval.reference, source, ctx
        )


def test_one_field_of_a_view_computes_no_other() -> None:
    """task().result reads the result alone: the lazy spec is not computed for it."""
    facts = _LazyFacts()
    ctx = dataclasses.replace(CTX, facts=facts)
    assert expr.evaluate("<% task().result.out %>", ctx) == [1, 2]
    assert facts.view.specs == 0
    assert expr.evaluate("<% task().name %>", ctx) == "t1"
    assert facts.view.specs == 0


def test_a_view_is_read_once_per_evaluation() -> None:
    """task() twice in one expression asks the facts once (they do not change meanwhile)."""
    facts = _LazyFacts()
    ctx = dataclasses.replace(CTX, facts=facts)
    value = expr.evaluate("<% dict(out => task().result.out, n => task().name) %>", ctx)
    assert value == {"out": [1, 2], "n": "t1"}
    assert facts.reads == 1
