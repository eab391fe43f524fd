"""Mistral filter prefixes select the right rows on every backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from meltemi import errors
from meltemi.store import models, query, rows
from meltemi.store.db import Database

A = models.ActionExecution


def _seed(db: Database) -> None:
    with db.transaction() as s:
        for i, (name, state) in enumerate(
            [
                ("std.echo", "SUCCESS"),
                ("std.noop", "ERROR"),
                ("std.echo", "RUNNING"),
                ("my.act", "SUCCESS"),
            ]
        ):
            rows.create(s, A, name=name, state=state, attempt=i + 1, accepted=i % 2 == 0)


def _names(db: Database, **filters: Any) -> list[tuple[str, int]]:
    with db.transaction(readonly=True) as s:
        found = rows.list_page(s, A, query.Page(sort_keys=("attempt",)), filters)
        return [(r.name, r.attempt) for r in found]


CASES: list[tuple[dict[str, Any], list[tuple[str, int]]]] = [
    ({"name": "std.echo"}, [("std.echo", 1), ("std.echo", 3)]),
    ({"name": "eq:std.noop"}, [("std.noop", 2)]),
    ({"name": "neq:std.echo"}, [("std.noop", 2), ("my.act", 4)]),
    ({"attempt": "gt:2"}, [("std.echo", 3), ("my.act", 4)]),
    ({"attempt": "gte:2", "state": "SUCCESS"}, [("my.act", 4)]),
    ({"attempt": "lt:2"}, [("std.echo", 1)]),
    ({"attempt": "lte:2"}, [("std.echo", 1), ("std.noop", 2)]),
    ({"state": "in:ERROR,RUNNING"}, [("std.noop", 2), ("std.echo", 3)]),
    ({"state": "nin:ERROR,RUNNING"}, [("std.echo", 1), ("my.act", 4)]),
    ({"name": "has:std."}, [("std.echo", 1), ("std.noop", 2), ("std.echo", 3)]),
    ({"accepted": "true"}, [("std.echo", 1), ("std.echo", 3)]),
    ({"accepted": False}, [("std.noop", 2), ("my.act", 4)]),
    ({"task_name": None}, [("std.echo", 1), ("std.noop", 2), ("std.echo", 3), ("my.act", 4)]),
]


def test_each_operator_selects_exactly_its_rows(db: Database) -> None:
    """Each operator (and plain equality, booleans, None) keeps exactly its rows."""
    _seed(db)
    for filters, expected in CASES:
        assert _names(db, **filters) == expected, filters


def test_has_treats_like_wildcards_literally(db: Database) -> None:
    """``has:`` is a plain substring: ``%`` and ``_`` match only themselves."""
    _seed(db)
    assert _names(db, name="has:%") == []
    assert _names(db, name="has:d_e") == []


def test_timestamp_filters_parse_iso_text(db: Database) -> None:
    """created_at compares with ISO 8601 text, naive text being UTC."""
    _seed(db)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).replace(tzinfo=None).isoformat()
    assert len(_names(db, created_at=f"lt:{future}")) == 4
    assert _names(db, created_at=f"gte:{future}") == []


def test_malformed_value_raises_query_error(db: Database) -> None:
    """A value that does not fit the column type is a QueryError, not a DB error."""
    with db.transaction(readonly=True) as s, pytest.raises(errors.QueryError, match="attempt"):
        rows.list_page(s, A, None, {"attempt": "gt:many"})


def test_parse_filter_recognises_only_known_prefixes() -> None:
    """Unknown prefixes are part of an equality value; list operators split on commas."""
    assert query.parse_filter("in:a,b") == query.Filter("in", ["a", "b"])
    assert query.parse_filter("http://x") == query.Filter("eq", "http://x")
    assert query.parse_filter("gte:") == query.Filter("gte", "")
