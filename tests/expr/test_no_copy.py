"""evaluate() returns data holding no expression as it is, and copies only what changes."""

from __future__ import annotations

import collections
from typing import Any

from meltemi import expr


def _rows(count: int, last: Any = "-") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"name": f"row-{i}", "size": i, "tags": ["a", "b"], "ok": i % 2 == 0, "note": None}
        for i in range(count)
    ]
    rows[-1]["last"] = last
    return rows


def test_plain_data_is_not_copied(ctx: expr.Context) -> None:
    """Small and big containers without expressions come back as the same objects."""
    for value in ({"a": [1, "x"]}, _rows(200), tuple(_rows(20)), {"k": _rows(50)}):
        assert expr.evaluate(value, ctx) is value


def test_expression_deep_in_big_data(ctx: expr.Context) -> None:
    """An expression deep inside big data is evaluated; untouched branches are shared."""
    value = {"rows": _rows(200, last={"v": "<% $.n %>"}), "other": _rows(30)}
    result = expr.evaluate(value, ctx)
    assert result["rows"][-1]["last"] == {"v": 3}
    assert value["rows"][-1]["last"] == {"v": "<% $.n %>"}
    assert result["rows"][0] is value["rows"][0]
    assert result["other"] is value["other"]


def test_marks_without_expression(ctx: expr.Context) -> None:
    """Text with expression marks but no whole expression is kept as it is."""
    value = _rows(20, last="{{ not closed and <% neither")
    assert expr.evaluate(value, ctx) is value


def test_other_types_in_big_data(ctx: expr.Context) -> None:
    """Big data holding other types (here a dict subclass and a set) is still walked."""
    inner = collections.OrderedDict(k="{{ _.n * 2 }}")
    value = [*_rows(10), inner, {1, 2}]
    result = expr.evaluate(value, ctx)
    assert result[10] == {"k": 6}
    assert type(result[10]) is dict
    assert result[11] == {1, 2}
