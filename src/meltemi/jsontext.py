"""JSON text for the whole service: one fast encoder (orjson).

Workflow data crosses JSON at every step (the engine state, task and action rows, the
API's bodies), often with large values; orjson encodes it several times faster than
the standard library. Whatever orjson refuses (integers beyond 64 bits, keys that are
not strings or numbers) goes to the standard library, which then encodes it or raises
its own ``TypeError``/``ValueError``: the same values are accepted as before.

Decoding stays with the standard library: orjson reads integers beyond 64 bits as
floats, which would lose digits of stored data.

Differences from ``json.dumps`` defaults, all deliberate: non-ASCII text is written as
UTF-8 rather than ``\\uXXXX`` escapes, no spaces follow separators, and NaN or infinite
floats become ``null`` (they have no JSON form; PostgreSQL refuses them).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS
"""Keys that are numbers or booleans become strings, as with ``json.dumps``."""

loads = json.loads


def dumpb(value: Any) -> bytes:
    """``value`` as UTF-8 JSON bytes.

    Raises:
        TypeError: ``value`` holds something JSON cannot represent.
    """
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def size(value: Any) -> int:
    """Bytes of ``value`` as :func:`dumpb` writes it; what JSON cannot represent counts
    as its ``str()`` (a size check must not fail on it: the caller reports the value)."""
    try:
        return len(orjson.dumps(value, default=str, option=_OPTIONS))
    except orjson.JSONEncodeError:
        text = json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
        return len(text.encode())


def dumps(value: Any) -> str:
    """``value`` as JSON text (see :func:`dumpb`)."""
    return dumpb(value).decode()
