"""Every error is Mistral's fault body; codes come from the error class only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from meltemi import errors
from meltemi.api import errors as api_errors

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.NotFound("workflow", "x"), 404),
        (errors.Conflict("taken"), 409),
        (errors.DefinitionError([errors.Problem("bad", line=1, col=2)]), 400),
        (errors.InputError("bad input"), 400),
        (errors.ExpressionError("<% $.x %>", "no x"), 400),
        (errors.ExpressionSyntaxError("<% ( %>", "parse"), 400),
        (errors.QueryError("bad sort"), 400),
        (errors.ActionNotFound("Failed to find action [name=x]"), 400),
        (errors.TransitionError("execution", "SUCCESS", "RUNNING"), 409),
        (errors.EngineError("bug"), 500),
    ],
)
def test_status_of_each_error_class(error: errors.MeltemiError, status: int) -> None:
    """Each error class maps to its HTTP status (subclasses through their parents)."""
    assert api_errors.status_of(error) == status


@SQLITE_ONLY
def test_malformed_json_body_is_400_not_422(client: TestClient) -> None:
    """A body that fails request validation answers 400 naming the field."""
    got = client.post("/v2/cron_triggers", json={"workflow_name": "wf"})
    assert got.status_code == 400
    body = got.json()
    assert "name" in body["faultstring"]
    assert body["faultcode"] == "Client"
    assert body["debuginfo"] is None


@SQLITE_ONLY
def test_unknown_route_is_a_fault_body(client: TestClient) -> None:
    """An unknown path answers 404 with a faultstring."""
    got = client.get("/v2/nothing")
    assert got.status_code == 404
    assert "faultstring" in got.json()


@SQLITE_ONLY
def test_unexpected_error_is_500_without_traceback(client: TestClient) -> None:
    """An unexpected exception answers 500 with a faultstring and no traceback."""
    client.app.state.registry = None  # type: ignore[attr-defined]  # breaks /v2/actions on purpose
    got = client.get("/v2/actions")
    assert got.status_code == 500
    body = got.json()
    assert body["faultcode"] == "Server"
    assert "Traceback" not in body["faultstring"]
