"""The OpenAPI document (``/openapi.json``), made to say what the API really answers.

FastAPI documents a 422 ``HTTPValidationError`` on every operation with parameters, but
:mod:`meltemi.api.errors` turns every error into Mistral's fault body with 400, 404, 406
or 409. :func:`install` replaces the generator: the 422 goes, and each operation lists
the fault statuses it can answer, all with the :class:`Fault` schema:

- 400 (bad input) on every operation that takes parameters or a body;
- 404 (unknown resource) on operations naming one in their path, changing one, or
  taking a paging ``marker``;
- 409 (conflict, or a state that does not allow the change) on POST, PUT and DELETE;
- none on the ``validate`` endpoints, which answer ``{"valid": false, ...}`` instead.

Definition endpoints read their body themselves; they declare it (and their 406 for a
client not accepting ``text/plain``, see ``api.text``) with :data:`DEFINITION_BODY`, the
validate endpoints with :data:`TEXT_BODY` (``openapi_extra``), so clients and fuzzers see it.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

FAULT_REF = "#/components/schemas/Fault"
FAULT_CONTENT = {"application/json": {"schema": {"$ref": FAULT_REF}}}
TEXT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}
"""``openapi_extra`` of a route reading a YAML text as ``text/plain``."""
DEFINITION_BODY: dict[str, Any] = {
    **TEXT_BODY,
    "responses": {
        "406": {"description": "The client does not accept text/plain", "content": FAULT_CONTENT}
    },
}
"""``openapi_extra`` of a route creating or replacing definitions from a YAML text."""
CHANGES = frozenset({"post", "put", "delete"})
DESCRIPTIONS = {
    "400": "Invalid input",
    "404": "Not found",
    "409": "Conflict with the current state",
}


class Fault(BaseModel):
    """Mistral's error body; python-mistralclient shows ``faultstring``."""

    faultstring: str
    faultcode: Literal["Client", "Server"]
    debuginfo: str | None = None


def fault_statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The fault statuses an operation can answer (see the module docstring)."""
    if path.endswith("/validate"):
        return []
    params = {p.get("name") for p in operation.get("parameters", [])}
    found = []
    if params or "requestBody" in operation:
        found.append("400")
    if "{" in path or method in CHANGES or "marker" in params:
        found.append("404")
    if method in CHANGES:
        found.append("409")
    return found


def _document_faults(operation: dict[str, Any], statuses: list[str]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    for status in statuses:
        responses[status] = {"description": DESCRIPTIONS[status], "content": FAULT_CONTENT}


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the fault responses (built once, then cached)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=app.routes,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            _document_faults(operation, fault_statuses(path, method, operation))
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Fault"] = Fault.model_json_schema()
    app.openapi_schema = doc
    return doc


def install(app: FastAPI) -> None:
    """Serve :func:`document` as the app's ``/openapi.json``."""
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
