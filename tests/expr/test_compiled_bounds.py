"""Compiled YAQL, which runs outside the watchdog, keeps the bounds of yaql's path.

The result size (``max_result_bytes``), collection lengths (``max_iterations``), the
memory quota (``max_memory``) and big integers give the same values and errors as yaql
followed by the size check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meltemi import errors, expr
from meltemi.expr import limits, syntax, yaql_eval


def _grown(count: int) -> list[int]:
    """A list built by appending, so with room to spare (larger than its tuple)."""
    out: list[int] = []
    for i in range(count):
        out.append(i)  # noqa: PERF402 - the spare room is the point
    return out


DATA: dict[str, Any] = {
    "s": "x" * 50,
    "l": list(range(10)),
    "d": {"k": "v" * 30, "n": [1, 2.5, {"z": None, "t": True}]},
    "n": 3,
    "huge": 10**2000,
}
BIG_DATA = {
    **DATA,
    "big_s": "x" * 100_000,
    "big_l": list(range(9000)),
    "big_d": {f"k{i}": i for i in range(3000)},
    "nest": {"l": _grown(9000)},
}
"""Values around the memory quotas tested, which yaql measures as it goes."""
SOURCES = [
    "$",
    "$.s",
    "$.l",
    "$.d",
    "$.d.n",
    "$.d.n[2]",
    "$.n",
    "str($.n)",
    "$.s + $.s",
    "$.huge + 1",
    "$.huge * 3",
    "$.huge / 7",
    "$.huge mod 7",
    "str($.huge)",
    "len($.l) * $.n",
]


class _Facts:
    """``task()`` is a task whose result holds lists built by appending."""

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        return {"name": "t", "result": {"out": _grown(17), "small": _grown(3)}}

    def tasks(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()

    def executions(self, *_args: Any) -> Sequence[Mapping[str, Any]]:
        return ()


SOURCES += ["task().result.out", "task().result.small[1]", "len(task().result.out)"]
TEXTS = [
    *(f"<% {source} %>" for source in SOURCES),
    "<% $.s %> and <% $.n %>",
    "items: <% $.l %>, <% $.d.k %>!",
    "<% $.d %><% $.d %>",
]


def _typed(value: Any) -> Any:
    """The value with every type spelled out, so that 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    return (type(value).__name__, value)


def _outcome(text: str, ctx: expr.Context) -> Any:
    try:
        return ("value", _typed(expr.evaluate(text, ctx)))
    except errors.ExpressionError as exc:
        return ("error", str(exc))


def _reference(text: str, ctx: expr.Context) -> Any:
    """What evaluate() gives when yaql alone evaluates each expression of ``text``."""
    try:
        whole = syntax.whole_yaql(text)
        if whole is not None:
            value = yaql_eval.reference(whole, ctx)
        else:
            pieces = syntax.YAQL_PATTERN.split(text)
            value = "".join(
                expr.render(yaql_eval.reference(piece, ctx)) if index % 2 else piece
                for index, piece in enumerate(pieces)
            )
        limits.check_size(value, ctx.limits.max_result_bytes)
    except errors.ExpressionError as exc:
        return ("error", str(exc))
    except limits.TooLarge as exc:
        return ("error", str(errors.ExpressionError(text.strip(), str(exc), "YAQL")))
    return ("value", _typed(value))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(TEXTS), st.integers(0, 1500), st.integers(-1, 12))
def test_bounds_agree(text: str, max_result_bytes: int, max_iterations: int) -> None:
    """Under any size and length limits, a compiled expression gives yaql's outcome."""
    bounds = expr.Limits(max_result_bytes=max_result_bytes, max_iterations=max_iterations)
    ctx = expr.Context(data=DATA, facts=_Facts(), limits=bounds)
    assert _outcome(text, ctx) == _reference(text, ctx)


BIG_TEXTS = [
    "<% $.big_s %>",
    "<% $.big_s + $.s %>",
    "<% len($.big_s + $.big_s) %>",
    "<% len($.big_l) %>",
    "<% $.big_l[7] %>",
    "<% $.big_d.k7 %>",
    "<% len($.big_d) %>",
    "<% $.big_l %>",
    "<% $.big_d %>",
    "<% $.nest %>",
    "<% $ %>",
]
QUOTAS = st.integers(-1, 700) | st.integers(1 << 16, 1 << 18)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEXTS), QUOTAS)
def test_memory_quota_agrees(text: str, max_memory: int) -> None:
    """Under any memory quota, a compiled expression gives yaql's outcome."""
    ctx = expr.Context(data=DATA, facts=_Facts(), limits=expr.Limits(max_memory=max_memory))
    assert _outcome(text, ctx) == _reference(text, ctx)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(BIG_TEXTS), st.integers(1 << 16, 1 << 18))
def test_memory_quota_agrees_on_big_values(text: str, max_memory: int) -> None:
    """Values around the quota, inside the result too, give yaql's outcome."""
    bounds = expr.Limits(max_memory=max_memory)
    ctx = expr.Context(data=BIG_DATA, facts=_Facts(), limits=bounds)
    assert _outcome(text, ctx) == _reference(text, ctx)


def _size(value: Any) -> int:
    """The size check_size documents, for plain data."""
    if isinstance(value, str):
        return len(value) + 8
    if isinstance(value, dict):
        return 8 * len(value) + 8 + sum(_size(k) + _size(v) for k, v in value.items())
    if isinstance(value, list):
        return 8 * len(value) + 8 + sum(_size(item) for item in value)
    return 16


@pytest.mark.parametrize("text", TEXTS)
def test_size_limit_exact(text: str) -> None:
    """At one byte less than its result's size, an expression fails; at its size, not."""
    size = _size(expr.evaluate(text, expr.Context(data=DATA, facts=_Facts())))
    for limit in (size - 1, size, size + 1):
        bounds = expr.Limits(max_result_bytes=limit)
        ctx = expr.Context(data=DATA, facts=_Facts(), limits=bounds)
        assert _outcome(text, ctx) == _reference(text, ctx)
        assert (_outcome(text, ctx)[0] == "error") is (limit < size)


def test_expressions_compile() -> None:
    """The expressions above are compiled (else this file would test yaql alone)."""
    assert all(yaql_eval.compiled(source) is not None for source in SOURCES)
