"""Mistral-style collections: paging parameters, filters and ``next`` links.

A list endpoint takes ``marker`` (id of the last item of the previous page), ``limit``,
``sort_keys``/``sort_dirs`` (comma-separated), ``fields`` (comma-separated) and filters
on resource attributes. A filter value may carry an operator prefix, as in Mistral:
``eq:``, ``neq:``, ``gt:``, ``gte:``, ``lt:``, ``lte:``, ``has:``, ``in:``/``nin:``
(comma-separated lists); a bare value means ``eq``. When a page is full, the answer
carries a ``next`` link to the following page.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Query, Request

from meltemi import errors
from meltemi.api import render
from meltemi.store import query, rows
from meltemi.store.db import Database

MAX_LIMIT = 1000
"""A request without a limit (or a larger one) gets at most this many items, as Mistral's
``[api] max_limit``; the ``next`` link pages further."""
OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "has", "in", "nin")
SORT_DIRS = ("asc", "desc")

Filters = dict[str, Any]
"""``{attribute: value}`` for the store: the client's text (``"gt:5"``, the store parses the
prefix and converts to the column's type) or a ``query.Filter`` already decoded."""


class Kind(enum.Enum):
    """How a filter's value is read."""

    TEXT = "text"
    """Passed to the store as written (it knows the column's type)."""
    JSON = "json"
    """A JSON attribute (``input``, ``params``, ...): the value is JSON text."""
    TAG = "tag"
    """A list attribute (``tags``): the items must include the value."""


@dataclasses.dataclass(frozen=True)
class Page:
    """The paging part of a list request, validated."""

    limit: int = MAX_LIMIT
    marker: str | None = None
    sort_keys: tuple[str, ...] = ("created_at",)
    sort_dirs: tuple[str, ...] = ("asc",)
    fields: tuple[str, ...] = ()
    """Requested fields, ``key`` first; empty means all fields."""
    key: str = "id"
    """The attribute a marker names (``id``; ``name`` for actions)."""

    def for_store(self) -> query.Page:
        """The store's page: every column is loaded (the API projects ``fields`` itself)."""
        return query.Page(
            limit=self.limit, marker=self.marker, sort_keys=self.sort_keys, sort_dirs=self.sort_dirs
        )

    def check_fields(self, known: Sequence[str]) -> None:
        """Raise ``InputError`` when a requested field is not an attribute of the resource."""
        unknown = [f for f in self.fields if f not in known]
        if unknown:
            raise errors.InputError(
                f"Some fields do not exist [{', '.join(unknown)}], "
                f"please choose from [{', '.join(known)}]",
                field="fields",
            )


@dataclasses.dataclass(frozen=True)
class Listing:
    """A whole list request: its page, the filters for the store, and the raw filters."""

    page: Page
    filters: Filters
    raw_filters: dict[str, str]
    """Filters as the client wrote them, repeated in the ``next`` link."""

    def renamed(self, columns: Mapping[str, str]) -> Listing:
        """This listing with attribute names mapped to store columns (filters, sort keys)."""
        page = dataclasses.replace(
            self.page, sort_keys=tuple(columns.get(k, k) for k in self.page.sort_keys)
        )
        filters = {columns.get(k, k): v for k, v in self.filters.items()}
        return dataclasses.replace(self, page=page, filters=filters)

    def with_filter(self, name: str, value: str) -> Listing:
        """This listing narrowed by ``name == value`` (e.g. a parent id from the path)."""
        return dataclasses.replace(
            self,
            filters={**self.filters, name: query.Filter("eq", value)},
            raw_filters={**self.raw_filters, name: f"eq:{value}"},
        )


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def make_page(
    *,
    marker: str | None,
    limit: int | None,
    sort_keys: str,
    sort_dirs: str,
    fields: str,
    key: str = "id",
) -> Page:
    """Validate paging parameters as Mistral does (``InputError`` when they are wrong)."""
    if limit is not None and limit <= 0:
        raise errors.InputError("Limit must be positive.", field="limit")
    keys = _unique([k.lower() for k in _split(sort_keys)])
    dirs = [d.lower() for d in _split(sort_dirs)]
    if len(keys) < len(dirs):
        raise errors.InputError(
            "Length of sort_keys must be equal or greater than sort_dirs.", field="sort_dirs"
        )
    dirs += ["asc"] * (len(keys) - len(dirs))
    if any(d not in SORT_DIRS for d in dirs):
        raise errors.InputError(
            "Unknown sort direction, must be 'desc' or 'asc'.", field="sort_dirs"
        )
    wanted = _unique(_split(fields))
    if wanted and key not in wanted:
        wanted.insert(0, key)
    return Page(
        limit=MAX_LIMIT if limit is None else min(limit, MAX_LIMIT),
        marker=marker or None,
        sort_keys=tuple(keys),
        sort_dirs=tuple(dirs),
        fields=tuple(wanted),
        key=key,
    )


def make_fields(fields: str, known: Sequence[str], *, key: str = "id") -> tuple[str, ...]:
    """The ``fields`` of a single-resource request, checked, ``key`` first (empty: all)."""
    page = make_page(marker=None, limit=None, sort_keys="", sort_dirs="", fields=fields, key=key)
    page.check_fields(known)
    return page.fields


def parse_filter(name: str, raw: str, kind: Kind) -> Any:
    """The store's filter for ``name=raw``: the text itself, or a decoded ``query.Filter``."""
    if kind is Kind.TEXT:
        return raw
    if kind is Kind.TAG:
        return query.Filter("has", json.dumps(raw))
    op, value = "eq", raw
    head, sep, tail = raw.partition(":")
    if sep and head in OPERATORS:
        op, value = head, tail
    try:
        decoded = [json.loads(v) for v in value.split(",")] if op in {"in", "nin"} else None
        return query.Filter(op, decoded if decoded is not None else json.loads(value))  # type: ignore[arg-type]
    except ValueError:
        raise errors.InputError(f"Invalid filter {name}={raw!r}: not JSON", field=name) from None


def listing(
    filters: Mapping[str, Kind], *, default_sort: str = "created_at", key: str = "id"
) -> Callable[..., Awaitable[Listing]]:
    """A FastAPI dependency reading paging parameters and the ``filters`` a resource takes
    (a coroutine, so that FastAPI runs it on the event loop, not in its thread pool)."""

    async def dependency(
        request: Request,
        *,
        marker: str | None = Query(None, description="Id of the last item already seen"),
        limit: int | None = Query(None, description=f"Page size (at most {MAX_LIMIT})"),
        sort_keys: str = Query(default_sort, description="Comma-separated attributes"),
        sort_dirs: str = Query("asc", description="Comma-separated asc|desc"),
        fields: str = Query("", description="Comma-separated attributes to return"),
    ) -> Listing:
        page = make_page(
            marker=marker,
            limit=limit,
            sort_keys=sort_keys,
            sort_dirs=sort_dirs,
            fields=fields,
            key=key,
        )
        raw = {n: v for n, v in request.query_params.items() if n in filters}
        parsed = {n: parse_filter(n, v, filters[n]) for n, v in raw.items()}
        return Listing(page=page, filters=parsed, raw_filters=raw)

    return dependency


def next_link(
    request: Request, resource: str, listing: Listing, items: Sequence[Mapping[str, Any]]
) -> str | None:
    """The link to the page after ``items``, or ``None`` when this page is not full."""
    page = listing.page
    if not items or len(items) != page.limit:
        return None
    key = page.key
    params: dict[str, Any] = {
        "sort_keys": ",".join(page.sort_keys),
        "sort_dirs": ",".join(page.sort_dirs),
        **listing.raw_filters,
        "limit": page.limit,
        "marker": items[-1][key],
    }
    if page.fields:
        params["fields"] = ",".join(page.fields)
    base = str(request.base_url).rstrip("/")
    return f"{base}/v2/{resource}?{urlencode(params, quote_via=quote, safe=':,')}"


def collection(
    request: Request,
    resource: str,
    listing: Listing,
    items: Sequence[Mapping[str, Any]],
    *,
    key: str | None = None,
) -> dict[str, Any]:
    """Mistral's collection body: ``{resource: [...], "next": link}`` (``next`` if any)."""
    body: dict[str, Any] = {key or resource: list(items)}
    link = next_link(request, resource, listing, items)
    if link is not None:
        body["next"] = link
    return body


def stored_page(
    request: Request,
    db: Database,
    listing: Listing,
    *,
    model: type[Any],
    resource: str,
    render_row: Callable[[Any], Mapping[str, Any]],
    fields: Sequence[str],
    renamed: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The collection body of one page of stored ``model`` rows, each rendered by
    ``render_row`` and cut to the requested fields (``renamed`` maps API filter and
    sort names to columns)."""
    listing.page.check_fields(fields)
    store_listing = listing.renamed(renamed) if renamed else listing
    with db.transaction(readonly=True) as session:
        found = rows.list_page(
            session, model, store_listing.page.for_store(), store_listing.filters
        )
        items = [render.project(render_row(r), listing.page.fields) for r in found]
    return collection(request, resource, listing, items)
