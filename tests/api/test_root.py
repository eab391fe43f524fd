"""The root documents: API versions, the v2 root, health and the OpenAPI schema."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


@SQLITE_ONLY
def test_root_lists_v2_as_current_version(client: TestClient) -> None:
    """GET / lists v2.0 as CURRENT with a self link to /v2."""
    got = client.get("/")
    assert got.status_code == 200
    [version] = got.json()["versions"]
    assert version["id"] == "v2.0"
    assert version["status"] == "CURRENT"
    assert version["links"] == [{"href": "http://testserver/v2", "target": "v2", "rel": "self"}]


@SQLITE_ONLY
def test_v2_root_gives_its_uri(client: TestClient) -> None:
    """GET /v2 answers Mistral's root resource."""
    assert client.get("/v2").json() == {"uri": "http://testserver/v2"}


def test_health_reaches_the_database(client: TestClient) -> None:
    """GET /health answers ok once the database answers."""
    got = client.get("/health")
    assert got.status_code == 200
    assert got.json()["status"] == "ok"


@SQLITE_ONLY
def test_openapi_lists_every_resource(client: TestClient) -> None:
    """The OpenAPI schema documents each /v2 collection."""
    paths = client.get("/openapi.json").json()["paths"]
    for resource in (
        "workflows",
        "workbooks",
        "actions",
        "executions",
        "tasks",
        "action_executions",
        "environments",
        "cron_triggers",
    ):
        assert f"/v2/{resource}" in paths
