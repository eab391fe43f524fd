"""Environments: create, read, update, list and delete; variables travel as JSON text."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""

ENV = {"name": "prod", "description": "production", "variables": json.dumps({"host": "h", "n": 1})}


def test_create_answers_variables_as_json_text(client: TestClient) -> None:
    """POST answers 201; variables come back as a JSON string."""
    got = client.post("/v2/environments", json=ENV)
    assert got.status_code == 201
    body = got.json()
    assert body["name"] == "prod"
    assert isinstance(body["variables"], str)
    assert json.loads(body["variables"]) == {"host": "h", "n": 1}
    assert body["scope"] == "private"


@SQLITE_ONLY
def test_variables_may_be_a_json_object(client: TestClient) -> None:
    """Variables sent as an object are accepted too."""
    got = client.post("/v2/environments", json={"name": "e", "variables": {"k": [1]}})
    assert got.status_code == 201
    assert json.loads(client.get("/v2/environments/e").json()["variables"]) == {"k": [1]}


@SQLITE_ONLY
def test_unknown_keys_are_refused(client: TestClient) -> None:
    """Keys other than name, description, variables, scope answer 400."""
    got = client.post("/v2/environments", json={**ENV, "colour": "blue"})
    assert got.status_code == 400
    assert "allowed as definition keys" in got.json()["faultstring"]


def test_duplicate_name_is_a_conflict(client: TestClient) -> None:
    """Two environments cannot share a name."""
    assert client.post("/v2/environments", json=ENV).status_code == 201
    assert client.post("/v2/environments", json=ENV).status_code == 409


def test_update_changes_variables(client: TestClient) -> None:
    """PUT with the name changes the variables and keeps the id."""
    made = client.post("/v2/environments", json=ENV).json()
    got = client.put("/v2/environments", json={"name": "prod", "variables": '{"a": 2}'})
    assert got.status_code == 200
    assert got.json()["id"] == made["id"]
    assert json.loads(got.json()["variables"]) == {"a": 2}
    assert got.json()["description"] == "production"


@SQLITE_ONLY
def test_update_without_name_is_400(client: TestClient) -> None:
    """PUT without a name answers 400."""
    assert client.put("/v2/environments", json={"variables": "{}"}).status_code == 400


def test_update_of_unknown_environment_is_404(client: TestClient) -> None:
    """PUT of a name that does not exist answers 404."""
    assert client.put("/v2/environments", json={"name": "nope"}).status_code == 404


def test_list_get_delete(client: TestClient) -> None:
    """Environments are listed, read by name, and deleted (then 404)."""
    client.post("/v2/environments", json=ENV)
    assert [e["name"] for e in client.get("/v2/environments").json()["environments"]] == ["prod"]
    assert client.get("/v2/environments/prod").json()["description"] == "production"
    assert client.delete("/v2/environments/prod").status_code == 204
    assert client.get("/v2/environments/prod").status_code == 404
    assert client.delete("/v2/environments/prod").status_code == 404


@SQLITE_ONLY
def test_bad_variables_json_is_400(client: TestClient) -> None:
    """Variables that are not JSON text answer 400."""
    got = client.post("/v2/environments", json={"name": "x", "variables": "{nope"})
    assert got.status_code == 400
