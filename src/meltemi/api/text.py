"""Definition requests: YAML sent as ``text/plain``, as Mistral's definition endpoints take it.

Mistral exposes ``POST``/``PUT`` of workflows, workbooks and actions with
``content_type="text/plain"``, so a client that accepts only ``application/json`` is
refused with 406; python-mistralclient sends ``Accept: */*``. Besides raw text we accept
a JSON object or a form with a ``definition`` field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from pydantic import BaseModel

from meltemi import errors
from meltemi.api import errors as api_errors

PRODUCES = "text/plain"
SCOPES = ("private", "public")


class Validation(BaseModel):
    """The answer of a validate endpoint; ``error`` only when the text is invalid."""

    valid: bool
    error: str | None = None


def validation(load: Callable[[str], Any], definition: str) -> dict[str, Any]:
    """``{"valid": true}``, or ``{"valid": false, "error": ...}`` when ``load`` refuses."""
    try:
        load(definition)
    except errors.DefinitionError as exc:
        return {"valid": False, "error": str(exc)}
    return {"valid": True}


def check_scope(scope: str) -> str:
    """Mistral's scope check (``InputError`` for anything but private/public)."""
    if scope not in SCOPES:
        raise errors.InputError(
            f"Scope must be one of the following: {list(SCOPES)}; actual: {scope}",
            field="scope",
        )
    return scope


def _accepts(accept: str, media_type: str) -> bool:
    """Whether an ``Accept`` header admits ``media_type`` (missing header: anything)."""
    if not accept.strip():
        return True
    kind = media_type.split("/", 1)[0]
    for item in accept.split(","):
        rng, *params = (p.strip() for p in item.split(";"))
        if any(p.replace(" ", "") in {"q=0", "q=0.0", "q=0.00", "q=0.000"} for p in params):
            continue
        if rng in {"*/*", f"{kind}/*", media_type}:
            return True
    return False


def check_accept(request: Request) -> None:
    """Refuse (406) a client that cannot take the ``text/plain`` a definition endpoint makes."""
    if not _accepts(request.headers.get("accept", ""), PRODUCES):
        raise api_errors.NotAcceptable(PRODUCES)


async def definition_text(request: Request) -> str:
    """The definition text of a request (after the ``Accept`` check)."""
    check_accept(request)
    raw = (await request.body()).decode("utf-8", errors="replace")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        text = _from_json(raw)
    elif content_type == "application/x-www-form-urlencoded":
        text = parse_qs(raw).get("definition", [""])[0]
    else:
        text = raw
    if not text.strip():
        raise errors.InputError("The definition is empty.", field="definition")
    return text


async def body_text(request: Request) -> str:
    """The raw text of a request body, whatever its type (for validate endpoints)."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return _from_json(raw)
    return raw


def _from_json(raw: str) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(body, dict) and isinstance(body.get("definition"), str):
        return str(body["definition"])
    if isinstance(body, str):
        return body
    return raw  # a definition written as JSON (YAML is a superset of JSON)
