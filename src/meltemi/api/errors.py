"""The only place that knows HTTP status codes.

Every error leaves the API as Mistral's fault body
``{"faultstring": ..., "faultcode": ..., "debuginfo": null}``: ``faultcode`` is
``"Client"`` for 4xx answers and ``"Server"`` for 5xx ones, and no traceback is
ever sent. python-mistralclient reads ``faultstring``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from meltemi import errors

log = logging.getLogger(__name__)

STATUS: dict[type[errors.MeltemiError], int] = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.QueryError: 400,
    errors.DefinitionError: 400,
    errors.InputError: 400,
    errors.ExpressionError: 400,
    errors.ActionError: 400,  # Mistral: an unknown or invalid action to run is a 400
    errors.TransitionError: 409,
    errors.StoreUnavailable: 503,  # the database is away: the client may try again
}
"""Status by error class; a subclass without an entry takes its nearest parent's."""


class NotAcceptable(HTTPException):
    """The client does not accept what the endpoint produces (HTTP 406)."""

    def __init__(self, produces: str) -> None:
        super().__init__(406, f"The endpoint only produces {produces}")


def status_of(exc: errors.MeltemiError) -> int:
    """The HTTP status for ``exc``: the entry of its nearest class in ``STATUS``, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def fault(status: int, message: str) -> JSONResponse:
    """A Mistral-shaped error response."""
    body = {
        "faultstring": message,
        "faultcode": "Client" if status < 500 else "Server",
        "debuginfo": None,
    }
    return JSONResponse(body, status_code=status)


async def _meltemi_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.MeltemiError)
    status = status_of(exc)
    if status >= 500:
        log.error("api_error", exc_info=exc, extra={"event": "api_error"})
    return fault(status, str(exc))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return fault(400, "; ".join(_describe(e) for e in exc.errors()))


def _describe(error: Any) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
    where = ".".join(loc) or "request"
    return f"Invalid input for field/attribute {where}: {error.get('msg', 'invalid')}"


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return fault(exc.status_code, str(exc.detail))


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("api_unexpected_error", exc_info=exc, extra={"event": "api_unexpected_error"})
    return fault(500, f"Internal server error: {type(exc).__name__}")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into a fault body."""
    app.add_exception_handler(errors.MeltemiError, _meltemi_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
