"""How values look on the wire: Mistral's JSON-encoded strings and timestamps."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from meltemi import errors


def json_text(value: Any) -> str | None:
    """Encode ``value`` the way Mistral renders its "JSON" fields (a string, or null)."""
    return None if value is None else json.dumps(value)


def timestamp(value: dt.datetime | None) -> str | None:
    """Render a timestamp as Mistral does: naive UTC, ``YYYY-MM-DD HH:MM:SS``.

    No fraction: python-mistralclient parses these with a format that has none.
    """
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def parse_json_field(value: Any, field: str, *, default: Any = None) -> Any:
    """Decode a request field that Mistral accepts as a JSON string or as plain JSON.

    Empty values (``None``, ``""``) give ``default``; a string that is not JSON is an
    ``InputError`` naming ``field``.
    """
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise errors.InputError(f"{field} must be JSON: {value!r}", field=field) from None


def parse_json_object(value: Any, field: str) -> dict[str, Any]:
    """Like :func:`parse_json_field`, but the value must be an object (``{}`` when empty)."""
    decoded = parse_json_field(value, field, default={})
    if not isinstance(decoded, dict):
        raise errors.InputError(f"{field} must be a JSON object [actual={decoded!r}]", field=field)
    return decoded


def project(body: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Keep only ``fields`` of ``body`` (all of it when ``fields`` is empty)."""
    wanted = list(fields)
    if not wanted:
        return dict(body)
    return {name: body.get(name) for name in wanted}
